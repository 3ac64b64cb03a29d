"""Stage any table DuckDB can read (JSON, Parquet) as text columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from townsquare.datastore import engine
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import IngestError
from townsquare.datastore.names import quote
from townsquare.datastore.readers.staged import Staged

_SCALAR_TYPES = (
    "VARCHAR",
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "DOUBLE",
    "FLOAT",
    "BOOLEAN",
    "DATE",
    "TIMESTAMP",
    "TIME",
    "UUID",
)


def as_text(name: str, kind: str) -> str:
    column = quote(name)
    if kind == "VARCHAR":
        return column
    if kind.startswith(_SCALAR_TYPES) or kind.startswith("DECIMAL") or kind.startswith("TIMESTAMP"):
        return f"CAST({column} AS VARCHAR)"
    return f"CAST(to_json({column}) AS VARCHAR)"  # lists and objects keep their JSON text


def stage_relation(
    reader: str, folder: Path, progress: Callable[[float], None], what: str
) -> Staged:
    con = engine.connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        if not described:
            raise IngestError(f"The {what} has no columns.")
        columns = ", ".join(
            f"{as_text(name, kind)} AS c{i}" for i, (name, kind, *_) in enumerate(described)
        )
        target = folder / "stage.parquet"
        engine.execute_with_progress(
            con,
            f"COPY (SELECT {columns} FROM {reader}) TO {literal(str(target))} (FORMAT parquet)",
            progress,
        )
        row = con.execute(f"SELECT count(*) FROM read_parquet({literal(str(target))})").fetchone()
    except duckdb.Error as exc:
        raise IngestError(f"The {what} could not be read: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    return Staged(target, [str(name) for name, *_ in described], int(row[0]) if row else 0)
