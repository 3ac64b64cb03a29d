"""From the source's text columns to the version's typed Parquet file, in one pass.

With inferred types, every value is cast strictly: a value that does not fit its column's
candidate type stops the pass naming the column (``error()``), that column is judged again
over all its values, and the pass runs again. With a steward's schema, values that cannot be
cast become empty and are reported (count and sample rows) — never silently dropped.

The Parquet file holds the fields in order, then ``_ragged`` for delimited text (-1: the row
had fewer fields than the header, 1: more), then the geometry columns for geographic data.
Row numbers are not stored: they are the file's own row order (``file_row_number``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from townsquare.datastore import engine, inference, treatments
from townsquare.datastore.engine import any_of, literal
from townsquare.datastore.errors import IngestError, TooManyFields
from townsquare.datastore.inference import FALSE_VALUES, TRUE_VALUES, present
from townsquare.datastore.names import safe_names
from townsquare.datastore.readers.csv import explain
from townsquare.datastore.readers.staged import Staged

GEOMETRY_COLUMNS = ["geometry", "_minx", "_miny", "_maxx", "_maxy"]
HIDDEN_COLUMNS = {"_ragged", *GEOMETRY_COLUMNS[1:]}
MISFIT = "townsquare-misfit-column:"
SAMPLE = 5


@dataclass
class Built:
    fields: list[dict[str, Any]]
    rows: int
    ragged: dict[str, int]
    cast_failures: list[dict[str, Any]]


def _booleans(field: dict[str, Any]) -> tuple[list[str], list[str]]:
    trues = [v.lower() for v in field.get("trueValues", TRUE_VALUES)]
    falses = [v.lower() for v in field.get("falseValues", FALSE_VALUES)]
    return trues, falses


def _is_marker(column: str, missing: list[str]) -> str:
    """SQL: the value is one of the missing-value markers (a length test first: it is cheap)."""
    longest = max((len(m) for m in missing), default=0)
    return f"(length({column}) <= {longest} AND {any_of(column, missing)})"


def _text(column: str, missing: list[str]) -> str:
    return (
        f"CASE WHEN {column} IS NULL OR {_is_marker(column, missing)} THEN NULL ELSE {column} END"
    )


def robust_cast(column: str, field: dict[str, Any], missing: list[str]) -> str:
    """The field's type, NULL when missing or when the value does not fit."""
    kind, fmt = field.get("type", "string"), field.get("format")
    if kind == "string":
        return _text(column, missing)
    value = f"trim({column})"
    trues, falses = _booleans(field)
    expression = {
        "integer": f"TRY_CAST({value} AS BIGINT)",
        "number": f"TRY_CAST({value} AS DOUBLE)",
        "boolean": (
            f"CASE WHEN {any_of(f'lower({value})', trues)} THEN true "
            f"WHEN {any_of(f'lower({value})', falses)} THEN false END"
        ),
        "date": f"TRY_STRPTIME({value}, {literal(fmt)})::DATE"
        if fmt
        else f"TRY_CAST({value} AS DATE)",
        "datetime": f"TRY_STRPTIME({value}, {literal(fmt)})"
        if fmt
        else f"TRY_CAST({value} AS TIMESTAMP)",
    }[kind]
    return f"CASE WHEN {present(column, missing)} THEN {expression} END"


def strict_cast(column: str, field: dict[str, Any], missing: list[str], index: int) -> str:
    """The field's type; a value that does not fit stops the query naming column ``index``.
    Missing-value markers are only looked for among values that do not fit: most values fit."""
    kind, fmt = field.get("type", "string"), field.get("format")
    if kind == "string":
        return _text(column, missing)
    otherwise = (
        f"CASE WHEN {_is_marker(column, missing)} THEN NULL ELSE error('{MISFIT}{index}') END"
    )
    trues, falses = _booleans(field)
    tested = {
        "integer": (_match(column, inference.INTEGER), f"CAST({column} AS BIGINT)"),
        "number": (_match(column, inference.NUMBER), f"CAST({column} AS DOUBLE)"),
        "boolean": None,
        "date": None,
        "datetime": None,
    }[kind]
    if tested is not None:
        fits, converted = tested
        # Most values are written the way DuckDB writes an integer back: that test is cheaper
        # than the pattern, and the pattern accepts every such value too.
        canonical = f"TRY_CAST({column} AS BIGINT)::VARCHAR = {column}"
        body = (
            f"CASE WHEN {canonical} THEN {converted} WHEN {fits} THEN {converted} "
            f"ELSE {otherwise} END"
        )
    elif kind == "boolean":
        body = (
            f"CASE WHEN {any_of(f'lower({column})', trues)} THEN true "
            f"WHEN {any_of(f'lower({column})', falses)} THEN false ELSE {otherwise} END"
        )
    else:
        target = "DATE" if kind == "date" else "TIMESTAMP"
        parsed = (
            f"TRY_STRPTIME({column}, {literal(fmt)})" if fmt else f"TRY_CAST({column} AS {target})"
        )
        if fmt and kind == "date":
            parsed += "::DATE"
        body = f"coalesce({parsed}, {otherwise})"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE {body} END"


def _match(column: str, pattern: str) -> str:
    return f"regexp_full_match({column}, {literal(pattern)})"


def materialize(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    missing: list[str],
    target: Path,
    progress: Callable[[float], None],
    schema: dict[str, Any] | None = None,
    in_force: dict[str, dict[str, Any]] | None = None,
) -> Built:
    """``in_force``: the treatments of the dataset's previous version, by column name, given
    to the columns of an inferred schema (a steward's schema says its own)."""
    try:
        return _materialize(con, staged, missing, target, progress, schema, in_force or {})
    except duckdb.Error as exc:
        if "Expected Number of Columns" in str(exc) and staged.widen is not None:
            raise TooManyFields(explain(exc)) from None
        if not (staged.serial_relation and "parallel=false" in str(exc)):
            raise IngestError(explain(exc)) from None
    # Quoted line breaks with ragged rows: DuckDB reads those on one thread only.
    staged.relation, staged.serial_relation = staged.serial_relation, None
    try:
        return _materialize(con, staged, missing, target, progress, schema, in_force or {})
    except duckdb.Error as exc:
        raise IngestError(explain(exc)) from None


def _materialize_as_text(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    target: Path,
    progress: Callable[[float], None],
    in_force: dict[str, dict[str, Any]],
) -> Built:
    """Thousands of typed columns cost DuckDB minutes to plan: every column is kept as text,
    and the steward can type them."""
    names = safe_names(staged.titles)
    fields = [
        {"name": n, "title": t or n, "type": "string"}
        for n, t in zip(names, staged.titles, strict=True)
    ]
    staged.notes["wide"] = (
        f"{len(fields):,} columns: kept as text (types are inferred up to {engine.WIDE:,} "
        "columns); set their types in the table schema and ingest again."
    )
    _carry(staged, fields, in_force)
    _write(con, staged, fields, [""], None, target, progress)
    return _built(con, staged, fields, target, [])


def _materialize(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    missing: list[str],
    target: Path,
    progress: Callable[[float], None],
    schema: dict[str, Any] | None,
    in_force: dict[str, dict[str, Any]],
) -> Built:
    if schema is not None:
        fields = _steward_fields(schema, staged)
        failures = cast_failures(con, staged, fields, missing)
        _write(con, staged, fields, missing, set(range(len(fields))), target, progress)
        return _built(con, staged, fields, target, failures)
    if len(staged.columns) > engine.WIDE:
        return _materialize_as_text(con, staged, target, progress, in_force)
    # The sample is the first rows: the one-thread reader gets them without splitting the file.
    sample_from = staged.serial_relation or staged.relation
    fields = inference.infer(con, sample_from, staged.columns, staged.titles, missing)
    _carry(staged, fields, in_force)
    robust: set[int] = set()
    while True:
        try:
            _write(con, staged, fields, missing, robust, target, progress)
            return _built(con, staged, fields, target, [])
        except duckdb.Error as exc:
            index = _misfit(exc)
            if index is None or index in robust:
                raise
        column = staged.columns[index]
        fields[index] = inference.infer_column(con, staged.relation, column, fields[index], missing)
        _carry(staged, [fields[index]], in_force)
        robust.add(index)


def _carry(
    staged: Staged, fields: list[dict[str, Any]], in_force: dict[str, dict[str, Any]]
) -> None:
    carried = treatments.carry(fields, in_force)
    if carried:
        staged.notes["withheld_carried"] = sorted(
            {*staged.notes.get("withheld_carried", []), *carried}
        )


def _misfit(exc: duckdb.Error) -> int | None:
    found = re.search(rf"{MISFIT}(\d+)", str(exc))
    return int(found.group(1)) if found else None


def _write(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    fields: list[dict[str, Any]],
    missing: list[str],
    robust: set[int] | None,
    target: Path,
    progress: Callable[[float], None],
) -> None:
    """COPY the typed columns to Parquet: strict casts, robust ones for the columns in
    ``robust``, or (``robust`` None) the text as it is with empty fields as NULL."""
    columns = []
    for index, (column, field) in enumerate(zip(staged.columns, fields, strict=True)):
        quoted = f'"{column}"'
        if robust is None:
            expression = f"NULLIF({quoted}, '')"
        elif index in robust:
            expression = robust_cast(quoted, field, missing)
        else:
            expression = strict_cast(quoted, field, missing, index)
        published = treatments.expression(expression, field)
        if published is not None:  # an excluded column is not written at all
            columns.append(f'{published} AS "{field["name"]}"')
    if staged.header_width:
        columns.append(_ragged(staged))
    if staged.geographic:
        columns += [f'"{name}"' for name in GEOMETRY_COLUMNS]
    engine.execute_with_progress(
        con,
        f"COPY (SELECT {', '.join(columns)} FROM {staged.relation}) TO {literal(str(target))} "
        "(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)",
        progress,
    )


def _ragged(staged: Staged) -> str:
    width = staged.header_width or 0
    extra = [f'"c{i}" IS NOT NULL' for i in range(width, len(staged.columns))]
    longer = f"WHEN {' OR '.join(extra)} THEN 1::TINYINT " if extra else ""
    return f'CASE WHEN "c{width - 1}" IS NULL THEN -1::TINYINT {longer}END AS "_ragged"'


def _built(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    fields: list[dict[str, Any]],
    target: Path,
    failures: list[dict[str, Any]],
) -> Built:
    source = f"read_parquet({literal(str(target))})"
    if staged.header_width:
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE _ragged = -1), "
            f"count(*) FILTER (WHERE _ragged = 1) FROM {source}"
        ).fetchone()
    else:
        row = con.execute(f"SELECT count(*), 0, 0 FROM {source}").fetchone()
    assert row is not None
    return Built(fields, int(row[0]), {"short": int(row[1]), "long": int(row[2])}, failures)


def _steward_fields(schema: dict[str, Any], staged: Staged) -> list[dict[str, Any]]:
    fields = [f for f in schema.get("fields", []) if f.get("type") != "geojson"]
    if len(fields) != len(staged.columns):
        raise IngestError(
            f"The table schema has {len(fields)} fields but the file has {len(staged.columns)} "
            "columns; edit the schema to match the file."
        )
    return fields


def cast_failures(
    con: duckdb.DuckDBPyConnection, staged: Staged, fields: list[dict[str, Any]], missing: list[str]
) -> list[dict[str, Any]]:
    """Per column whose values do not all fit its type: how many do not, and a sample."""
    typed = [
        (f'"{c}"', f) for c, f in zip(staged.columns, fields, strict=True) if f["type"] != "string"
    ]
    if not typed:
        return []
    failing = [
        f"({present(c, missing)} AND ({robust_cast(c, f, missing)}) IS NULL)" for c, f in typed
    ]
    numbered = f"(SELECT row_number() OVER () AS _n, * FROM {staged.relation})"
    counted = ", ".join(f"count(*) FILTER (WHERE {test})" for test in failing)
    counts = con.execute(f"SELECT {counted} FROM {staged.relation}").fetchone()
    assert counts is not None
    failures = []
    for (column, field), test, count in zip(typed, failing, counts, strict=True):
        if count:
            sample = con.execute(
                f"SELECT _n, {column} FROM {numbered} WHERE {test} LIMIT {SAMPLE}"
            ).fetchall()
            withheld = treatments.of(field) is not None  # its raw values are not shown
            failures.append(
                {
                    "column": field["name"],
                    "type": field["type"],
                    "count": int(count),
                    "sample": [
                        {"row": int(row)} if withheld else {"row": int(row), "value": value}
                        for row, value in sample
                    ],
                }
            )
    return failures
