from __future__ import annotations

from typing import Any

from townsquare.catalog import search
from townsquare.catalog.models import Dataset
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Rebuild the catalog's search index and facet counts from the datasets."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search.reindex(Dataset.objects.all())
        search.recount()
        search.refresh_statistics()
        self.stdout.write(self.style.SUCCESS(f"Reindexed {count} datasets."))
