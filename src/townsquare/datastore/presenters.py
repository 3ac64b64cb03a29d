from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.datastore import changes, keydiff
from townsquare.datastore.errors import IngestError
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version_id


def version_summary(
    request: HttpRequest, version: DataVersion, published_id: int | None
) -> dict[str, Any]:
    path = reverse(
        "api-v1:get_version", kwargs={"slug": version.dataset.slug, "version_id": version.pk}
    )
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "published": version.pk == published_id,
        "phase": version.phase,
        "percent": version.percent,
        "rows_done": version.rows_done,
        "row_count": version.row_count,
        "columns": len([f for f in version.fields if f.get("type") != "geojson"]),
        "source_name": version.source_name,
        "source_url": version.source_url,
        "content_hash": version.content_hash,
        "is_geographic": version.is_geographic,
        "error": version.error,
        "created_by": version.created_by.username if version.created_by else None,
        "created_at": version.created_at,
        "finished_at": version.finished_at,
        "url": request.build_absolute_uri(path),
    }


def version_out(
    request: HttpRequest, version: DataVersion, published_id: int | None, *, with_data: bool
) -> dict[str, Any]:
    """``with_data``: the caller may read the data, so also the profile (its minimums,
    maximums and top values are data) and the ingest report (it quotes values)."""
    return {
        **version_summary(request, version, published_id),
        "original_size": version.original_size,
        "parquet_size": version.parquet_size,
        "options": version.options,
        "bbox": version.bbox if with_data else None,
        "table_schema": version.table_schema,
        "report": version.report if with_data else {},
        "profile": version.profile if with_data else {},
        "started_at": version.started_at,
    }


def created_out(request: HttpRequest, created: Any) -> tuple[int, dict[str, Any]]:
    version = created.duplicate_of or created.version
    published = published_version_id(version.dataset)
    if created.duplicate_of:
        message = f"This file is identical to version {version.number}; nothing new was ingested."
        return 200, {
            "version": version_out(request, version, published, with_data=True),
            "duplicate_of": version.pk,
            "message": message,
        }
    message = f"Version {version.number} is queued for ingest."
    return 202, {
        "version": version_out(request, version, published, with_data=True),
        "duplicate_of": None,
        "message": message,
    }


def diff_context(
    actor: Any, dataset: Any, version: Any, params: Any, page: int = 50
) -> dict[str, Any]:
    """The "changes from the version before" section of a version's page and of the review
    screen: the counts and a page of rows with each cell's old and new value. Empty when the
    version has nothing before it or the visitor may not read the data."""
    try:
        against = int(params.get("against")) if params.get("against") else None
        offset = max(0, int(params.get("offset") or 0))
    except ValueError:
        against, offset = None, 0
    change = params.get("change") if params.get("change") in keydiff.KINDS else ""
    try:
        record = changes.version_diff(
            actor=actor, dataset=dataset, version_id=version.pk, against=against
        )
    except (NotFound, PermissionDenied, IngestError):
        return {}
    found = keydiff.rows(record, change, offset, page)
    rows = [{"change": row["change"], "cells": _cells(row, record.columns)} for row in found]
    return {
        "diff": record,
        "diff_rows": rows,
        "diff_change": change,
        "diff_offset": offset,
        "diff_next": offset + page if len(found) == page else None,
        "diff_kinds": keydiff.KINDS,
    }


def _cells(row: dict[str, Any], columns: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "value": row["values"].get(c),
            "changed": c in row["changed"],
            "before": row["before"].get(c),
        }
        for c in columns
    ]
