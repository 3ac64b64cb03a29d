"""Per-column statistics of a version: type, null count, distinct count, min, max, the most
frequent values, a histogram for numbers and dates, and the quartiles of numbers (which the
validation's outlier check reads instead of scanning the file again)."""

from __future__ import annotations

import datetime
import math
from typing import Any

import duckdb

from townsquare.datastore.names import quote

BATCH = 60
PROFILED_COLUMNS = 1000  # statistics for the first thousand columns of very wide tables
DETAILED_COLUMNS = 100  # top values and histograms for the first hundred columns
BINS = 10
TOP = 5
EXACT_DISTINCT_ROWS = 1_000_000  # above this, distinct counts are estimates (HyperLogLog)
QUARTILE_SAMPLE = 100_000  # rows; quartiles of longer tables come from a seeded sample of this
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
    detailed = plain[:DETAILED_COLUMNS]
    for field in detailed:
        if field["type"] in ("string", "boolean", "integer"):
            columns[field["name"]]["top"] = _top(con, table, field["name"])
    ordered = [
        f
        for f in detailed
        if f["type"] in _ORDERED and columns[f["name"]]["min"] != columns[f["name"]]["max"]
    ]
    spans = {f["name"]: _span(columns[f["name"]]) for f in ordered}
    for name, histogram in _histograms(con, table, ordered, spans).items():
        columns[name]["histogram"] = histogram
    numbers = [f["name"] for f in plain if f["type"] in ("integer", "number")]
    for name, pair in quartiles(con, table, numbers).items():
        columns[name]["quartiles"] = pair
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


def quartiles(
    con: duckdb.DuckDBPyConnection, table: str, names: list[str]
) -> dict[str, list[float] | None]:
    """The first and third quartiles of each number column: exact up to QUARTILE_SAMPLE rows,
    beyond that those of a reservoir sample of that many rows with a fixed seed (the same file
    gives the same quartiles). DuckDB's approximate quantiles (a t-digest per column) took
    2.4 s over flights ×10's 14 number columns; the sample takes 0.4 s."""
    result: dict[str, list[float] | None] = {}
    for start in range(0, len(names), BATCH):
        chosen = names[start : start + BATCH]
        picked = ", ".join(quote(n) for n in chosen)
        row = con.execute(
            "SELECT "
            + ", ".join(f"quantile_cont({quote(n)}::DOUBLE, [0.25, 0.75])" for n in chosen)
            + f" FROM (SELECT {picked} FROM {table} "  # noqa: S608 - quoted names
            f"USING SAMPLE reservoir({QUARTILE_SAMPLE} ROWS) REPEATABLE (13))"
        ).fetchone()
        assert row is not None
        for name, pair in zip(chosen, row, strict=True):
            finite = pair and all(v is not None and math.isfinite(v) for v in pair)
            result[name] = [float(pair[0]), float(pair[1])] if finite else None
    return result


def _top(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[dict[str, Any]]:
    rows = con.execute(
        f"SELECT {quote(name)}, count(*) FROM {table} WHERE {quote(name)} IS NOT NULL "
        f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"  # by place: a column may be called n
    ).fetchall()
    return [{"value": _plain(value), "count": int(count)} for value, count in rows]


def _span(column: dict[str, Any]) -> tuple[float | None, float | None]:
    """The column's min and max as the numbers the bins are cut on (seconds for dates)."""

    def number(value: Any) -> float | None:
        if value is None:
            return None
        if column["type"] in ("integer", "number"):
            return float(value)  # Parquet sources may hold decimals
        moment = datetime.datetime.fromisoformat(value)
        return moment.replace(tzinfo=datetime.UTC).timestamp()

    return number(column["min"]), number(column["max"])


def _histograms(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[dict[str, Any]],
    spans: dict[str, tuple[float | None, float | None]],
) -> dict[str, list[dict[str, Any]]]:
    """Ten equal-width bins per number or date column over the range the basics found, all
    columns in one scan (DuckDB's histogram aggregate)."""
    if not fields:
        return {}
    measures = {
        f["name"]: f"epoch({quote(f['name'])})"
        if f["type"] in ("date", "datetime")
        else f"{quote(f['name'])}::DOUBLE"
        for f in fields
    }
    binned = {
        name: (lo, hi, _histogram(measure, lo, hi))
        for name, measure in measures.items()
        for lo, hi in [spans[name]]
        if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi) and lo < hi
    }
    if not binned:
        return {}
    counts = con.execute(
        "SELECT " + ", ".join(e for _, _, e in binned.values()) + f" FROM {table}"
    ).fetchall()[0]
    kinds = {f["name"]: f["type"] for f in fields}
    result = {}
    for (name, (lo, hi, _)), bins in zip(binned.items(), counts, strict=True):
        width = (hi - lo) / BINS
        found = {int(k): int(v) for k, v in (bins or {}).items() if k is not None}
        result[name] = [
            {
                "from": _edge(lo + i * width, kinds[name]),
                "to": _edge(lo + (i + 1) * width, kinds[name]),
                "count": found.get(i, 0),
            }
            for i in range(BINS)
        ]
    return result


def _histogram(measure: str, lo: float, hi: float) -> str:
    """DuckDB's histogram of ``measure`` over BINS equal bins from ``lo`` to ``hi``."""
    width = (hi - lo) / BINS
    return f"histogram(least(floor(({measure} - {lo!r}) / {width!r})::INTEGER, {BINS - 1}))"


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
