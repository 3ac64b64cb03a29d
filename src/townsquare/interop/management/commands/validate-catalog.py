"""`townsquare validate-catalog`: check the portal's data.json as data.gov's harvester would."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.interop import catalog_check, dcat_us


class Command(BaseCommand):
    help = (
        "Check the portal's DCAT-US 1.1 data.json record by record against the Project Open "
        "Data non-federal schema and data.gov's harvester schema; name each error by dataset "
        "and field, with the fix. Exits 1 when there is any."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        catalog = json.loads("".join(dcat_us.catalog_stream()))
        problems = catalog_check.check_catalog(catalog)
        count = len(catalog.get("dataset", []))
        for problem in problems:
            self.stdout.write(str(problem))
        summary = f"DCAT-US 1.1: {count} datasets, {len(problems)} errors."
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)
