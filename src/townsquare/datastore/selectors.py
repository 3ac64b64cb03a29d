"""Reads of data versions, filtered by what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from townsquare.catalog import policies as catalog_policies
from townsquare.catalog.models import Dataset
from townsquare.catalog.selectors import dataset_for_view
from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.datastore import policies
from townsquare.datastore.models import DataVersion, PublishedVersion


def versions_of(*, actor: Actor, dataset: Dataset) -> QuerySet[DataVersion]:
    """Newest first. Stewards see every version; the organization and coordinators the ready
    ones; others the ready ones up to the published one (not those waiting for review)."""
    versions = DataVersion.objects.filter(dataset=dataset).select_related("created_by")
    if policies.can_ingest(actor, dataset):
        return versions.order_by("-number")
    versions = versions.filter(status=DataVersion.Status.READY)
    if not catalog_policies.can_see_working_copy(actor, dataset):
        published = published_version_number(dataset)
        versions = versions.filter(number__lte=published or 0)
    return versions.order_by("-number")


def published_version_number(dataset: Dataset) -> int | None:
    return (
        PublishedVersion.objects.filter(dataset=dataset)
        .values_list("version__number", flat=True)
        .first()
    )


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


# What queries and exports read of the dataset and its version (the API loads only these).
LEAN_FIELDS = (
    "dataset__id",
    "dataset__slug",
    "dataset__title",
    "dataset__access_level",
    "dataset__state",
    "dataset__organization_id",
    "version__id",
    "version__dataset_id",
    "version__number",
    "version__status",
    "version__content_hash",
    "version__parquet",
    "version__words",
    "version__table_schema",
    "version__row_count",
    "version__is_geographic",
)


def readable_data(*, actor: Actor, slug: str, lean: bool = False) -> tuple[Dataset, DataVersion]:
    """The dataset and its published version, if the actor may read its data; one query on
    the way every query, export and preview comes (profile and report not loaded; with
    ``lean``, only what queries and exports read: a cheaper query to build on every request)."""
    rows = PublishedVersion.objects.select_related("dataset", "version").filter(dataset__slug=slug)
    if lean:
        rows = rows.only("dataset_id", "version_id", *LEAN_FIELDS)
    else:
        rows = rows.defer("version__profile", "version__report")
    row = rows.first()
    if row is None or not policies.can_see_versions(actor, row.dataset):
        dataset = dataset_for_view(actor=actor, slug=slug)  # NotFound unless it is visible
        raise NotFound(f"Dataset {dataset.slug!r} has no data table yet.")
    ensure_readable(actor, row.dataset)
    row.version.dataset = row.dataset
    return row.dataset, row.version


def ensure_readable(actor: Actor, dataset: Dataset) -> None:
    if not policies.can_read_data(actor, dataset):
        raise PermissionDenied(
            "The data of this dataset is available to authorized people only; sign in with an "
            "account that may read it."
        )


def treatments_in_force(version: DataVersion) -> dict[str, dict[str, Any]]:
    """The withholding of the dataset's newest ready version before this one, by column: a
    new version of the same columns keeps it, whatever path the version came by."""
    previous = (
        DataVersion.objects.filter(
            dataset_id=version.dataset_id,
            number__lt=version.number,
            status=DataVersion.Status.READY,
        )
        .order_by("-number")
        .only("table_schema")
        .first()
    )
    if previous is None:
        return {}
    return {
        f["name"]: f["treatment"]
        for f in previous.table_schema.get("fields", [])
        if isinstance(f.get("treatment"), dict)
    }


def original_offered(version: DataVersion) -> bool:
    """The original file of a version is offered as a download beside its data only when no
    column is withheld from publication (it holds the raw values)."""
    return bool(version.original) and not version.withheld
