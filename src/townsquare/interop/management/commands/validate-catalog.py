"""`townsquare validate-catalog`: check the portal's data.json as data.gov's harvester would."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.interop import catalog_check, dcat_us, dcat_us3


class Command(BaseCommand):
    help = (
        "Check the portal's data.json, DCAT-US 1.1 and 3.0, record by record against the "
        "schemas data.gov's harvester uses (and Project Open Data's non-federal 1.1 schema); "
        "name each error by dataset and field, with the fix. Exits 1 when there is any."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        failed = []
        for version, stream in (("1.1", dcat_us.catalog_stream), ("3.0", dcat_us3.catalog_stream)):
            catalog = json.loads("".join(stream()))
            problems = catalog_check.check_catalog(catalog, version)
            for problem in problems:
                self.stdout.write(f"DCAT-US {version}: {problem}")
            count = len(catalog.get("dataset", []))
            summary = f"DCAT-US {version}: {count} datasets, {len(problems)} errors."
            self.stdout.write(summary)
            if problems:
                failed.append(summary)
        if failed:
            raise CommandError(" ".join(failed))
