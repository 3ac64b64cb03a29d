"""Column types, decided over every value of each column (not a sample), in SQL.

A column gets the narrowest type that all its non-missing values fit: boolean, integer,
number, date, datetime, else string. Numbers written with leading zeros (ZIP codes, ids) stay
strings. Dates and times in the common non-ISO forms are recognised and their format recorded.
"""

from __future__ import annotations

from typing import Any

import duckdb

from townsquare.datastore.engine import literal
from townsquare.datastore.names import safe_names

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
BATCH = 80  # columns per inference query: a 10,000-column table makes many small queries

_INTEGER = r"[+-]?[0-9]+"
_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_LEADING_ZERO = r"[+-]?0[0-9]+(\.[0-9]*)?"


def present(column: str, missing: list[str]) -> str:
    """SQL: the column holds a value (not NULL, not a missing-value marker)."""
    markers = ", ".join(literal(m) for m in missing) or "NULL"
    return f"({column} IS NOT NULL AND trim({column}) NOT IN ({markers}))"


def _matches(value: str, pattern: str) -> str:
    return f"regexp_full_match({value}, '{pattern}')"


def _tests(column: str) -> dict[str, str]:
    value = f"trim({column})"
    booleans = ", ".join(literal(v) for v in TRUE_VALUES + FALSE_VALUES)
    iso_date = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    tests = {
        "boolean": f"lower({value}) IN ({booleans})",
        "integer": f"({_matches(value, _INTEGER)} AND TRY_CAST({value} AS BIGINT) IS NOT NULL)",
        "number": f"({_matches(value, _NUMBER)} AND TRY_CAST({value} AS DOUBLE) IS NOT NULL)",
        "leading_zero": f"regexp_full_match({value}, '{_LEADING_ZERO}')",
        "date": f"({_matches(value, iso_date)} AND TRY_CAST({value} AS DATE) IS NOT NULL)",
        "datetime": (
            f"(regexp_full_match({value}, '{iso_date}[T ][0-9]{{1,2}}:[0-9]{{2}}.*') "
            f"AND TRY_CAST({value} AS TIMESTAMP) IS NOT NULL)"
        ),
    }
    for n, fmt in enumerate(DATE_FORMATS):
        tests[f"date:{n}"] = f"TRY_STRPTIME({value}, {literal(fmt)}) IS NOT NULL"
    for n, fmt in enumerate(DATETIME_FORMATS):
        tests[f"datetime:{n}"] = f"TRY_STRPTIME({value}, {literal(fmt)}) IS NOT NULL"
    return tests


def infer(
    con: duckdb.DuckDBPyConnection,
    source: str,
    columns: list[str],
    titles: list[str],
    missing: list[str] = MISSING_VALUES,
) -> list[dict[str, Any]]:
    """Frictionless Table Schema fields for text columns ``columns`` of ``source``."""
    names = safe_names(titles)
    fields = []
    for start in range(0, len(columns), BATCH):
        batch = columns[start : start + BATCH]
        verdicts = _verdicts(con, source, batch, missing)
        for offset, verdict in enumerate(verdicts):
            position = start + offset
            field = {
                "name": names[position],
                "title": titles[position] or names[position],
                **verdict,
            }
            fields.append(field)
    return fields


def _verdicts(
    con: duckdb.DuckDBPyConnection, source: str, columns: list[str], missing: list[str]
) -> list[dict[str, Any]]:
    selects, keys = [], []
    for column in columns:
        quoted = f'"{column}"'
        condition = present(quoted, missing)
        selects.append(f"count(*) FILTER (WHERE {condition})")
        keys.append((column, "count"))
        for name, test in _tests(quoted).items():
            aggregate = "bool_or" if name == "leading_zero" else "bool_and"
            selects.append(f"coalesce({aggregate}({test}) FILTER (WHERE {condition}), false)")
            keys.append((column, name))
    row = con.execute(f"SELECT {', '.join(selects)} FROM {source}").fetchone()
    assert row is not None
    results: dict[str, dict[str, Any]] = {column: {} for column in columns}
    for (column, name), value in zip(keys, row, strict=True):
        results[column][name] = value
    return [_decide(results[column]) for column in columns]


def _decide(result: dict[str, Any]) -> dict[str, Any]:
    """The first type, narrowest first, that every value of the column fits."""
    if not result["count"]:
        return {"type": "string"}
    numeric = not result["leading_zero"]  # 00123 is an identifier, not a number
    candidates: list[tuple[bool, dict[str, Any]]] = [
        (
            result["boolean"],
            {"type": "boolean", "trueValues": TRUE_VALUES, "falseValues": FALSE_VALUES},
        ),
        (numeric and result["integer"], {"type": "integer"}),
        (numeric and result["number"], {"type": "number"}),
        (result["date"], {"type": "date"}),
        (result["datetime"], {"type": "datetime"}),
        *[(result[f"date:{n}"], {"type": "date", "format": f}) for n, f in enumerate(DATE_FORMATS)],
        *[
            (result[f"datetime:{n}"], {"type": "datetime", "format": f})
            for n, f in enumerate(DATETIME_FORMATS)
        ],
    ]
    return next((verdict for fits, verdict in candidates if fits), {"type": "string"})
