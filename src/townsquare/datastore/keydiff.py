"""What changed between two versions of a dataset, row by row, computed in DuckDB: the rows
added, removed and changed, matched by the table schema's primary key (or a key the reader
names) and, without one, by whole row (then a changed row counts as one removed and one added).
A changed row carries the names of its changed columns and their old values. Rows are compared
on the published columns both versions have (schema changes are listed apart); columns whose
type changed are compared as text. The rows of a difference are written once to a Parquet file
beside the newer version and read a page at a time; its counts are kept in ``VersionDiff``.
Nothing is loaded into Python but the page asked for."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from townsquare.datastore import diff, engine, files
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import IngestError
from townsquare.datastore.models import DataVersion, VersionDiff
from townsquare.datastore.names import quote

CHANGE = "_change"  # names a column may never have (they start with a letter)
CHANGED = "_changed"
BEFORE = "_before_"
KINDS = ("added", "removed", "changed")


@dataclass(frozen=True)
class Plan:
    columns: list[str]  # compared, in the newer version's order
    as_text: set[str]  # whose type changed: compared as text
    key: list[str]
    note: str  # why the key asked for was not used


def compare(old: DataVersion, new: DataVersion, key: list[str] | None = None) -> VersionDiff:
    """The difference of ``new`` against ``old`` (computed once, then read from its record)."""
    if old.status != DataVersion.Status.READY or new.status != DataVersion.Status.READY:
        raise IngestError("Only ready versions can be compared.", field="against")
    asked = ",".join(key) if key is not None else ""  # "": the table schema's primary key
    wanted = list(key) if key is not None else list(new.table_schema.get("primaryKey") or [])
    found = VersionDiff.objects.filter(old=old, new=new, asked=asked).first()
    still = found is not None and (found.key == wanted or bool(found.note))  # the same key
    if found is not None and still and rows_path(found).exists():
        return found
    schema = diff.compare(old, new)
    con = engine.connect(columns=len(new.fields) * 3)
    try:
        plan = _plan(con, old, new, wanted, schema)
        counts = _write(con, old, new, plan, _rows_target(new, old, asked))
    finally:
        con.close()
    record, _ = VersionDiff.objects.update_or_create(
        old=old,
        new=new,
        asked=asked,
        defaults={
            "key": plan.key,
            "note": plan.note,
            "columns": plan.columns,
            "schema": {k: schema[k] for k in ("columns_added", "columns_removed", "types_changed")},
            **{kind: counts.get(kind, 0) for kind in KINDS},
        },
    )
    return record


def _table(version: DataVersion) -> str:
    return f"read_parquet({literal(str(files.local_path(version.parquet)))})"


def _plan(
    con: duckdb.DuckDBPyConnection,
    old: DataVersion,
    new: DataVersion,
    wanted: list[str],
    schema: dict[str, Any],
) -> Plan:
    common = list(schema["compared_on"])
    geographic = {f["name"] for f in new.fields if f["type"] == "geojson"}
    geographic &= {f["name"] for f in old.fields if f["type"] == "geojson"}
    columns = common + sorted(geographic)
    as_text = {c["column"] for c in schema["types_changed"]} | geographic
    missing = [name for name in wanted if name not in common]
    if missing:
        note = f"the key names columns both versions do not have ({', '.join(missing)})"
        return Plan(columns, as_text, [], note + ": compared by whole row")
    for version in (old, new):
        repeated = _repeated(con, version, wanted) if wanted else 0
        if repeated:
            note = (
                f"the key ({', '.join(wanted)}) is not unique in version {version.number} "
                f"({repeated:,} rows share a key with another): compared by whole row"
            )
            return Plan(columns, as_text, [], note)
    return Plan(columns, as_text, wanted, "")


def _repeated(con: duckdb.DuckDBPyConnection, version: DataVersion, key: list[str]) -> int:
    keys = ", ".join(quote(k) for k in key)
    row = con.execute(
        f"SELECT count(*) - count(DISTINCT ({keys}, 0)) FROM {_table(version)}"  # noqa: S608 (quoted names, literal path)
    ).fetchone()
    return int(row[0]) if row else 0


def _value(side: str, column: str, plan: Plan) -> str:
    ref = f"{side}.{quote(column)}"
    return f"CAST({ref} AS VARCHAR)" if column in plan.as_text else ref


def _rows_target(new: DataVersion, old: DataVersion, asked: str) -> Path:
    folder = files.local_path(new.parquet).parent
    named = asked.replace(",", "-")[:80] or "primary-key"
    return folder / f"diff-against-{old.number}-{named}.parquet"


def rows_path(record: VersionDiff) -> Path:
    return _rows_target(record.new, record.old, record.asked)


def _write(
    con: duckdb.DuckDBPyConnection, old: DataVersion, new: DataVersion, plan: Plan, target: Path
) -> dict[str, int]:
    if not plan.columns:
        return {"added": new.row_count or 0, "removed": old.row_count or 0}
    query = _by_key(old, new, plan) if plan.key else _by_row(old, new, plan)
    partial = target.with_suffix(".partial")
    con.execute(f"COPY ({query}) TO {literal(str(partial))} (FORMAT parquet)")
    partial.replace(target)  # readers never see half a file
    counted = con.execute(
        f"SELECT {CHANGE}, count(*) FROM read_parquet({literal(str(target))}) GROUP BY 1"  # noqa: S608 (literal path)
    ).fetchall()
    return {str(kind): int(count) for kind, count in counted}


def _by_key(old: DataVersion, new: DataVersion, plan: Plan) -> str:
    others = [c for c in plan.columns if c not in plan.key]
    chosen = ", ".join(quote(c) for c in plan.columns)
    on = " AND ".join(
        f"{_value('o', k, plan)} IS NOT DISTINCT FROM {_value('n', k, plan)}" for k in plan.key
    )
    differs = [f"{_value('o', c, plan)} IS DISTINCT FROM {_value('n', c, plan)}" for c in others]
    change = (
        "CASE WHEN o._in IS NULL THEN 'added' WHEN n._in IS NULL THEN 'removed' ELSE 'changed' END"
    )
    keys = [
        f"COALESCE({_value('n', k, plan)}, {_value('o', k, plan)}) AS {quote(k)}" for k in plan.key
    ]
    values = [
        f"CASE WHEN n._in IS NULL THEN {_value('o', c, plan)} ELSE {_value('n', c, plan)} END "
        f"AS {quote(c)}"
        for c in others
    ]
    before = [
        f"CASE WHEN o._in AND n._in AND {d} THEN {_value('o', c, plan)} END AS {quote(BEFORE + c)}"
        for c, d in zip(others, differs, strict=True)
    ]
    names = [
        f"CASE WHEN o._in AND n._in AND {d} THEN {literal(c)} END"
        for c, d in zip(others, differs, strict=True)
    ]
    changed = (
        f"list_filter([{', '.join(names)}]::VARCHAR[], lambda x: x IS NOT NULL)"
        if names
        else "[]::VARCHAR[]"
    )
    where = " OR ".join(["o._in IS NULL", "n._in IS NULL", *differs])
    ordering = ", ".join(quote(k) for k in plan.key)
    return (
        f"SELECT {change} AS {CHANGE}, {changed} AS {CHANGED}, "  # noqa: S608 (quoted names, literal paths)
        f"{', '.join(keys + values + before)} "
        f"FROM (SELECT {chosen}, TRUE AS _in FROM {_table(old)}) o "
        f"FULL OUTER JOIN (SELECT {chosen}, TRUE AS _in FROM {_table(new)}) n ON {on} "
        f"WHERE {where} ORDER BY {CHANGE}, {ordering}"
    )


def _by_row(old: DataVersion, new: DataVersion, plan: Plan) -> str:
    def side(version: DataVersion) -> str:
        chosen = ", ".join(
            f"CAST({quote(c)} AS VARCHAR) AS {quote(c)}" if c in plan.as_text else quote(c)
            for c in plan.columns
        )
        return f"SELECT {chosen} FROM {_table(version)}"  # noqa: S608 (quoted names, literal path)

    return (
        f"SELECT 'added' AS {CHANGE}, []::VARCHAR[] AS {CHANGED}, * FROM "  # noqa: S608 (as above)
        f"({side(new)} EXCEPT ALL {side(old)}) "
        f"UNION ALL SELECT 'removed', []::VARCHAR[], * FROM ({side(old)} EXCEPT ALL {side(new)})"
    )


def rows(
    record: VersionDiff, change: str = "", offset: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    """A page of the difference's rows, in order (added, changed, removed; by key): each with
    ``change``, ``values`` (as of the newer version; the older one's for a removed row),
    ``changed`` (the changed columns) and ``before`` (their old values)."""
    path = rows_path(record)
    if not path.exists() or not record.columns:
        return []
    where = f"WHERE {CHANGE} = {literal(change)}" if change in KINDS else ""
    con = engine.connect(columns=len(record.columns) * 3)
    try:
        cursor = con.execute(
            f"SELECT * FROM read_parquet({literal(str(path))}) {where} "  # noqa: S608 (literal path, checked kind)
            f"LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        names = [d[0] for d in cursor.description]
        found = cursor.fetchall()
    finally:
        con.close()
    return [_row(dict(zip(names, values, strict=True)), record.columns) for values in found]


def _row(raw: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    changed = list(raw.get(CHANGED) or [])
    return {
        "change": raw[CHANGE],
        "values": {c: _plain(raw.get(c)) for c in columns},
        "changed": changed,
        "before": {c: _plain(raw.get(BEFORE + c)) for c in changed},
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return "(geometry)"
    return str(value)


def csv_lines(record: VersionDiff) -> Iterator[str]:
    """The whole difference as CSV: change, the columns, then ``<column> before`` for each
    column that changed somewhere; read in batches, never all at once."""
    path = rows_path(record)
    columns = list(record.columns)
    header = ["change", *columns, *(f"{c} before" for c in columns), "changed columns"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    offset = 0
    while path.exists() and columns:
        page = rows(record, offset=offset, limit=5000)
        if not page:
            return
        buffer.seek(0)
        buffer.truncate()
        for row in page:
            before = [row["before"].get(c, "") if c in row["changed"] else "" for c in columns]
            writer.writerow(
                [row["change"], *row["values"].values(), *before, " ".join(row["changed"])]
            )
        yield buffer.getvalue()
        offset += len(page)


def summary(record: VersionDiff) -> dict[str, Any]:
    return {
        "old": record.old.number,
        "new": record.new.number,
        "key": record.key,
        "key_note": record.note,
        "compared_on": record.columns,
        **record.schema,
        "added": record.added,
        "removed": record.removed,
        "changed": record.changed,
    }
