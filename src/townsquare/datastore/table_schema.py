"""A steward's edit of a version's Frictionless Table Schema, checked before a re-ingest.
Besides Frictionless's properties, a field may carry a ``treatment`` (see ``treatments``)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from townsquare.datastore import treatments
from townsquare.datastore.names import RESERVED

TYPES = {"string", "integer", "number", "boolean", "date", "datetime"}
CONSTRAINTS: dict[str, type | tuple[type, ...]] = {
    "required": bool,
    "unique": bool,
    "minimum": (int, float, str),
    "maximum": (int, float, str),
    "minLength": int,
    "maxLength": int,
    "pattern": str,
    "enum": list,
}
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def validate(edited: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The edited schema, cleaned; ValidationError naming each problem otherwise."""
    if not isinstance(edited, dict) or not isinstance(edited.get("fields"), list):
        raise ValidationError(
            {"table_schema": "Give a Table Schema: an object with a list of fields."}
        )
    columns = [f for f in current.get("fields", []) if f.get("type") != "geojson"]
    fields = [
        f for f in edited["fields"] if not (isinstance(f, dict) and f.get("type") == "geojson")
    ]
    errors: dict[str, str] = {}
    if len(fields) != len(columns):
        errors["table_schema.fields"] = (
            f"The file has {len(columns)} columns; the schema must describe each, in order "
            f"(it has {len(fields)})."
        )
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, field in enumerate(fields):
        where = f"table_schema.fields.{index}"
        problem = _field_problem(field, seen)
        if problem:
            errors[where] = problem
            continue
        seen.add(field["name"])
        cleaned.append(_clean(field))
    missing = edited.get("missingValues", current.get("missingValues", [""]))
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        errors["table_schema.missingValues"] = "Give a list of texts that mean “no value”."
    key = _primary_key(edited.get("primaryKey"), cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return {"fields": cleaned, "missingValues": missing, **({"primaryKey": key} if key else {})}


def _primary_key(raw: Any, fields: list[dict[str, Any]], errors: dict[str, str]) -> list[str]:
    """Frictionless's ``primaryKey``: a column name or a list of them, published columns only.
    Versions are compared by it (datastore/keydiff.py)."""
    if raw in (None, "", []):
        return []
    names = [raw] if isinstance(raw, str) else raw
    published = {f["name"] for f in treatments.published(fields)}
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        errors["table_schema.primaryKey"] = "Give a column name or a list of column names."
        return []
    unknown = [n for n in names if n not in published]
    if unknown:
        errors["table_schema.primaryKey"] = (
            f"The primary key names columns the version does not publish: {', '.join(unknown)}."
        )
    elif len(set(names)) != len(names):
        errors["table_schema.primaryKey"] = "A column is named twice in the primary key."
    return names


def _field_problem(field: Any, seen: set[str]) -> str | None:
    if not isinstance(field, dict):
        return "Each field is an object with at least a name and a type."
    name = field.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name in RESERVED:
        return (
            f"{name!r} is not a usable name: lower-case letters, digits and _, "
            "starting with a letter."
        )
    if name in seen:
        return f"The name {name!r} is used twice."
    if field.get("type") not in TYPES:
        return f"Type {field.get('type')!r} is not one of {', '.join(sorted(TYPES))}."
    problem = _constraint_problem(field.get("constraints") or {})
    if problem:
        return problem
    if "format" in field and not isinstance(field["format"], str):
        return "The format must be a text such as %d/%m/%Y."
    if field.get("treatment") not in (None, "", "none"):
        try:
            field["treatment"] = treatments.normalize(field["treatment"], field["type"])
        except ValueError as exc:
            return str(exc)
    else:
        field.pop("treatment", None)
    return None


def _constraint_problem(constraints: dict[str, Any]) -> str | None:
    for key, value in constraints.items():
        expected = CONSTRAINTS.get(key)
        if expected is None:
            return f"Unknown constraint {key!r}."
        if not isinstance(value, expected):
            return f"The constraint {key!r} has a value of the wrong kind."
        if key == "pattern":
            try:
                re.compile(value)
            except re.error as exc:
                return f"The pattern {value!r} is not a regular expression: {exc}."
    return None


def _clean(field: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "name",
        "title",
        "description",
        "type",
        "format",
        "constraints",
        "trueValues",
        "falseValues",
        "treatment",
    )
    return {key: field[key] for key in keep if key in field and field[key] not in (None, "")}
