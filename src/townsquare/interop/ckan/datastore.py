"""CKAN's DataStore actions over a dataset's published data table.

A dataset with published data has one DataStore resource, ``data-{dataset number}``
(``dicts.data_resource``). ``datastore_search`` is read into the records API's query — the
same guard, limits and access rules — and ``datastore_search_sql`` is ``/api/v1/sql`` (its
tables are the datasets' slugs)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from townsquare.catalog.models import Dataset
from townsquare.datastore import selectors
from townsquare.datastore.models import DataVersion
from townsquare.datastore.query.reads import read_records
from townsquare.datastore.query.records import RecordsQuery
from townsquare.datastore.query.sql import run_sql
from townsquare.interop.ckan import params
from townsquare.interop.ckan.errors import NotFoundError, ValidationError
from townsquare.interop.ckan.registry import Call, action

LIMIT_MAX = 10_000  # the records API's page (CKAN's own is 32,000)
# Table Schema types → the DataStore's (PostgreSQL) type names.
TYPES = {
    "integer": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "object": "json",
    "array": "json",
    "geojson": "json",
}
FORMATS = ("objects", "lists", "csv", "tsv")


def _readable(call: Call, resource_id: str) -> tuple[Dataset, DataVersion]:
    found = re.fullmatch(r"data-(\d+)", resource_id.strip())
    dataset = Dataset.objects.filter(pk=int(found[1])).first() if found else None
    if dataset is None:
        raise NotFoundError("Resource was not found (a DataStore resource is data-NUMBER).")
    return selectors.readable_data(actor=call.actor, slug=dataset.slug)


def _fields(version: DataVersion) -> list[dict[str, Any]]:
    return [
        {"id": f["name"], "type": TYPES.get(f.get("type", "string"), "text")}
        for f in version.table_schema.get("fields", [])
    ]


def _name(column: str, known: set[str], field: str) -> str:
    if column not in known:
        raise ValidationError({field: [f'field "{column}" not in table']})
    return '"' + column.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _where(data: dict[str, Any], known: set[str]) -> str:
    """``filters`` (a list value: any of them) and ``q`` as a dict (a word per field)."""
    parts = []
    for column, value in params.mapping(data, "filters").items():
        name = _name(column, known, "filters")
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            raise ValidationError({"filters": [f"{column}: a value or a list of values"]})
        nulls = [v for v in values if v is None]
        listed = ", ".join(_literal(v) for v in values if v is not None)
        clause = [f"{name} IN ({listed})"] if listed else []
        clause += [f"{name} IS NULL"] if nulls else []
        parts.append("(" + " OR ".join(clause) + ")")
    q = data.get("q")
    if isinstance(q, dict):
        for column, word in q.items():
            text = _literal(f"%{str(word).lower()}%")
            parts.append(f"lower(CAST({_name(column, known, 'q')} AS VARCHAR)) LIKE {text}")
    return " AND ".join(parts)


def _order(text: str, known: set[str]) -> str:
    order = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        words = part.rsplit(None, 1)
        direction = ""
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            part, direction = words[0], f" {words[1].upper()}"
        order.append(_name(part.strip().strip('"'), known, "sort") + direction)
    return ", ".join(order)


@action(side_effect_free=True)
def datastore_search(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a DataStore resource: ``resource_id``, ``filters``, ``q`` (words, or a dict of
    a word per field), ``fields``, ``sort``, ``distinct``, ``limit`` (at most 10,000),
    ``offset``, ``include_total``, ``records_format`` (objects, lists, csv, tsv)."""
    resource_id = params.required(data, "resource_id")
    _, version = _readable(call, resource_id)
    fields = _fields(version)
    known = {f["id"] for f in fields}
    form = params.text(data, "records_format", "objects")
    if form not in FORMATS:
        raise ValidationError({"records_format": [f"Value must be one of {list(FORMATS)}"]})
    query = _query(data, known)
    page = read_records(version, query)
    names = [c.name for c in page.columns]
    shown = [next((f for f in fields if f["id"] == n), {"id": n, "type": "text"}) for n in names]
    answer: dict[str, Any] = {
        "resource_id": resource_id,
        "fields": shown,
        "records": _records(form, names, page.rows),
        "limit": query.limit,
        "offset": query.offset,
        "filters": params.mapping(data, "filters"),
        "records_format": form,
        "total_was_estimated": False,
    }
    if params.boolean(data, "include_total", True):
        answer["total"] = page.total
    return answer


def _query(data: dict[str, Any], known: set[str]) -> RecordsQuery:
    """datastore_search's parameters as a records query (names checked, values quoted)."""
    chosen = params.strings(data, "fields")
    if len(chosen) == 1 and "," in chosen[0]:
        chosen = [c.strip() for c in chosen[0].split(",")]
    select = ", ".join(_name(c, known, "fields") for c in chosen)
    every = ", ".join(_name(c, known, "fields") for c in sorted(known))
    distinct = params.boolean(data, "distinct", False)
    return RecordsQuery(
        select=select,
        where=_where(data, known),
        group_by=(select or every) if distinct else "",
        order_by=_order(params.text(data, "sort"), known),
        q=data["q"] if isinstance(data.get("q"), str) else "",
        limit=params.integer(data, "limit", 100, maximum=LIMIT_MAX),
        offset=params.integer(data, "offset", 0),
    )


def _records(form: str, names: list[str], rows: list[tuple[Any, ...]]) -> Any:
    if form == "objects":
        return [dict(zip(names, row, strict=True)) for row in rows]
    if form == "lists":
        return [list(row) for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if form == "csv" else "\t", lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


@action(side_effect_free=True)
def datastore_info(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """A DataStore resource's size and fields: ``id`` (or ``resource_id``)."""
    resource_id = params.text(data, "id") or params.required(data, "resource_id")
    _, version = _readable(call, resource_id)
    return {
        "meta": {
            "id": resource_id,
            "count": version.row_count,
            "table_type": "BASE TABLE",
            "size": version.parquet_size,
            "db_size": version.parquet_size,
            "idx_size": 0,
            "aliases": [],
        },
        "fields": [
            {**field, "schema": {"native_type": field["type"]}} for field in _fields(version)
        ],
    }


@action(side_effect_free=True)
def datastore_search_sql(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """One read-only SELECT (``sql``) over the published data you may read, through the
    same guard as ``/api/v1/sql``: its tables are the datasets' names (slugs)."""
    result = run_sql(actor=call.actor, text=params.required(data, "sql"))
    return {
        "sql": data["sql"],
        "fields": [{"id": n, "type": t} for n, t in zip(result.names, result.types, strict=True)],
        "records": [dict(zip(result.names, row, strict=True)) for row in result.rows],
        "records_truncated": result.truncated,
    }
