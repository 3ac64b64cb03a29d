"""`townsquare launch [--override REASON]`: open the portal once the readiness checklist
passes, or anyway with a written reason (recorded in the audit trail)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.core.management.base import TownsquareCommand
from townsquare.readiness import services


class Command(TownsquareCommand):
    help = "Launch the portal when it is ready, or with --override REASON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--override", default="", metavar="REASON", help="Launch anyway, for this reason."
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        program = services.program_launch(actor=self.actor(options), override=options["override"])
        how = f" (override: {program.launch_override})" if program.launch_override else ""
        self.stdout.write(f"Launched on {program.launched_at:%Y-%m-%d %H:%M}{how}.")
