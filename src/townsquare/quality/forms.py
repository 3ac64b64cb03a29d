"""The steward's table of columns on a version's page: titles, descriptions, types, and how
each column is published (as it is, excluded, masked or coarsened). It becomes a Frictionless
Table Schema for a re-ingest of the version's original file."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from townsquare.datastore.table_schema import TYPES

TREATMENT_CHOICES = [
    ("", "Publish as it is"),
    ("exclude", "Exclude the column"),
    ("mask", "Mask the values"),
    ("coarsen", "Coarsen the values"),
]


def columns(version: Any) -> list[dict[str, Any]]:
    """The version's columns as the steward edits them (the source types)."""
    rows = []
    fields = [f for f in version.table_schema.get("fields", []) if f.get("type") != "geojson"]
    for index, field in enumerate(fields):
        treatment = field.get("treatment") or {}
        option = treatment.get("keep", treatment.get("to", ""))
        rows.append(
            {
                "index": index,
                "name": field["name"],
                "title": field.get("title", ""),
                "description": field.get("description", ""),
                "type": field.get("type", "string"),
                "treatment": treatment.get("kind", ""),
                "option": "" if option in (None, 0) and "keep" in treatment else option,
            }
        )
    return rows


def schema_from(post: QueryDict, version: Any) -> dict[str, Any]:
    """The edited Table Schema: the version's fields with the posted values."""
    fields = []
    for row in columns(version):
        field = {
            k: v
            for k, v in version.table_schema["fields"][row["index"]].items()
            if k not in ("treatment",)
        }
        i = row["index"]
        # A title left empty is the column's own header (or name): never a "blank header".
        title = post.get(f"title-{i}", row["title"]).strip()[:300]
        field["title"] = title or row["title"] or row["name"]
        field["description"] = post.get(f"description-{i}", row["description"]).strip()[:2000]
        kind = post.get(f"type-{i}", row["type"])
        field["type"] = kind if kind in TYPES else row["type"]
        treatment = post.get(f"treatment-{i}", "")
        if treatment:
            field["treatment"] = _treatment(treatment, post.get(f"option-{i}", "").strip())
        fields.append(field)
    return {
        "fields": fields,
        "missingValues": version.table_schema.get("missingValues", [""]),
    }


def _treatment(kind: str, option: str) -> Any:
    if not option:
        return kind
    value: Any = option
    for convert in (int, float):
        try:
            value = convert(option)
            break
        except ValueError:
            continue
    return {"kind": kind, "keep" if kind == "mask" else "to": value}
