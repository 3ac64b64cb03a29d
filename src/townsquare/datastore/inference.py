"""Column types: the narrowest type that every non-missing value fits — boolean, integer,
number, date, datetime, else string. Numbers written with leading zeros (ZIP codes, ids) stay
strings; dates and times in the common non-ISO forms are recognised and their format kept.

``infer`` judges candidate types on a sample; the build then casts every value strictly and
sends back any column that does not fit, which ``infer_column`` judges over all its values.
So the result is always what judging every value would give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from townsquare.datastore.engine import any_of, literal
from townsquare.datastore.names import quote, safe_names

MISSING_VALUES = ["", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "None", "none", "-"]
TRUE_VALUES = ["true", "yes", "t", "y"]
FALSE_VALUES = ["false", "no", "f", "n"]
DATE_FORMATS = ["%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y"]
DATETIME_FORMATS = [
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
]
SAMPLE_ROWS = 5_000

# Patterns allow the spaces CAST ignores; a leading zero (but for "0" and "0.5") is not numeric.
INTEGER = r"\s*[+-]?(0|[1-9][0-9]*)\s*"
NUMBER = r"\s*[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"
ISO_DATE = r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*"
ISO_DATETIME = r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}.*"
DATE_SHAPE = r"\s*[0-9]{1,4}[/.][0-9]{1,2}[/.][0-9]{1,4}.*"


def present(column: str, missing: list[str]) -> str:
    """SQL: the column holds a value (not NULL, not a missing-value marker, spaces aside)."""
    return f"({column} IS NOT NULL AND NOT {any_of(f'trim({column})', missing)})"


def _matches(column: str, pattern: str) -> str:
    return f"regexp_full_match({column}, {literal(pattern)})"


def _number_tests(column: str) -> dict[str, str]:
    return {
        "boolean": any_of(f"lower(trim({column}))", TRUE_VALUES + FALSE_VALUES),
        "integer": f"({_matches(column, INTEGER)} AND TRY_CAST({column} AS BIGINT) IS NOT NULL)",
        "number": f"({_matches(column, NUMBER)} AND TRY_CAST({column} AS DOUBLE) IS NOT NULL)",
    }


def _date_tests(column: str) -> dict[str, str]:
    return {
        "date": f"({_matches(column, ISO_DATE)} AND TRY_CAST({column} AS DATE) IS NOT NULL)",
        "datetime": (
            f"({_matches(column, ISO_DATETIME)} "
            f"AND TRY_CAST(trim({column}) AS TIMESTAMP) IS NOT NULL)"
        ),
        "date_shape": _matches(column, DATE_SHAPE),
    }


def _format_tests(column: str) -> dict[str, str]:
    tests = {}
    for n, fmt in enumerate(DATE_FORMATS):
        tests[f"date:{n}"] = f"TRY_STRPTIME(trim({column}), {literal(fmt)}) IS NOT NULL"
    for n, fmt in enumerate(DATETIME_FORMATS):
        tests[f"datetime:{n}"] = f"TRY_STRPTIME(trim({column}), {literal(fmt)}) IS NOT NULL"
    return tests


def sample_rows(width: int) -> int:
    """Rows to judge types on: 5,000, fewer for wide tables (a budget of cells)."""
    return max(100, min(SAMPLE_ROWS, 200_000 // max(width, 1)))


def infer(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[str],
    titles: list[str],
    missing: list[str],
    sample: bool = True,
) -> list[dict[str, Any]]:
    """Table Schema fields for text columns ``columns`` of ``relation`` (judged on a sample of
    its first rows, or on all of them)."""
    names = safe_names(titles)
    limit = f"LIMIT {sample_rows(len(columns))}" if sample else ""
    selected = ", ".join(f'"{c}"' for c in columns)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE inference_sample AS "
        f"SELECT {selected} FROM {relation} {limit}"
    )
    try:
        verdicts = _judge(con, columns, missing)
    finally:
        con.execute("DROP TABLE IF EXISTS inference_sample")
    return [
        {"name": names[i], "title": titles[i] or names[i], **verdicts[column]}
        for i, column in enumerate(columns)
    ]


def infer_column(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    column: str,
    field: dict[str, Any],
    missing: list[str],
) -> dict[str, Any]:
    """A field judged again over every value of its column (keeping its name and title)."""
    verdict = infer(con, relation, [column], [field["title"]], missing, sample=False)[0]
    return {**verdict, "name": field["name"], "title": field["title"]}


def _judge(
    con: duckdb.DuckDBPyConnection, columns: list[str], missing: list[str]
) -> dict[str, dict[str, Any]]:
    """In rounds, each on fewer columns: numbers and booleans, then ISO dates and times for
    the rest, then other date formats for the columns shaped like dates. The sample is read as
    one long list of (column, value), so each test appears once however wide the table."""
    results = _aggregate(con, None, missing, _number_tests)
    for column in columns:
        results.setdefault(
            column, {"count": 0, "boolean": False, "integer": False, "number": False}
        )
    rounds: list[tuple[Callable[[str], dict[str, str]], Callable[[dict[str, Any]], Any]]] = [
        (_date_tests, lambda r: r["count"] and not (r["boolean"] or r["integer"] or r["number"])),
        (_format_tests, lambda r: r.get("date_shape") and not (r.get("date") or r.get("datetime"))),
    ]
    for tests, needs in rounds:
        remaining = [column for column in columns if needs(results[column])]
        if remaining:
            for column, more in _aggregate(con, remaining, missing, tests).items():
                results[column].update(more)
    return {column: _decide(results[column]) for column in columns}


def _aggregate(
    con: duckdb.DuckDBPyConnection, columns: list[str] | None, missing: list[str], tests_for: Any
) -> dict[str, dict[str, Any]]:
    tests = tests_for("v")
    chosen = "COLUMNS(*)" if columns is None else ", ".join(f'"{c}"' for c in columns)
    long = f"(UNPIVOT inference_sample ON {chosen} INTO NAME col VALUE raw)"
    present_values = (
        f"(SELECT col, CASE WHEN {present('raw', missing)} THEN raw END AS v FROM {long})"
    )
    selects = ["col", "count(v)"] + [
        f"coalesce(bool_and({test}) FILTER (WHERE v IS NOT NULL), false)" for test in tests.values()
    ]
    rows = con.execute(f"SELECT {', '.join(selects)} FROM {present_values} GROUP BY col").fetchall()
    return {row[0]: {"count": row[1], **dict(zip(tests, row[2:], strict=True))} for row in rows}


def _decide(result: dict[str, Any]) -> dict[str, Any]:
    """The first type, narrowest first, that every value of the column fits."""
    if not result["count"]:
        return {"type": "string"}
    candidates: list[tuple[bool, dict[str, Any]]] = [
        (
            result["boolean"],
            {"type": "boolean", "trueValues": TRUE_VALUES, "falseValues": FALSE_VALUES},
        ),
        (result["integer"], {"type": "integer"}),
        (result["number"], {"type": "number"}),
        (result.get("date", False), {"type": "date"}),
        (result.get("datetime", False), {"type": "datetime"}),
        *[
            (result.get(f"date:{n}", False), {"type": "date", "format": f})
            for n, f in enumerate(DATE_FORMATS)
        ],
        *[
            (result.get(f"datetime:{n}", False), {"type": "datetime", "format": f})
            for n, f in enumerate(DATETIME_FORMATS)
        ],
    ]
    return next((verdict for fits, verdict in candidates if fits), {"type": "string"})


NEAR_MISS_SHARE = 0.9  # a text column whose values are at least this share numbers
NEAR_MISS_SAMPLE = 5
NEAR_MISS_COLUMNS = 200  # wider tables are typed by their stewards (see build.WIDE)
SCREEN_ROWS = 10_000  # the seeded sample that tells which text columns may be near misses
SCREEN_SHARE = 0.5


def near_misses(
    con: duckdb.DuckDBPyConnection, table: str, fields: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Text columns that are numbers but for a few values (one "n/a?" among thousands of
    amounts): which values keep them text, with their rows, so the steward can fix the file or
    set the type. ``table``: the typed Parquet file, read with ``file_row_number``."""
    text = [f for f in fields if f["type"] == "string" and "treatment" not in f]
    if not text or len(fields) > NEAR_MISS_COLUMNS:  # very wide: kept as text on purpose
        return []
    text = _mostly_numbers(con, table, text)
    if not text:
        return []
    tests = []
    for field in text:
        name = quote(field["name"])
        tests += [
            f"count({name})",
            f"count(*) FILTER (WHERE {_number_tests(name)['number']})",
            f"count(*) FILTER (WHERE {_number_tests(name)['integer']})",
        ]
    counts = con.execute(f"SELECT {', '.join(tests)} FROM {table}").fetchone()
    assert counts is not None
    found = []
    for i, field in enumerate(text):
        values, numbers, integers = counts[3 * i : 3 * i + 3]
        if values and numbers != values and numbers >= NEAR_MISS_SHARE * values:
            found.append(_near_miss(con, table, field["name"], values, numbers, integers))
    return found


def _near_miss(
    con: duckdb.DuckDBPyConnection, table: str, column: str, values: int, numbers: int, whole: int
) -> dict[str, Any]:
    name = quote(column)
    sample = con.execute(
        f"SELECT file_row_number + 1, {name} FROM {table} WHERE {name} IS NOT NULL "  # noqa: S608
        f"AND NOT {_number_tests(name)['number']} ORDER BY file_row_number "
        f"LIMIT {NEAR_MISS_SAMPLE}"
    ).fetchall()
    return {
        "column": column,
        "from": "integer" if whole == numbers else "number",
        "to": "string",
        "count": int(values - numbers),
        "sample": [{"row": int(n), "value": str(v)[:100]} for n, v in sample],
    }


def _mostly_numbers(
    con: duckdb.DuckDBPyConnection, table: str, text: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The text columns worth counting over every row: those of which at least half the values
    of a seeded 10,000-row sample are numbers. A column that is 90% numbers shows fewer than
    half in such a sample with a probability below 10^-600; most text columns (names, codes)
    show none, and are not read again (on flights ×10: 0.05 s instead of 0.5 s)."""
    tests = []
    for field in text:
        name = quote(field["name"])
        tests += [f"count({name})", f"count(*) FILTER (WHERE {_number_tests(name)['number']})"]
    picked = ", ".join(quote(f["name"]) for f in text)
    row = con.execute(
        f"SELECT {', '.join(tests)} FROM (SELECT {picked} FROM {table} "  # noqa: S608
        f"USING SAMPLE reservoir({SCREEN_ROWS} ROWS) REPEATABLE (17))"
    ).fetchone()
    assert row is not None
    return [
        field
        for i, field in enumerate(text)
        if row[2 * i] and row[2 * i + 1] >= SCREEN_SHARE * row[2 * i]
    ]
