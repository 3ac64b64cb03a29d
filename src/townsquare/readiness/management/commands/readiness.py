"""`townsquare readiness`: the launch readiness checklist, blocking items first; the exit status
is 0 only when the portal is ready (for scripts)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from townsquare.core.management.base import TownsquareCommand
from townsquare.readiness import checklist


class Command(TownsquareCommand):
    help = "Show the launch readiness checklist; exit 0 only when the portal is ready."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print it as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = checklist.evaluate()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ready": found.ready,
                        "percent": found.percent,
                        "checks": [
                            {
                                "label": c.label,
                                "passed": c.passed,
                                "why": None if c.passed else c.why,
                            }
                            for c in found.checks
                        ],
                    },
                    indent=2,
                )
            )
        else:
            self.stdout.write(f"Readiness: {found.percent}% ({len(found.blocking)} to do)")
            for check in found.checks:
                mark = "done" if check.passed else "TO DO"
                line = f"  [{mark}] {check.label}"
                self.stdout.write(line if check.passed else f"{line}: {check.why}")
        if not found.ready:
            raise CommandError(f"Not ready: {len(found.blocking)} item(s) to do.")
