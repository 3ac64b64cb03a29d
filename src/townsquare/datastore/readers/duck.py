"""Tables DuckDB reads itself (JSON, Parquet), as a relation of text columns."""

from __future__ import annotations

import duckdb

from townsquare.datastore import engine
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
    "DECIMAL",
)


def as_text(name: str, kind: str) -> str:
    column = quote(name)
    if kind == "VARCHAR":
        return column
    if kind.startswith(_SCALAR_TYPES):
        return f"CAST({column} AS VARCHAR)"
    return f"CAST(to_json({column}) AS VARCHAR)"  # lists and objects keep their JSON text


def relation(reader: str, what: str) -> Staged:
    con = engine.connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"The {what} could not be read: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    if not described:
        raise IngestError(f"The {what} has no columns.")
    columns = ", ".join(
        f"{as_text(name, kind)} AS c{i}" for i, (name, kind, *_) in enumerate(described)
    )
    return Staged(
        relation=f"(SELECT {columns} FROM {reader})", titles=[str(n) for n, *_ in described]
    )
