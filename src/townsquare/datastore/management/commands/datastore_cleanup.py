from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from townsquare.core.management.base import TownsquareCommand
from townsquare.datastore import services


class Command(TownsquareCommand):
    help = (
        "After a crash: mark ingests whose process stopped as failed, and delete stored files "
        "no version refers to and abandoned scratch folders."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=15,
            help="An ingest silent this long is taken as interrupted (default 15).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.storage_cleanup(stale_after=timedelta(minutes=options["stale_minutes"]))
        self.stdout.write(
            f"Interrupted ingests marked failed: {result['interrupted']}; stored files removed: "
            f"{result['files_removed']}; scratch folders removed: {result['scratch_removed']}."
        )
