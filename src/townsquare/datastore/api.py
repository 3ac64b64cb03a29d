"""Data versions over the API: list, load (upload or URL), read, re-ingest, publish, compare,
and the change history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from townsquare.catalog.selectors import dataset_for_edit, dataset_for_view
from townsquare.core.actors import ApiRequest
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.datastore import (
    changes,
    exports,
    keydiff,
    policies,
    presenters,
    selectors,
    services,
)
from townsquare.datastore.query import output, run
from townsquare.datastore.query.answer import CONTENT_TYPES, records_answer
from townsquare.datastore.query.reads import TYPES
from townsquare.datastore.query.records import Column, RecordsQuery
from townsquare.datastore.query.sql import run_sql
from townsquare.datastore.schemas import (
    ExportParams,
    FromUrlIn,
    ReaderOptions,
    RecordsParams,
    ReingestIn,
    SqlParams,
    VersionCreated,
    VersionOut,
    VersionSummary,
)
from townsquare.governance import workflow

router = Router()


@router.get(
    "/datasets/{slug}/versions",
    response=list[VersionSummary],
    summary="Data versions, newest first",
)
def list_versions(request: ApiRequest, slug: str) -> list[dict[str, Any]]:
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
def get_version(request: ApiRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    return presenters.version_out(
        request,
        version,
        selectors.published_version_id(dataset),
        with_data=policies.can_read_data(request.auth, dataset),
    )


@router.post(
    "/datasets/{slug}/versions",
    response={200: VersionCreated, 202: VersionCreated},
    summary="Load a file as a new version (multipart/form-data); ingest runs in the background",
)
def upload_version(
    request: ApiRequest, slug: str, file: File[UploadedFile], options: Form[ReaderOptions]
) -> Status[dict[str, Any]]:
    ensure_upload_within_limit(request)
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    created = services.version_create(
        actor=request.auth, dataset=dataset, upload=file, options=options.model_dump()
    )
    return Status(*presenters.created_out(request, created))


@router.post(
    "/datasets/{slug}/versions/from-url",
    response={202: VersionCreated},
    summary="Load a new version from an http(s) URL; fetched and ingested in the background",
)
def version_from_url(request: ApiRequest, slug: str, payload: FromUrlIn) -> Status[dict[str, Any]]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    options = payload.model_dump()
    url = options.pop("url")
    created = services.version_create_from_url(
        actor=request.auth, dataset=dataset, url=url, options=options
    )
    return Status(*presenters.created_out(request, created))


@router.post(
    "/datasets/{slug}/versions/{int:version_id}/reingest",
    response={202: VersionOut},
    summary="Ingest the version's original file again with an edited table schema",
)
def reingest(
    request: ApiRequest, slug: str, version_id: int, payload: ReingestIn
) -> Status[dict[str, Any]]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    again = services.version_reingest(
        actor=request.auth, version=version, table_schema=payload.table_schema
    )
    return Status(
        202,
        presenters.version_out(
            request, again, selectors.published_version_id(dataset), with_data=True
        ),
    )


@router.post(
    "/datasets/{slug}/versions/{int:version_id}/publish",
    response=VersionOut,
    summary="Put this ready version forward (for example to roll back): published at once, or "
    "held in the working copy when the approval policy reviews data versions",
)
def publish(request: ApiRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    version = selectors.version_for_view(actor=request.auth, dataset=dataset, version_id=version_id)
    workflow.version_choose(actor=request.auth, version=version)
    return presenters.version_out(
        request, version, selectors.published_version_id(dataset), with_data=True
    )


@router.get(
    "/datasets/{slug}/records",
    summary="Query the published data: select, where, group_by, having, order_by, q, bbox",
    response={200: Any},
    openapi_extra={"responses": {200: {"description": "JSON, CSV or GeoJSON (format)."}}},
)
def records(request: ApiRequest, slug: str, params: Query[RecordsParams]) -> HttpResponse:
    run.spent.reset()
    dataset, version = selectors.readable_data(actor=request.auth, slug=slug, lean=True)
    values = params.model_dump()
    form = values.pop("format")
    following = request.GET.copy()
    following.pop("offset", None)
    following["offset"] = ""
    answer = records_answer(
        version,
        RecordsQuery(**values),
        form,
        address=request.build_absolute_uri(),
        next_address=request.build_absolute_uri(f"{request.path}?{following.urlencode()}"),
    )
    response = HttpResponse(answer.body, content_type=answer.content_type)
    response["X-Total-Count"] = str(answer.total)
    # The time its DuckDB statements took (none when the answer was remembered).
    response["Server-Timing"] = f"duckdb;dur={run.spent.seconds * 1000:.2f}"
    if form == "csv":
        response["Content-Disposition"] = f'inline; filename="{dataset.slug}.csv"'
    return response


@router.get(
    "/sql",
    summary="One read-only SELECT over the published datasets you may read (tables: slugs)",
    response={200: Any},
    openapi_extra={"responses": {200: {"description": "JSON or CSV (format)."}}},
)
def sql(request: ApiRequest, params: Query[SqlParams]) -> HttpResponse:
    result = run_sql(actor=request.auth, text=params.q)
    columns = [
        Column(name, name, TYPES.get(kind.split("(")[0], "string"))
        for name, kind in zip(result.names, result.types, strict=True)
    ]
    if params.format == "csv":
        response = HttpResponse(
            output.as_csv(columns, result.rows), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = 'inline; filename="query.csv"'
    else:
        tail = {"count": len(result.rows), "truncated": result.truncated, "limit": result.limit}
        response = HttpResponse(
            output.as_json(columns, result.rows, {}, tail), content_type=CONTENT_TYPES["json"]
        )
    response["X-Truncated"] = "true" if result.truncated else "false"
    return response


@router.get(
    "/datasets/{slug}/export.{form}",
    summary="Download the published data, whole or of a query: csv, json, ndjson, geojson, "
    "xlsx, parquet",
    response={200: Any, 304: None},
    openapi_extra={"responses": {200: {"description": "The file, as an attachment."}}},
)
def export(
    request: ApiRequest, slug: str, form: str, params: Query[ExportParams]
) -> HttpResponseBase:
    _, version = selectors.readable_data(actor=request.auth, slug=slug, lean=True)
    values = params.model_dump()
    query = RecordsQuery(**values) if any(values.values()) else None
    exports.check_format(form)
    etag = exports.etag_for(version, form, query)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        made = exports.export(version, form, query)
        response = FileResponse(
            made.handle, as_attachment=True, filename=made.name, content_type=made.content_type
        )
        if made.size is not None:
            response["Content-Length"] = str(made.size)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # revalidate: the published version may change
    return response


class DiffParams(Schema):
    against: int | None = Field(
        None, description="The version (id) to compare with; default: the one before it."
    )
    key: str = Field(
        "", description="Columns to match rows by, comma-separated; default: the primary key."
    )
    change: Literal["", "added", "removed", "changed"] = ""
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


class DiffRow(Schema):
    change: str
    values: dict[str, Any]
    changed: list[str]
    before: dict[str, Any]


class DiffOut(Schema):
    old: int
    new: int
    key: list[str]
    key_note: str
    compared_on: list[str]
    columns_added: list[str]
    columns_removed: list[str]
    types_changed: list[dict[str, str]]
    added: int
    removed: int
    changed: int
    rows: list[DiffRow]
    next_offset: int | None


class ChangeOut(Schema):
    published_at: datetime
    version: int
    rows: int | None
    replaced: int | None = Field(description="The version it replaced; None: the first.")
    added: int | None
    removed: int | None
    changed: int | None


def _diff(request: ApiRequest, slug: str, version_id: int, params: DiffParams) -> Any:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    key = [k.strip() for k in params.key.split(",") if k.strip()] or None
    return changes.version_diff(
        actor=request.auth,
        dataset=dataset,
        version_id=version_id,
        against=params.against,
        key=key,
    )


@router.get(
    "/datasets/{slug}/versions/{int:version_id}/diff",
    response=DiffOut,
    summary="What changed against another version: counts and a page of rows",
)
def version_diff(
    request: ApiRequest, slug: str, version_id: int, params: Query[DiffParams]
) -> dict[str, Any]:
    record = _diff(request, slug, version_id, params)
    page = keydiff.rows(record, params.change, params.offset, params.limit)
    total = {"added": record.added, "removed": record.removed, "changed": record.changed}
    count = total.get(params.change) if params.change else sum(total.values())
    following = params.offset + len(page)
    return {
        **keydiff.summary(record),
        "rows": page,
        "next_offset": following if following < (count or 0) else None,
    }


@router.get(
    "/datasets/{slug}/versions/{int:version_id}/diff.csv",
    summary="What changed against another version, every row, as CSV",
)
def version_diff_csv(
    request: ApiRequest, slug: str, version_id: int, params: Query[DiffParams]
) -> StreamingHttpResponse:
    record = _diff(request, slug, version_id, params)
    response = StreamingHttpResponse(keydiff.csv_lines(record), content_type="text/csv")
    name = f"{slug}-v{record.old.number}-to-v{record.new.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/datasets/{slug}/changes",
    response=list[ChangeOut],
    summary="The change history: each publication with the rows added, removed and changed",
)
def change_history(request: ApiRequest, slug: str) -> list[dict[str, Any]]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    return [
        {
            "published_at": entry.at,
            "version": entry.version.number,
            "rows": entry.version.row_count,
            "replaced": entry.before.number if entry.before else None,
            "added": entry.diff.added if entry.diff else None,
            "removed": entry.diff.removed if entry.diff else None,
            "changed": entry.diff.changed if entry.diff else None,
        }
        for entry in changes.history(dataset)
    ]
