from __future__ import annotations

from typing import Any

from django import template

from townsquare.datastore import policies, selectors
from townsquare.datastore.forms import LoadForm

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


@register.inclusion_tag("datastore/_section.html", takes_context=True)
def data_section(context: template.Context, dataset: Any) -> dict[str, Any]:
    actor = context["request"].user
    published = selectors.published_version(dataset)
    can_load = policies.can_ingest(actor, dataset)
    columns = []
    if published is not None:
        stats = published.profile.get("columns", {})
        for field in published.fields:
            column_stats = stats.get(field["name"], {})
            columns.append(
                {
                    **field,
                    "label": TYPE_LABELS.get(field["type"], field["type"]),
                    "stats": column_stats,
                    # a value seen once is not "frequent": unique columns show nothing
                    "frequent": [t for t in column_stats.get("top", []) if t["count"] > 1][:3],
                }
            )
    versions = list(selectors.versions_of(actor=actor, dataset=dataset)[:20])
    return {
        "dataset": dataset,
        "published": published,
        "columns": columns,
        "versions": versions,
        "can_load": can_load,
        "can_read": policies.can_read_data(actor, dataset),
        "form": LoadForm() if can_load else None,
        "request": context["request"],
        "working": any(v.status in ("queued", "ingesting") for v in versions),
        "csrf_token": context.get("csrf_token"),
    }
