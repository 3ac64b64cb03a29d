"""`townsquare validate-catalog`: check the portal's data.json as data.gov's harvester would."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.interop import catalog_check


class Command(BaseCommand):
    help = (
        "Check the portal's data.json, DCAT-US 1.1 and 3.0, record by record against the "
        "schemas data.gov's harvester uses (and Project Open Data's non-federal 1.1 schema); "
        "name each error by dataset and field, with the fix. Exits 1 when there is any."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        failed = []
        for report in catalog_check.portal_reports():
            for problem in report.problems:
                self.stdout.write(f"DCAT-US {report.version}: {problem}")
            summary = (
                f"DCAT-US {report.version}: {report.datasets} datasets, "
                f"{len(report.problems)} errors."
            )
            self.stdout.write(summary)
            if report.problems:
                failed.append(summary)
        if failed:
            raise CommandError(" ".join(failed))
