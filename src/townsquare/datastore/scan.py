"""Column scans for the privacy check: how many rows of each text column match each pattern
(over the column's distinct values, weighted by their rows), the distinct matching values with
their row counts (for a closer look in Python), and counts of small numbers in count columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from townsquare.datastore import engine, files
from townsquare.datastore.engine import literal
from townsquare.datastore.models import DataVersion
from townsquare.datastore.names import quote

DISTINCT = 200  # distinct matching values looked at closely per column and pattern


@dataclass
class Matches:
    column: str
    kind: str
    rows: int  # rows of the whole column that match the pattern
    values: list[tuple[str, int]]  # up to DISTINCT distinct values, most frequent first
    complete: bool  # every distinct matching value is in ``values``


def _table(version: DataVersion) -> str:
    return f"read_parquet({literal(str(files.local_path(version.parquet)))})"


def _as_text(column: str, kind: str) -> str:
    """A column's values as text: whole numbers written out in digits (a card number stored as
    an integer is still a card number)."""
    name = quote(column)
    if kind == "integer":
        return f"CAST({name} AS VARCHAR)"
    if kind == "number":
        whole = f"CAST(TRY_CAST({name} AS HUGEINT) AS VARCHAR)"
        return f"CASE WHEN {name} = trunc({name}) THEN {whole} END"
    return name


def pattern_matches(
    version: DataVersion,
    columns: list[str],
    patterns: dict[str, str],
    types: dict[str, str] | None = None,
) -> list[Matches]:
    """Rows matching each pattern in each column; RE2 patterns, passed as parameters. Columns
    named in ``types`` as integer or number are matched as their digits.

    Each column is reduced to its distinct values and their row counts first (one grouping
    pass), and the patterns run over those, weighted by the counts: the same rows are counted,
    and a column of a few hundred distinct values among millions of rows costs a few hundred
    matches instead of millions."""
    if not version.parquet or not columns or not patterns:
        return []
    table = _table(version)
    text = {c: _as_text(c, (types or {}).get(c, "string")) for c in columns}
    con = engine.connect(columns=len(columns), memory_limit=settings.QUALITY_MEMORY_LIMIT)
    found: list[Matches] = []
    try:
        if len(version.fields) > engine.WIDE:  # read a very wide file's schema once, not per column
            chosen = ", ".join(f"{text[c]} AS {quote(c)}" for c in columns)
            con.execute(f"CREATE TEMP TABLE wide_source AS SELECT {chosen} FROM {table}")  # noqa: S608
            table, text = "wide_source", {c: quote(c) for c in columns}
        for column in columns:
            found += _column_matches(con, table, column, text[column], patterns)
    finally:
        con.close()
    return found


def _column_matches(
    con: Any, table: str, column: str, text: str, patterns: dict[str, str]
) -> list[Matches]:
    """The patterns' matches in one column, from its distinct values."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE scanned AS SELECT {text} AS v, count(*) AS n "  # noqa: S608
        f"FROM {table} WHERE {text} IS NOT NULL GROUP BY 1"
    )
    try:
        kinds = list(patterns)
        sums = ["coalesce(sum(n) FILTER (WHERE regexp_matches(v, ?)), 0)" for _ in kinds]
        row = con.execute(
            f"SELECT {', '.join(sums)} FROM scanned",
            [patterns[k] for k in kinds],  # noqa: S608
        ).fetchone()
        return [
            _matches(con, column, kind, patterns[kind], int(rows))
            for kind, rows in zip(kinds, row or (), strict=True)
            if rows
        ]
    finally:
        con.execute("DROP TABLE IF EXISTS scanned")


def _matches(con: Any, column: str, kind: str, pattern: str, rows: int) -> Matches:
    """The most frequent matching values of one column (from its distinct values)."""
    values = con.execute(
        "SELECT v, n FROM scanned WHERE regexp_matches(v, ?) ORDER BY n DESC, v "
        f"LIMIT {DISTINCT + 1}",
        [pattern],
    ).fetchall()
    common = [(str(v), int(n)) for v, n in values[:DISTINCT]]
    return Matches(column, kind, rows, common, len(values) <= DISTINCT)


def non_null_counts(version: DataVersion, columns: list[str]) -> dict[str, int]:
    return _per_column(version, columns, [f"count({quote(c)})" for c in columns])


def small_counts(version: DataVersion, columns: list[str], threshold: int) -> dict[str, int]:
    """Per column: rows whose value is between 1 and ``threshold`` - 1."""
    expressions = [f"count(*) FILTER (WHERE {quote(c)} > 0 AND {quote(c)} < ?)" for c in columns]
    return _per_column(version, columns, expressions, [[threshold]] * len(columns))


def _per_column(
    version: DataVersion,
    columns: list[str],
    expressions: list[str],
    params: list[list[Any]] | None = None,
) -> dict[str, int]:
    if not version.parquet or not columns:
        return {}
    con = engine.connect(columns=len(columns), memory_limit=settings.QUALITY_MEMORY_LIMIT)
    try:
        values = engine.aggregate(con, _table(version), expressions, params)
    finally:
        con.close()
    return {c: int(n) for c, n in zip(columns, values, strict=True)}
