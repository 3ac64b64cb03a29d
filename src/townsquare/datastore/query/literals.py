"""Values compared with typed columns, checked before the query runs, so a mistake is said in
plain words naming the column, the operator and the value ("dep_delay > 'abc': dep_delay holds
whole numbers, and 'abc' is not one") instead of the engine's cast error."""

from __future__ import annotations

import datetime
import re
from typing import Any

from sqlglot import exp

from townsquare.datastore.errors import QueryError
from townsquare.datastore.inference import FALSE_VALUES, INTEGER, NUMBER, TRUE_VALUES

KINDS = {
    "integer": "whole numbers",
    "number": "numbers",
    "date": "dates (written YYYY-MM-DD)",
    "datetime": "dates and times (written YYYY-MM-DD HH:MM)",
    "boolean": "true or false",
}
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _fits(value: str, kind: str) -> bool:
    text = value.strip()
    try:
        if kind == "integer":
            return bool(re.fullmatch(INTEGER, value))
        if kind == "number":
            return bool(re.fullmatch(NUMBER, value))
        if kind == "date":
            datetime.date.fromisoformat(text)
        elif kind == "datetime":
            datetime.datetime.fromisoformat(text)
        elif kind == "boolean":
            return text.lower() in TRUE_VALUES + FALSE_VALUES
    except ValueError:
        return False
    return True


def check(tree: exp.Expression, types: dict[str, str], clause: str) -> None:
    """Raise QueryError for a text value compared with (or listed for) a typed column that
    it cannot be. ``types``: lower-case column name -> type."""
    for node in tree.find_all(*COMPARISONS, exp.In, exp.Between):
        column = node.this if isinstance(node.this, exp.Column) else None
        others: list[Any] = []
        if isinstance(node, COMPARISONS):
            left, right = node.this, node.expression
            column, others = (left, [right]) if isinstance(left, exp.Column) else (right, [left])
        elif isinstance(node, exp.In):
            others = list(node.expressions)
        else:
            others = [node.args.get("low"), node.args.get("high")]
        if not isinstance(column, exp.Column):
            continue
        kind = types.get(column.name.lower())
        if kind not in KINDS:
            continue
        for other in others:
            if isinstance(other, exp.Literal) and other.is_string and not _fits(other.this, kind):
                raise QueryError(
                    f"{clause}: {node.sql(dialect='duckdb')} compares {column.name}, which holds "
                    f"{KINDS[kind]}, with {other.this!r}, which is not one.",
                    field=clause,
                )
