"""Data versions over the API: list, load (upload or URL), read, re-ingest, publish."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from townsquare.catalog.selectors import dataset_for_edit, dataset_for_view
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.datastore import presenters, selectors, services
from townsquare.datastore.schemas import (
    FromUrlIn,
    ReaderOptions,
    ReingestIn,
    VersionCreated,
    VersionOut,
    VersionSummary,
)

router = Router()


def _created(request: HttpRequest, created: services.Created) -> tuple[int, dict[str, Any]]:
    version = created.duplicate_of or created.version
    published = selectors.published_version_id(version.dataset)
    if created.duplicate_of:
        message = f"This file is identical to version {version.number}; nothing new was ingested."
        return 200, {
            "version": presenters.version_out(request, version, published),
            "duplicate_of": version.pk,
            "message": message,
        }
    message = f"Version {version.number} is queued for ingest."
    return 202, {
        "version": presenters.version_out(request, version, published),
        "duplicate_of": None,
        "message": message,
    }


@router.get(
    "/datasets/{slug}/versions",
    response=list[VersionSummary],
    summary="Data versions, newest first",
)
def list_versions(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    published = selectors.published_version_id(dataset)
    versions = selectors.versions_of(actor=request.auth, dataset=dataset)
    return [presenters.version_summary(request, v, published) for v in versions]


@router.get(
    "/datasets/{slug}/versions/{int:version_id}",
    response=VersionOut,
    url_name="get_version",
    summary="One version: progress, table schema, ingest report, profile",
)
def get_version(request: HttpRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    return presenters.version_out(request, version, selectors.published_version_id(dataset))


@router.post(
    "/datasets/{slug}/versions",
    response={200: VersionCreated, 202: VersionCreated},
    summary="Load a file as a new version (multipart/form-data); ingest runs in the background",
)
def upload_version(
    request: HttpRequest, slug: str, file: File[UploadedFile], options: Form[ReaderOptions]
) -> Status[dict[str, Any]]:
    ensure_upload_within_limit(request)
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    created = services.version_create(
        actor=request.auth, dataset=dataset, upload=file, options=options.model_dump()
    )
    return Status(*_created(request, created))


@router.post(
    "/datasets/{slug}/versions/from-url",
    response={202: VersionCreated},
    summary="Load a new version from an http(s) URL; fetched and ingested in the background",
)
def version_from_url(request: HttpRequest, slug: str, payload: FromUrlIn) -> Status[dict[str, Any]]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    options = payload.model_dump()
    url = options.pop("url")
    created = services.version_create_from_url(
        actor=request.auth, dataset=dataset, url=url, options=options
    )
    return Status(*_created(request, created))


@router.post(
    "/datasets/{slug}/versions/{int:version_id}/reingest",
    response={202: VersionOut},
    summary="Ingest the version's original file again with an edited table schema",
)
def reingest(
    request: HttpRequest, slug: str, version_id: int, payload: ReingestIn
) -> Status[dict[str, Any]]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    again = services.version_reingest(
        actor=request.auth, version=version, table_schema=payload.table_schema
    )
    return Status(
        202, presenters.version_out(request, again, selectors.published_version_id(dataset))
    )


@router.post(
    "/datasets/{slug}/versions/{int:version_id}/publish",
    response=VersionOut,
    summary="Make this ready version the one the public sees (for example to roll back)",
)
def publish(request: HttpRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    services.version_publish(actor=request.auth, version=version)
    return presenters.version_out(request, version, version.pk)
