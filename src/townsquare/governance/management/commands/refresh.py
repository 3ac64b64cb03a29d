"""`townsquare refresh SLUG…`: fetch each dataset's published source URL again, in the
foreground (for a nightly cron job). The publication decision says whether each refresh
publishes at once (the policy allows it, same columns, every value read), waits in the working
copy for review or for a privacy officer, or is blocked by quality errors; the command reports
which. It lives in governance because it reports that decision."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.management.base import TownsquareCommand
from townsquare.datastore import services
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance import decision
from townsquare.quality import gate


class Command(TownsquareCommand):
    help = "Fetch datasets' published source URLs again (a scheduled refresh)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slugs", nargs="+", metavar="SLUG")
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor, failed = self.actor(options), []
        for slug in options["slugs"]:
            dataset = dataset_for_edit(actor=actor, slug=slug)
            created = services.version_refresh(actor=actor, dataset=dataset, enqueue=False)
            if created.duplicate_of is not None:
                self.stdout.write(f"{slug}: unchanged since version {created.duplicate_of.number}.")
                continue
            version = services.version_ingest(created.version.pk)
            if version.pk != created.version.pk:  # fetched again, byte for byte the same
                self.stdout.write(f"{slug}: unchanged since version {version.number}.")
                continue
            if version.status != DataVersion.Status.READY:
                failed.append(f"{slug}: version {version.number} failed: {version.error}")
                continue
            verdict = decision.data_version(version)
            if verdict.blocked:
                failed.append(
                    f"{slug}: version {version.number} is not published: its quality report "
                    f"has {verdict.errors} error(s)"
                )
                continue
            self.stdout.write(
                f"{slug}: version {version.number}, {version.row_count:,} rows, "
                f"{_state(version, verdict)}."
            )
        if failed:
            raise CommandError("; ".join(failed))


def _state(version: DataVersion, verdict: decision.Decision) -> str:
    current = published_version(version.dataset)
    if current is not None and current.pk == version.pk:
        return "published"
    if verdict.privacy:
        held = len(gate.open_findings(version))
        return f"waits for a privacy officer ({held} privacy finding(s) to sign off)"
    return "waits for review"
