from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.core.management.base import TownsquareCommand
from townsquare.demo import loader


class Command(TownsquareCommand):
    help = "Load the demo town of Alder Falls (idempotent: what exists is kept)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--preparing",
            action="store_true",
            help="The town weeks before its launch: half its inventory, the shortlist chosen, "
            "two datasets waiting for sign-off, readiness below 100%%.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = loader.load(
            progress=lambda message: self.stdout.write(f"  {message}…"),
            preparing=options["preparing"],
        )
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {len(result.created)} demo datasets: {', '.join(result.created)}."
                )
            )
        for note in result.notes:
            self.stdout.write(note)
        if result.kept:
            self.stdout.write(f"Kept {len(result.kept)} datasets that exist already.")
        if result.admin_password:
            self.stdout.write(
                self.style.WARNING(
                    f"Created the admin account. Username: {loader.ADMIN_USERNAME}  "
                    f"Password (shown only now): {result.admin_password}"
                )
            )
        else:
            self.stdout.write(
                f"The account {loader.ADMIN_USERNAME!r} exists already; its password is unchanged."
            )
