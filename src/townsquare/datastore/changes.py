"""Who may compare which versions, and each dataset's public change history. Those who see the
working copy (the organization, coordinators) compare any versions they see; everyone else who
may read the data compares versions the public has seen (published at some time), never one
that waited for review. The change history lists the published versions, each with the rows
added, removed and changed since the one before, counted once when it is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from townsquare.audit.models import AuditEvent
from townsquare.catalog import policies as catalog_policies
from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.datastore import keydiff, policies, selectors
from townsquare.datastore.models import DataVersion, VersionDiff


def _public(actor: Actor, dataset: Dataset) -> bool:
    return not catalog_policies.can_see_working_copy(actor, dataset)


def comparable(actor: Actor, dataset: Dataset) -> Any:
    """The ready versions the actor may compare."""
    found = selectors.versions_of(actor=actor, dataset=dataset).filter(
        status=DataVersion.Status.READY
    )
    if _public(actor, dataset):
        found = found.filter(first_published_at__isnull=False)
    return found


def version_diff(
    *,
    actor: Actor,
    dataset: Dataset,
    version_id: int,
    against: int | None = None,
    key: list[str] | None = None,
) -> VersionDiff:
    """The difference of a version against another (by id; default: the one before it that
    the actor may compare)."""
    if not policies.can_read_data(actor, dataset):
        raise PermissionDenied("Comparing versions shows their rows: it needs access to the data.")
    versions = comparable(actor, dataset)
    new = versions.filter(pk=version_id).first()
    if new is None:
        raise NotFound(f"Dataset {dataset.slug!r} has no version {version_id} to compare.")
    if against is None:
        old = versions.filter(number__lt=new.number).order_by("-number").first()
        if old is None:
            raise NotFound(f"Version {new.number} is the first: there is nothing before it.")
    else:
        old = versions.filter(pk=against).first()
        if old is None:
            raise NotFound(f"Dataset {dataset.slug!r} has no version {against} to compare.")
    return keydiff.compare(old, new, key=key)


@dataclass(frozen=True)
class Published:
    at: datetime
    version: DataVersion
    before: DataVersion | None  # the version it replaced (None: the first publication)
    diff: VersionDiff | None  # None for the first, or while it is being counted


def history(dataset: Dataset, limit: int = 50) -> list[Published]:
    """Each publication of the dataset's data, newest first — a rollback too, which publishes
    an earlier version again — with what changed against the version it replaced (the audit
    trail records each one)."""
    events = list(
        AuditEvent.objects.filter(action="data_version.published", dataset_id=dataset.pk)
        .order_by("-number")
        .values_list("at", "before", "after")[:limit]
    )
    moves = [(at, _number(before), _number(after)) for at, before, after in events]
    numbers = {n for _, b, a in moves for n in (b, a) if n is not None}
    versions = {
        v.number: v for v in DataVersion.objects.filter(dataset=dataset, number__in=numbers)
    }
    counted = {
        (d.old_id, d.new_id): d
        for d in VersionDiff.objects.filter(new__in=list(versions.values()), asked="")
    }
    rows = []
    for at, before, after in moves:
        version = versions.get(after) if after is not None else None
        if version is None:
            continue
        replaced = versions.get(before) if before is not None else None
        found = counted.get((replaced.pk, version.pk)) if replaced is not None else None
        rows.append(Published(at, version, replaced, found))
    return rows


def _number(state: Any) -> int | None:
    value = state.get("published") if isinstance(state, dict) else None
    return int(value) if isinstance(value, int) else None


def count_published(version_id: int, before: int | None) -> VersionDiff | None:
    """Count a publication's changes against the version it replaced."""
    version = DataVersion.objects.get(pk=version_id)
    if before is None:
        return None
    replaced = DataVersion.objects.filter(
        dataset_id=version.dataset_id, number=before, status=DataVersion.Status.READY
    ).first()
    if replaced is None or not replaced.parquet or not version.parquet or replaced == version:
        return None
    return keydiff.compare(replaced, version)
