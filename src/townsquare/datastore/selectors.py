"""Reads of data versions, filtered by what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound
from townsquare.datastore import policies
from townsquare.datastore.models import DataVersion, PublishedVersion


def versions_of(*, actor: Actor, dataset: Dataset) -> QuerySet[DataVersion]:
    """Newest first. Stewards see every version; others see the ones that became ready."""
    versions = DataVersion.objects.filter(dataset=dataset).select_related("created_by")
    if not policies.can_ingest(actor, dataset):
        versions = versions.filter(status=DataVersion.Status.READY)
    return versions.order_by("-number")


def version_for_view(*, actor: Actor, dataset: Dataset, version_id: int) -> DataVersion:
    version = versions_of(actor=actor, dataset=dataset).filter(pk=version_id).first()
    if version is None:
        raise NotFound(f"Dataset {dataset.slug!r} has no version {version_id}.")
    return version


def published_version(dataset: Dataset) -> DataVersion | None:
    row = PublishedVersion.objects.select_related("version").filter(dataset=dataset).first()
    return row.version if row else None


def published_version_id(dataset: Dataset) -> int | None:
    return (
        PublishedVersion.objects.filter(dataset=dataset)
        .values_list("version_id", flat=True)
        .first()
    )
