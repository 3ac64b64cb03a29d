"""Each dataset's freshness state, kept on its row (catalog/freshness.py has the formula): the
scheduler evaluates the whole catalog every hour, and a dataset again as soon as a version of
it is published or its metadata or state change. Only rows whose state or due date changed are
written, and only their freshness facet entry is replaced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog import services as catalog_services
from townsquare.catalog.models import Dataset
from townsquare.catalog.search import set_facet
from townsquare.catalog.vocabularies import State
from townsquare.datastore import services as datastore_services

BATCH = 2000


@dataclass
class Evaluated:
    datasets: int = 0
    changed: list[tuple[int, str, str]] = field(default_factory=list)  # (id, before, after)

    def __str__(self) -> str:
        return f"{self.datasets} datasets evaluated, {len(self.changed)} changed state"


def evaluate(now: datetime | None = None, ids: list[int] | None = None) -> Evaluated:
    now = now or timezone.now()
    found = Evaluated()
    rows = Dataset.objects.order_by("pk").values_list(
        "pk",
        "state",
        "accrual_periodicity",
        "modified",
        "published_data__published_at",
        "freshness",
        "update_due_at",
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    updates: list[Dataset] = []
    for pk, state, frequency, modified, published_at, before, due_before in rows.iterator(
        chunk_size=BATCH
    ):
        found.datasets += 1
        after = _state(state, frequency, published_at or modified, now)
        if (after.state, after.due_at) != (before, due_before):
            updates.append(Dataset(pk=pk, freshness=after.state, update_due_at=after.due_at))
            if after.state != before:
                found.changed.append((pk, before, after.state))
    _write(updates, {pk for pk, _, _ in found.changed})
    return found


def _state(
    state: str, frequency: str, last_update: datetime | None, now: datetime
) -> freshness.Freshness:
    if state != State.PUBLISHED:
        return freshness.Freshness(freshness.State.NONE)
    return freshness.freshness(frequency, last_update, now)


def _write(updates: list[Dataset], changed: set[int]) -> None:
    """The new states and due dates, and the freshness facet of those whose state changed
    (the rest of their search entries stay as they are)."""
    for start in range(0, len(updates), BATCH):
        chunk = updates[start : start + BATCH]
        with transaction.atomic():
            _update(chunk)
            set_facet("freshness", {d.pk: d.freshness for d in chunk if d.pk in changed})


def _update(chunk: list[Dataset]) -> None:
    """One prepared UPDATE per row, sent as a batch (Django's bulk_update writes a CASE per
    row into one statement, several times slower for thousands of rows)."""
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(Dataset._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET freshness = %s, update_due_at = %s WHERE id = %s",  # noqa: S608 (the model's own table)
            [(d.freshness, adapt(d.update_due_at), d.pk) for d in chunk],
        )


def late(organization_ids: list[int] | None = None) -> list[Dataset]:
    """Datasets with a schedule, the latest first (delinquent, overdue, due, then fresh)."""
    rank = {s: n for n, s in enumerate(("delinquent", "overdue", "due", "fresh"))}
    found = Dataset.objects.exclude(freshness="").select_related("organization")
    if organization_ids is not None:
        found = found.filter(organization_id__in=organization_ids)
    return sorted(
        found.order_by(F("update_due_at").asc(nulls_last=True)),
        key=lambda d: (rank.get(d.freshness, 9), d.update_due_at or timezone.now()),
    )


def _again(dataset_id: int) -> None:
    transaction.on_commit(lambda: evaluate(ids=[dataset_id]))


datastore_services.VERSION_PUBLISHED.append(lambda version, before: _again(version.dataset_id))
catalog_services.DATASET_PUBLISHED.append(lambda dataset: _again(dataset.pk))
catalog_services.DATASET_SAVED.append(lambda dataset: _again(dataset.pk))
