"""The metadata quality score (0–100) of a dataset, with concrete suggestions, in the spirit
of uData's criteria and data.europa.eu's metadata quality assessment. Each criterion has a
weight; partly met criteria (the data dictionary) earn part of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import FREQUENCY_LABELS, LICENSES_BY_ID
from townsquare.datastore.models import PublishedVersion
from townsquare.quality.links import summary

# Open, machine-readable formats (data.europa.eu's list, shortened to what portals publish).
OPEN_FORMATS = {"CSV", "TSV", "JSON", "NDJSON", "GEOJSON", "PARQUET", "XML", "ODS", "SHP", "KML"}
DESCRIPTION_CHARS = 100
Fields = list[dict[str, Any]] | None  # the published version's table schema fields


@dataclass
class Score:
    score: int
    suggestions: list[str] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)


def late(dataset: Dataset, now: datetime | None = None) -> int | None:
    """Days since the update was due when the dataset is overdue or delinquent, else None
    (the formula is catalog/freshness.py)."""
    now = now or timezone.now()
    state = freshness.freshness(dataset.accrual_periodicity, last_update(dataset), now)
    return state.days_late(now) if state.state in freshness.LATE else None


def last_update(dataset: Dataset) -> datetime | None:
    """When the data last changed: its published version's, else the dataset's files'."""
    published = PublishedVersion.objects.filter(dataset=dataset).first()
    if published is not None:
        return published.published_at
    return dataset.modified


Met = tuple[float, str]  # how far a criterion is met (0..1), and the suggestion if not fully


def _open_license(dataset: Dataset, fields: Fields) -> Met:
    license = LICENSES_BY_ID.get(dataset.license)
    suggestion = "Choose an open license." if dataset.license else "The license is not set."
    return (1.0 if license and license.open else 0.0), suggestion


def _description(dataset: Dataset, fields: Fields) -> Met:
    return (
        min(1.0, len(dataset.description.strip()) / DESCRIPTION_CHARS),
        f"Describe the data in at least {DESCRIPTION_CHARS} characters: what, who, how.",
    )


def _temporal(dataset: Dataset, fields: Fields) -> Met:
    return float(bool(dataset.temporal)), "Say which period the data covers."


def _spatial(dataset: Dataset, fields: Fields) -> Met:
    return float(bool(dataset.spatial)), "Say which area the data covers."


def _update_frequency(dataset: Dataset, fields: Fields) -> Met:
    """Honoured while fresh or due, half met once overdue, not met once delinquent."""
    if not dataset.accrual_periodicity:
        return 0.0, "The update frequency is not set."
    now = timezone.now()
    state = freshness.freshness(dataset.accrual_periodicity, last_update(dataset), now)
    label = FREQUENCY_LABELS.get(dataset.accrual_periodicity, dataset.accrual_periodicity)
    met = {"overdue": 0.5, "delinquent": 0.0}.get(state.state, 1.0)
    if state.due_at is None:  # a frequency without a period is never late
        return met, ""
    return (
        met,
        f"The data should be updated {label.lower()}, but the update due on "
        f"{state.due_at:%d %B %Y} is {state.days_late(now)} days late: "
        "load fresh data or correct the update frequency.",
    )


def _links(dataset: Dataset, fields: Fields) -> Met:
    links = summary(dataset)
    broken = links.broken
    return (
        1.0 - len(broken) / links.checked if links.checked else 1.0,
        f"{len(broken)} link{'s' if len(broken) != 1 else ''} did not answer: "
        + ", ".join(str(b["url"]) for b in broken[:3])
        + ".",
    )


def _keywords(dataset: Dataset, fields: Fields) -> Met:
    return float(bool(dataset.keywords)), "Add keywords people search for."


def _contact(dataset: Dataset, fields: Fields) -> Met:
    return float(bool(dataset.contact_email)), "Name a contact email."


def _open_format(dataset: Dataset, fields: Fields) -> Met:
    formats = {d.format.upper() for d in dataset.distributions.all() if d.format and not d.pending}
    return (
        float(bool(formats & OPEN_FORMATS) or fields is not None),
        "Publish the data in an open, machine-readable format (CSV, JSON, GeoJSON…).",
    )


def _data_dictionary(dataset: Dataset, fields: Fields) -> Met:
    if not fields:
        return (
            1.0 if dataset.described_by else 0.0,
            "Link a data dictionary, or load the data so each column can be described.",
        )
    columns = [f for f in fields if f.get("type") != "geojson"]
    described = sum(1 for f in columns if str(f.get("description") or "").strip())
    missing = len(columns) - described
    return (
        described / len(columns) if columns else 1.0,
        f"Add a description to {missing} column{'s' if missing != 1 else ''}.",
    )


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: int
    measure: Callable[[Dataset, Fields], Met]


# The criteria, their weights (out of 130, scaled to 100) and how each is measured.
CRITERIA = (
    Criterion("open license", 15, _open_license),
    Criterion("description", 10, _description),
    Criterion("temporal coverage", 10, _temporal),
    Criterion("spatial coverage", 10, _spatial),
    Criterion("update frequency", 10, _update_frequency),
    Criterion("links reachable", 10, _links),
    Criterion("keywords", 5, _keywords),
    Criterion("contact", 5, _contact),
    Criterion("open machine-readable format", 15, _open_format),
    Criterion("data dictionary", 20, _data_dictionary),
)


def score(dataset: Dataset, fields: Fields) -> Score:
    """``fields``: the published data version's table schema fields, if it has data."""
    measured = [(c, *c.measure(dataset, fields)) for c in CRITERIA]
    total = sum(c.weight for c in CRITERIA)
    earned = sum(c.weight * met for c, met, _ in measured)
    return Score(
        score=round(100 * earned / total),
        suggestions=[suggestion for _, met, suggestion in measured if met < 1.0],
        criteria=[
            {"criterion": c.name, "weight": c.weight, "met": round(met, 2)}
            for c, met, _ in measured
        ],
    )
