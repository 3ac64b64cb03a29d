"""A portal that published datasets before Townsquare had a launch program has launched: it is
recorded so (no coming-soon page falls over a live portal on upgrade). A new portal starts
preparing."""

from typing import Any

from django.db import migrations
from django.utils import timezone


def launched_already(apps: Any, schema_editor: Any) -> None:
    Dataset = apps.get_model("catalog", "Dataset")
    Program = apps.get_model("readiness", "Program")
    if Dataset.objects.filter(state="published").exists() and not Program.objects.exists():
        Program.objects.create(
            launched_at=timezone.now(),
            launched_by="upgrade",
            launch_override="The portal was live before the launch program existed.",
        )


class Migration(migrations.Migration):
    dependencies = [("readiness", "0001_initial"), ("catalog", "0007_distribution_privacy")]
    operations = [migrations.RunPython(launched_already, migrations.RunPython.noop)]
