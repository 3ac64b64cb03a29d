"""Per-column statistics of a version: type, null count, distinct count, min, max, the most
frequent values, and a histogram for numbers and dates."""

from __future__ import annotations

import datetime
from typing import Any

import duckdb

from townsquare.datastore.names import quote

BATCH = 60
PROFILED_COLUMNS = 1000  # statistics for the first thousand columns of very wide tables
DETAILED_COLUMNS = 100  # top values and histograms for the first hundred columns
BINS = 10
TOP = 5
EXACT_DISTINCT_ROWS = 1_000_000  # above this, distinct counts are estimates (HyperLogLog)
_ORDERED = {"integer", "number", "date", "datetime"}


def profile(
    con: duckdb.DuckDBPyConnection, table: str, fields: list[dict[str, Any]]
) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    exact = row is not None and row[0] <= EXACT_DISTINCT_ROWS
    plain = [f for f in fields if f["type"] != "geojson"][:PROFILED_COLUMNS]
    for start in range(0, len(plain), BATCH):
        columns.update(_basics(con, table, plain[start : start + BATCH], exact=exact))
    for field in plain[:DETAILED_COLUMNS]:
        stats = columns[field["name"]]
        if field["type"] in ("string", "boolean", "integer"):
            stats["top"] = _top(con, table, field["name"])
        if field["type"] in _ORDERED and stats["min"] is not None and stats["min"] != stats["max"]:
            stats["histogram"] = _histogram(con, table, field["name"], field["type"])
    return {
        "columns": columns,
        "profiled": len(plain),
        "detailed": min(len(plain), DETAILED_COLUMNS),
        "distinct_exact": exact,
    }


def _basics(
    con: duckdb.DuckDBPyConnection, table: str, fields: list[dict[str, Any]], *, exact: bool
) -> dict[str, Any]:
    distinct = "count(DISTINCT {})" if exact else "approx_count_distinct({})"
    selects = []
    for field in fields:
        name = quote(field["name"])
        ordered = field["type"] in _ORDERED or field["type"] == "string"
        selects += [
            f"count(*) - count({name})",
            distinct.format(name),
            f"min({name})" if ordered else "NULL",
            f"max({name})" if ordered else "NULL",
        ]
    row = con.execute(f"SELECT {', '.join(selects)} FROM {table}").fetchone()
    assert row is not None
    result = {}
    for index, field in enumerate(fields):
        nulls, distinct, low, high = row[index * 4 : index * 4 + 4]
        result[field["name"]] = {
            "type": field["type"],
            "nulls": int(nulls),
            "distinct": int(distinct),
            "min": _plain(low),
            "max": _plain(high),
        }
    return result


def _top(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[dict[str, Any]]:
    rows = con.execute(
        f"SELECT {quote(name)} AS v, count(*) AS n FROM {table} WHERE {quote(name)} IS NOT NULL "
        f"GROUP BY v ORDER BY n DESC, v LIMIT {TOP}"
    ).fetchall()
    return [{"value": _plain(value), "count": int(count)} for value, count in rows]


def _histogram(
    con: duckdb.DuckDBPyConnection, table: str, name: str, kind: str
) -> list[dict[str, Any]]:
    column = quote(name)
    measure = f"epoch({column})" if kind in ("date", "datetime") else f"{column}::DOUBLE"
    rows = con.execute(
        f"WITH v AS (SELECT {measure} AS x FROM {table} WHERE {column} IS NOT NULL), "
        "r AS (SELECT min(x) AS lo, max(x) AS hi FROM v) "
        f"SELECT least(floor((x - lo) / ((hi - lo) / {BINS}))::INTEGER, {BINS - 1}) AS bin, "
        "count(*), any_value(lo), any_value(hi) FROM v, r GROUP BY bin ORDER BY bin"
    ).fetchall()
    if not rows:
        return []
    lo, hi = rows[0][2], rows[0][3]
    width = (hi - lo) / BINS
    counts = {int(bin_): int(n) for bin_, n, _, _ in rows}
    return [
        {
            "from": _edge(lo + i * width, kind),
            "to": _edge(lo + (i + 1) * width, kind),
            "count": counts.get(i, 0),
        }
        for i in range(BINS)
    ]


def _edge(value: float, kind: str) -> Any:
    if kind == "date":
        return datetime.datetime.fromtimestamp(value, datetime.UTC).date().isoformat()
    if kind == "datetime":
        return datetime.datetime.fromtimestamp(value, datetime.UTC).replace(tzinfo=None).isoformat()
    return round(value, 6)


def _plain(value: Any) -> Any:
    """JSON-friendly: dates as ISO text, long text cut."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    if isinstance(value, bytes):
        return None
    return value
