"""The few fields a result list shows (API summaries, the pages' cards), loaded for a page of
datasets in one query instead of as full models with their relations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import AccessLevel

_ACCESS_LABELS = dict(AccessLevel.choices)
_FRESHNESS_LABELS = dict(freshness.State.choices)


@dataclass(frozen=True)
class OrganizationName:
    slug: str
    name: str


@dataclass(frozen=True)
class Listed:
    slug: str
    identifier: str
    title: str
    summary: str
    organization: OrganizationName
    access_level: str
    license: str
    keywords: list[str]
    themes: list[str]
    formats: list[str]
    modified: datetime
    featured: bool
    freshness: str = ""
    update_due_at: datetime | None = None

    @property
    def access_level_label(self) -> str:
        return str(_ACCESS_LABELS.get(self.access_level, self.access_level))

    @property
    def freshness_label(self) -> str:
        return str(_FRESHNESS_LABELS.get(self.freshness, ""))


_FIELDS = (
    "pk",
    "slug",
    "identifier",
    "title",
    "search_document__description",
    "organization__slug",
    "organization__name",
    "access_level",
    "license",
    "keywords",
    "themes",
    "search_document__formats",
    "modified",
    "featured",
    "freshness",
    "update_due_at",
)


def listed(ids: list[int]) -> list[Listed]:
    """The datasets with these ids, in this order."""
    rows = Dataset.objects.filter(pk__in=ids).order_by().values_list(*_FIELDS)
    by_id = {
        row[0]: Listed(
            slug=row[1],
            identifier=row[2],
            title=row[3],
            summary=row[4] or "",
            organization=OrganizationName(row[5], row[6]),
            access_level=row[7],
            license=row[8],
            keywords=row[9],
            themes=row[10],
            formats=(row[11] or "").split(),
            modified=row[12],
            featured=row[13],
            freshness=row[14],
            update_due_at=row[15],
        )
        for row in rows
    }
    return [by_id[pk] for pk in ids if pk in by_id]
