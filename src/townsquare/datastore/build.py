"""From the staged text columns to the version's typed Parquet file, following its Table
Schema. A value that cannot be cast is reported (count, sample rows), never silently dropped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from townsquare.datastore import engine
from townsquare.datastore.engine import literal
from townsquare.datastore.inference import FALSE_VALUES, TRUE_VALUES, present
from townsquare.datastore.names import quote
from townsquare.datastore.readers.staged import Staged

GEOMETRY_COLUMNS = ["geometry", "_minx", "_miny", "_maxx", "_maxy"]
SAMPLE = 5


def cast(column: str, field: dict[str, Any], missing: list[str]) -> str:
    """SQL turning text column ``column`` into the field's type (NULL when missing)."""
    value = f"trim({column})"
    kind, fmt = field.get("type", "string"), field.get("format")
    trues = [v.lower() for v in field.get("trueValues", TRUE_VALUES)]
    falses = [v.lower() for v in field.get("falseValues", FALSE_VALUES)]
    expressions = {
        "integer": f"TRY_CAST({value} AS BIGINT)",
        "number": f"TRY_CAST({value} AS DOUBLE)",
        "boolean": (
            f"CASE WHEN lower({value}) IN ({', '.join(map(literal, trues))}) THEN true "
            f"WHEN lower({value}) IN ({', '.join(map(literal, falses))}) THEN false END"
        ),
        "date": f"TRY_STRPTIME({value}, {literal(fmt)})::DATE"
        if fmt
        else f"TRY_CAST({value} AS DATE)",
        "datetime": f"TRY_STRPTIME({value}, {literal(fmt)})"
        if fmt
        else f"TRY_CAST({value} AS TIMESTAMP)",
    }
    expression = expressions.get(kind, column)
    return f"CASE WHEN {present(column, missing)} THEN {expression} END"


def source(staged: Staged) -> str:
    return f"read_parquet({literal(str(staged.path))}, file_row_number=true)"


def cast_failures(
    con: duckdb.DuckDBPyConnection, staged: Staged, fields: list[dict[str, Any]], missing: list[str]
) -> list[dict[str, Any]]:
    """Per column whose values do not all fit its type: how many do not, and a sample."""
    typed = [(c, f) for c, f in zip(staged.columns, fields, strict=False) if f["type"] != "string"]
    if not typed:
        return []
    failing = {
        c: f"({present(quote(c), missing)} AND ({cast(quote(c), f, missing)}) IS NULL)"
        for c, f in typed
    }
    counts = con.execute(
        f"SELECT {', '.join(f'count(*) FILTER (WHERE {test})' for test in failing.values())} "
        f"FROM {source(staged)}"
    ).fetchone()
    assert counts is not None
    failures = []
    for (column, field), count in zip(typed, counts, strict=True):
        if count:
            sample = con.execute(
                f"SELECT file_row_number + 1, {quote(column)} FROM {source(staged)} "
                f"WHERE {failing[column]} LIMIT {SAMPLE}"
            ).fetchall()
            failures.append(
                {
                    "column": field["name"],
                    "type": field["type"],
                    "count": int(count),
                    "sample": [{"row": int(row), "value": value} for row, value in sample],
                }
            )
    return failures


def write(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    fields: list[dict[str, Any]],
    missing: list[str],
    target: Path,
    progress: Callable[[float], None],
) -> None:
    columns = ["file_row_number + 1 AS _row"]
    for column, field in zip(staged.columns, fields, strict=True):
        columns.append(f"{cast(quote(column), field, missing)} AS {quote(field['name'])}")
    if staged.geographic:
        columns += [quote(name) for name in GEOMETRY_COLUMNS]
    engine.execute_with_progress(
        con,
        f"COPY (SELECT {', '.join(columns)} FROM {source(staged)}) TO {literal(str(target))} "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
        progress,
    )
