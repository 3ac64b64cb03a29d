"""Validation of a data version, as SQL over its Parquet file: the table schema's constraints
(required, unique, enum, minimum, maximum, pattern, minLength, maxLength) and generic checks
(values that failed to cast and ragged rows, from the ingest; fully empty columns, duplicate
rows, blank or duplicate headers, numeric outliers by interquartile range, implausible dates).

Each finding: ``check``, ``column`` (or None), ``count``, ``sample`` (row numbers, counted from 1
after the header, and values) and ``message``. Severity is quality.severity's business.
A handful of scans whatever the number of checks: one for quartiles, one counting every
per-value check, one for duplicate rows, one per unique column, and samples of what failed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.conf import settings

from townsquare.datastore import engine, files, profile
from townsquare.datastore.engine import literal
from townsquare.datastore.models import DataVersion
from townsquare.datastore.names import quote

# Every check validation can report: the one list the severities (which of them are
# errors), the TOWNSQUARE_QUALITY_ERRORS system check and the docs read.
CHECKS = (
    "required",
    "unique",
    "enum",
    "minimum",
    "maximum",
    "pattern",
    "min_length",
    "max_length",
    "cast_failure",
    "ragged_rows",
    "empty_column",
    "duplicate_rows",
    "duplicate_header",
    "blank_header",
    "outliers",
    "implausible_date",
)
SAMPLE = 5
CHECKED_COLUMNS = 1000  # very wide tables: checks on the first thousand columns
EARLIEST = datetime.date(1900, 1, 1)
FUTURE_YEARS = 1  # a date more than a year ahead is implausible


def today_() -> datetime.date:
    return datetime.date.today()


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


_ORDERED = {"integer", "number", "date", "datetime"}
_NUMERIC = {"integer", "number"}


@dataclass
class Test:
    """One per-value check: a SQL condition true for failing rows, with its parameters."""

    check: str
    column: str | None
    condition: str
    params: list[Any] = field(default_factory=list)
    message: str = ""


def validate(version: DataVersion) -> list[dict[str, Any]]:
    fields = [f for f in version.fields if f["type"] != "geojson"][:CHECKED_COLUMNS]
    findings = _from_ingest(version) + _headers(fields)
    if not version.parquet or not fields:
        return findings
    table = (
        f"read_parquet({literal(str(files.local_path(version.parquet)))}, file_row_number = true)"
    )
    con = engine.connect(columns=len(fields), memory_limit=settings.QUALITY_MEMORY_LIMIT)
    try:
        (rows,) = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
        if not rows:
            return findings
        known = (version.profile or {}).get("columns", {})
        tests = _value_tests(fields) + _outlier_tests(con, table, fields, known)
        findings += _run(con, table, tests)
        findings += _empty_columns(con, table, fields)
        findings += _duplicate_rows(con, table, fields)
        for f in fields:
            if f.get("constraints", {}).get("unique"):
                findings += _not_unique(con, table, f["name"])
    finally:
        con.close()
    return findings


def _finding(
    check: str, column: str | None, count: int, message: str, sample: Any = ()
) -> dict[str, Any]:
    if check not in CHECKS:
        raise ValueError(f"{check!r} is not in validate.CHECKS")
    return {
        "check": check,
        "column": column,
        "count": int(count),
        "message": message,
        "sample": list(sample),
    }


def _from_ingest(version: DataVersion) -> list[dict[str, Any]]:
    report = version.report or {}
    found = [
        _finding(
            "cast_failure",
            failure["column"],
            failure["count"],
            f"{failure['count']:,} values are not {failure['type']} and were left empty.",
            failure.get("sample", []),
        )
        for failure in report.get("cast_failures", [])
    ]
    ragged = report.get("ragged_rows") or {}
    if ragged.get("short") or ragged.get("long"):
        count = int(ragged.get("short", 0)) + int(ragged.get("long", 0))
        found.append(
            _finding(
                "ragged_rows",
                None,
                count,
                f"{ragged.get('short', 0):,} rows have fewer fields than the header and "
                f"{ragged.get('long', 0):,} have more.",
            )
        )
    return found


def _headers(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    blank = [
        f["name"]
        for f in fields
        if not str(f.get("title") or "").strip()
        or f.get("title") == f["name"]
        and f["name"].startswith("column_")
    ]
    for name in blank:
        found.append(_finding("blank_header", name, 1, "The column has no header in the file."))
    seen: dict[str, str] = {}
    for f in fields:
        title = str(f.get("title") or "").strip().lower()
        if title and title in seen:
            found.append(
                _finding(
                    "duplicate_header",
                    f["name"],
                    1,
                    f"The header {f.get('title')!r} appears more than once "
                    f"(also column {seen[title]}).",
                )
            )
        seen.setdefault(title, f["name"])
    return found


def _untitled(field: dict[str, Any]) -> bool:
    """No header in the file: the datastore named the column column_N itself."""
    title = str(field.get("title") or "").strip()
    return not title or (title == field["name"] and field["name"].startswith("column_"))


def _required(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    if not rules.get("required"):
        return []
    return [Test("required", name, f"{column} IS NULL", [], "Values are missing.")]


def _enum(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    if not rules.get("enum"):
        return []
    allowed = [str(v) for v in rules["enum"]]
    marks = ", ".join("?" for _ in allowed)
    return [
        Test(
            "enum",
            name,
            f"{column} IS NOT NULL AND CAST({column} AS VARCHAR) NOT IN ({marks})",
            allowed,
            f"Values are not one of: {', '.join(allowed[:10])}.",
        )
    ]


def _bounds(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    if kind not in _ORDERED:
        return []
    target = "DOUBLE" if kind in _NUMERIC else "DATE" if kind == "date" else "TIMESTAMP"
    return [
        Test(
            bound,
            name,
            f"{column} {operator} CAST(? AS {target})",
            [str(rules[bound])],
            f"Values are {'below' if bound == 'minimum' else 'above'} the {bound} {rules[bound]}.",
        )
        for bound, operator in (("minimum", "<"), ("maximum", ">"))
        if bound in rules
    ]


def _pattern(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    if not rules.get("pattern"):
        return []
    return [
        Test(
            "pattern",
            name,
            f"{column} IS NOT NULL AND NOT regexp_full_match(CAST({column} AS VARCHAR), ?)",
            [str(rules["pattern"])],
            f"Values do not match the pattern {rules['pattern']}.",
        )
    ]


def _lengths(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    return [
        Test(
            check,
            name,
            f"length(CAST({column} AS VARCHAR)) {operator} ?",
            [int(rules[bound])],
            f"Values are {'shorter' if operator == '<' else 'longer'} than "
            f"{rules[bound]} characters.",
        )
        for bound, operator, check in (
            ("minLength", "<", "min_length"),
            ("maxLength", ">", "max_length"),
        )
        if bound in rules
    ]


def _dates(name: str, column: str, kind: str, rules: dict[str, Any]) -> list[Test]:
    if kind not in ("date", "datetime"):
        return []
    earliest = str(rules["minimum"]) if "minimum" in rules else EARLIEST.isoformat()
    latest = years_after(today_(), FUTURE_YEARS).isoformat()
    return [
        Test(
            "implausible_date",
            name,
            f"CAST({column} AS DATE) NOT BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)",
            [earliest, latest],
            f"Dates before {earliest} or after {latest}.",
        )
    ]


# The per-value checks, each from a column's name, quoted name, type and constraints.
VALUE_CHECKS = (_required, _enum, _bounds, _pattern, _lengths, _dates)


def _value_tests(fields: list[dict[str, Any]]) -> list[Test]:
    return [
        test
        for f in fields
        for make in VALUE_CHECKS
        for test in make(f["name"], quote(f["name"]), f["type"], f.get("constraints") or {})
    ]


def _outlier_tests(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[dict[str, Any]],
    known: dict[str, Any],
) -> list[Test]:
    """Values beyond 1.5 interquartile ranges from the quartiles (Tukey's fences). The quartiles
    are the profile's (``known``: its columns), computed at ingest; a version profiled before
    the profile kept them has them computed here, the same way."""
    numeric = [f["name"] for f in fields if f["type"] in _NUMERIC]
    if not numeric:
        return []
    found = {n: known[n]["quartiles"] for n in numeric if "quartiles" in known.get(n, {})}
    missing = [n for n in numeric if n not in found]
    if missing:
        found.update(profile.quartiles(con, table, missing))
    tests = []
    for name in numeric:
        q1, q3 = found.get(name) or (None, None)
        if q1 is None or q3 is None or q3 <= q1:
            continue
        low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        tests.append(
            Test(
                "outliers",
                name,
                f"({quote(name)} < ? OR {quote(name)} > ?)",
                [low, high],
                f"Values outside {low:g} to {high:g} (1.5 interquartile ranges beyond the "
                "quartiles).",
            )
        )
    return tests


def _run(con: duckdb.DuckDBPyConnection, table: str, tests: list[Test]) -> list[dict[str, Any]]:
    if not tests:
        return []
    counts = engine.aggregate(
        con,
        table,
        [f"count(*) FILTER (WHERE {t.condition})" for t in tests],
        [t.params for t in tests],
    )
    found = []
    for test, count in zip(tests, counts, strict=True):
        if count:
            found.append(
                _finding(test.check, test.column, count, test.message, _sample(con, table, test))
            )
    return found


def _sample(con: duckdb.DuckDBPyConnection, table: str, test: Test) -> list[dict[str, Any]]:
    column = quote(test.column) if test.column else "NULL"
    rows = con.execute(
        f"SELECT file_row_number + 1, {column} FROM {table} WHERE {test.condition} "
        f"ORDER BY file_row_number LIMIT {SAMPLE}",
        test.params,
    ).fetchall()
    return [{"row": int(row), "value": _plain(value)} for row, value in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _empty_columns(
    con: duckdb.DuckDBPyConnection, table: str, fields: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    counts = engine.aggregate(con, table, [f"count({quote(f['name'])})" for f in fields])
    return [
        _finding("empty_column", f["name"], 1, "Every value of this column is empty.")
        for f, count in zip(fields, counts, strict=True)
        if not count
    ]


def _duplicate_rows(
    con: duckdb.DuckDBPyConnection, table: str, fields: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Rows equal to an earlier row in every column (compared by a 64-bit hash of the row).
    One grouping pass counts them and keeps, per repeated row, only its first SAMPLE + 1
    places in the file, so the sample (the first repeats in file order) never needs a sort
    of the whole table: for flights ×10 (3 million repeats) 0.4 s instead of 2.7 s."""
    row = "hash(" + ", ".join(quote(f["name"]) for f in fields) + ")"
    found = con.execute(
        f"WITH repeated AS MATERIALIZED (SELECT count(*) AS n, "  # noqa: S608
        f"min_by(file_row_number, file_row_number, {SAMPLE + 1}) AS places FROM {table} "
        f"GROUP BY {row} HAVING count(*) > 1) "
        "SELECT (SELECT sum(n - 1) FROM repeated), (SELECT list(place ORDER BY place) FROM "
        f"(SELECT unnest(places[2:]) AS place FROM repeated ORDER BY place LIMIT {SAMPLE}))"
    ).fetchone()
    count = int(found[0]) if found and found[0] else 0
    if not count:
        return []
    assert found is not None
    places = found[1]
    return [
        _finding(
            "duplicate_rows",
            None,
            count,
            f"{count:,} rows repeat an earlier row exactly.",
            [{"row": int(place) + 1, "value": None} for place in places],
        )
    ]


def _not_unique(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[dict[str, Any]]:
    column = quote(name)
    found = con.execute(
        f"SELECT count({column}) - count(DISTINCT {column}) FROM {table}"
    ).fetchone()
    count = int(found[0]) if found else 0
    if not count:
        return []
    sample = con.execute(
        f"SELECT file_row_number + 1, {column} FROM (SELECT file_row_number, {column}, "
        f"row_number() OVER (PARTITION BY {column} ORDER BY file_row_number) AS nth FROM {table} "
        f"WHERE {column} IS NOT NULL) WHERE nth > 1 ORDER BY file_row_number LIMIT {SAMPLE}"
    ).fetchall()
    return [
        _finding(
            "unique",
            name,
            count,
            f"{count:,} values repeat an earlier one; the column should be unique.",
            [{"row": int(r), "value": _plain(v)} for r, v in sample],
        )
    ]
