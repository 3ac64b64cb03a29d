"""Column scans for the privacy check: how many rows of each text column match each pattern
(over the whole column, in one pass), and the distinct matching values with their row counts
(for a closer look in Python), and counts of small numbers in count columns."""

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
    named in ``types`` as integer or number are matched as their digits."""
    if not version.parquet or not columns or not patterns:
        return []
    table = _table(version)
    text = {c: _as_text(c, (types or {}).get(c, "string")) for c in columns}
    pairs = [(c, k) for c in columns for k in patterns]
    con = engine.connect(columns=len(columns), memory_limit=settings.QUALITY_MEMORY_LIMIT)
    try:
        counts = engine.aggregate(
            con,
            table,
            [f"count(*) FILTER (WHERE regexp_matches({text[c]}, ?))" for c, _ in pairs],
            [[patterns[k]] for _, k in pairs],
        )
        return [
            _matches(con, table, column, kind, text[column], patterns[kind], int(rows))
            for (column, kind), rows in zip(pairs, counts, strict=True)
            if rows
        ]
    finally:
        con.close()


def _matches(
    con: Any, table: str, column: str, kind: str, text: str, pattern: str, rows: int
) -> Matches:
    """The most frequent matching values of one column (``text``: the column as text)."""
    values = con.execute(
        f"SELECT {text}, count(*) AS n FROM {table} "
        f"WHERE regexp_matches({text}, ?) GROUP BY 1 ORDER BY n DESC, 1 "
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
