"""The data preview page: a page of rows with sorting, one simple filter and a word search,
from plain links and a form (no JavaScript), through the same query engine as the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from sqlglot import exp

from townsquare.datastore.build import HIDDEN_COLUMNS
from townsquare.datastore.errors import QueryError
from townsquare.datastore.models import DataVersion
from townsquare.datastore.query.reads import Page, read_records
from townsquare.datastore.query.records import RecordsQuery

SIZES = (25, 50, 100)
OPERATORS = {
    "eq": "is",
    "ne": "is not",
    "contains": "contains",
    "gt": "is more than",
    "lt": "is less than",
    "empty": "is empty",
    "filled": "is not empty",
}


@dataclass
class Preview:
    columns: list[dict[str, Any]]
    rows: list[list[str]]
    total: int
    page: int
    pages: int
    size: int
    sort: str
    desc: bool
    column: str
    op: str
    value: str
    q: str
    error: str = ""
    links: dict[str, str] = field(default_factory=dict)
    export_query: str = ""  # the same rows, as export parameters


def preview(version: DataVersion, params: QueryDict) -> Preview:
    """``params``: sort, desc, page, size, column/op/value (one filter) and q."""
    fields = [
        f for f in version.fields if f["name"] not in HIDDEN_COLUMNS and f["type"] != "geojson"
    ]
    names = [f["name"] for f in fields]
    size = _choice(params.get("size"), SIZES, SIZES[0])
    page = max(1, _number(params.get("page"), 1))
    sort = params.get("sort", "") if params.get("sort", "") in names else ""
    desc = params.get("desc") == "1" and bool(sort)
    column = params.get("column", "") if params.get("column", "") in names else ""
    op = params.get("op", "") if params.get("op", "") in OPERATORS else "eq"
    value = params.get("value", "")[:500]
    q = params.get("q", "")[:200]
    state = Preview([], [], 0, page, 1, size, sort, desc, column, op, value, q)
    state.columns = [
        {**f, "sort_link": _link(state, sort=f["name"], desc=sort == f["name"] and not desc)}
        for f in fields
    ]
    order = f'"{sort}" {"desc" if desc else "asc"}' if sort else ""
    query = RecordsQuery(
        select=", ".join(f'"{n}"' for n in names) or "*",
        where=_where(column, op, value) if column else "",
        order_by=order,
        q=q,
        limit=size,
        offset=(page - 1) * size,
    )
    state.export_query = urlencode(
        {k: v for k, v in (("where", query.where), ("order_by", order), ("q", q)) if v}
    )
    try:
        result = read_records(version, query)
    except QueryError as error:
        state.error = error.message
        return state
    _fill(state, result)
    return state


def _fill(state: Preview, result: Page) -> None:
    state.total = result.total
    state.pages = max(1, -(-result.total // state.size))
    state.rows = [[_cell(value) for value in row] for row in result.rows]
    if state.page > 1:
        state.links["previous"] = _link(state, page=state.page - 1)
        state.links["first"] = _link(state, page=1)
    if state.page < state.pages:
        state.links["next"] = _link(state, page=state.page + 1)
        state.links["last"] = _link(state, page=state.pages)


def _where(column: str, op: str, value: str) -> str:
    """The filter as a query condition, built as a tree (the value stays a value)."""
    target = exp.column(column, quoted=True)
    text = exp.Literal.string(value)
    node: exp.Expr
    if op == "empty":
        node = exp.Is(this=target, expression=exp.Null())
    elif op == "filled":
        node = exp.Not(this=exp.Is(this=target, expression=exp.Null()))
    elif op == "contains":
        node = exp.Contains(
            this=exp.Lower(this=exp.Cast(this=target, to=exp.DataType.build("VARCHAR"))),
            expression=exp.Lower(this=text),
        )
    else:
        kinds = {"eq": exp.EQ, "ne": exp.NEQ, "gt": exp.GT, "lt": exp.LT}
        node = kinds[op](this=target, expression=text)
    return node.sql(dialect="duckdb")


def _link(state: Preview, **changes: Any) -> str:
    values = {
        "sort": state.sort,
        "desc": "1" if state.desc else "",
        "column": state.column,
        "op": state.op if state.column else "",
        "value": state.value if state.column else "",
        "q": state.q,
        "size": "" if state.size == SIZES[0] else str(state.size),
        "page": "",
    }
    for key, change in changes.items():
        values[key] = ("1" if change else "") if isinstance(change, bool) else str(change)
    if "sort" in changes:
        values["page"] = ""
    if values["page"] == "1":
        values["page"] = ""
    return "?" + urlencode({k: v for k, v in values.items() if v}) + "#rows"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.15g}"
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _number(text: str | None, default: int) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default


def _choice(text: str | None, choices: tuple[int, ...], default: int) -> int:
    number = _number(text, default)
    return number if number in choices else default
