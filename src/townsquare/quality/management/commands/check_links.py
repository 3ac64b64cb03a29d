"""`townsquare check_links [SLUG…]`: check that datasets' links are reachable (for a nightly
cron job). Without slugs, the datasets with a link not checked for
TOWNSQUARE_QUALITY_LINK_RECHECK_DAYS; ``--queue`` leaves the checks to the worker."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.catalog.models import Dataset
from townsquare.core.management.base import TownsquareCommand
from townsquare.quality import links
from townsquare.quality.tasks import check_links


class Command(TownsquareCommand):
    help = "Check that datasets' links (landing pages, files' addresses) are reachable."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG")
        parser.add_argument(
            "--queue", action="store_true", help="Queue the checks for the worker and return."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["slugs"]:
            datasets = list(Dataset.objects.filter(slug__in=options["slugs"]))
            missing = set(options["slugs"]) - {d.slug for d in datasets}
            if missing:
                self.stderr.write(f"No dataset {', '.join(sorted(missing))}.")
        else:
            datasets = links.due()
        for dataset in datasets:
            if options["queue"]:
                check_links.enqueue(dataset_id=dataset.pk)
                continue
            checks = links.check_dataset(dataset)
            broken = [c for c in checks if not c.ok]
            self.stdout.write(
                f"{dataset.slug}: {len(checks)} link(s), {len(broken)} broken"
                + "".join(f"\n  {c.url}: {c.error}" for c in broken)
            )
        if options["queue"]:
            self.stdout.write(f"{len(datasets)} dataset(s) queued for a link check.")
