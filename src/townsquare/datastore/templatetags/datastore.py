from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings

from townsquare.datastore import changes, policies, selectors

register = template.Library()

TYPE_LABELS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "yes/no",
    "date": "date",
    "datetime": "date and time",
    "geojson": "geometry",
}


@register.filter
def type_label(kind: str) -> str:
    """A column type in words: "whole number", "text"."""
    return TYPE_LABELS.get(kind, kind)


@register.inclusion_tag("datastore/_section.html", takes_context=True)
def data_section(context: template.Context, dataset: Any) -> dict[str, Any]:
    actor = context["request"].user
    published = selectors.published_version(dataset)
    can_load = policies.can_ingest(actor, dataset)
    can_read = policies.can_read_data(actor, dataset)
    columns = _columns(published, can_read) if published is not None else []
    versions = list(selectors.versions_of(actor=actor, dataset=dataset)[:20])
    return {
        "dataset": dataset,
        "published": published,
        "columns": columns,
        "versions": versions,
        "can_load": can_load,
        "can_read": can_read,
        "exports": ["csv", "json", "ndjson", "xlsx", "parquet"]
        + (["geojson"] if published and published.is_geographic else []),
        "map": _map(dataset, published)
        if published and published.is_geographic and can_read
        else None,
        "request": context["request"],
        "registration_open": context.get("registration_open", False),
        "working": any(
            v.status in ("queued", "ingesting") or v.phase == "checking" for v in versions
        ),
        "csrf_token": context.get("csrf_token"),
        "history": changes.history(dataset, limit=20) if published is not None else [],
    }


def _columns(published: Any, can_read: bool) -> list[dict[str, Any]]:
    """The published columns with their type label and, for those who may read the data (the
    profile is derived from the values), their statistics."""
    stats = published.profile.get("columns", {}) if can_read else {}
    columns = []
    for field in published.fields:
        column_stats = stats.get(field["name"], {})
        columns.append(
            {
                **field,
                "label": TYPE_LABELS.get(field["type"], field["type"]),
                "stats": column_stats,
                # a value seen once is not "frequent": unique columns show nothing
                "frequent": [t for t in column_stats.get("top", []) if t["count"] > 1][:3],
                "histogram": _bars(column_stats.get("histogram") or []),
            }
        )
    return columns


def _bars(histogram: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Bar heights (percent of the largest bin) and a text summary for screen readers."""
    if not histogram:
        return None
    largest = max(b["count"] for b in histogram) or 1
    bars = [
        {
            "height": max(1, round(100 * b["count"] / largest)),
            "top": 100 - max(1, round(100 * b["count"] / largest)),
            "label": f"{b['from']} to {b['to']}: {b['count']}",
        }
        for b in histogram
    ]
    summary = "; ".join(bar["label"] for bar in bars)
    return {"bars": bars, "summary": f"Distribution in {len(bars)} equal ranges: {summary}."}


MAP_FEATURES = 5000


def _map(dataset: Any, version: Any) -> dict[str, Any]:
    return {
        "geojson": f"/api/v1/datasets/{dataset.slug}/records?format=geojson&limit={MAP_FEATURES}",
        "bbox": json.dumps(version.bbox) if version.bbox else "",
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
    }


@register.simple_tag(takes_context=True)
def data_table_resource(context: template.Context, dataset: Any) -> dict[str, Any] | None:
    """The published data table as one of the dataset's resources: its original file (when
    nothing is withheld) and its exports, for those who may read it."""
    published = selectors.published_version(dataset)
    if published is None:
        return None
    can_read = policies.can_read_data(context["request"].user, dataset)
    return {
        "version": published,
        "can_read": can_read,
        "original": can_read and selectors.original_offered(published),
        "format": published.source_name.rsplit(".", 1)[-1].upper()
        if "." in published.source_name
        else "",
    }
