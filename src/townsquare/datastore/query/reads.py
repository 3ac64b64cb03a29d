"""Reading a dataset's published data: one function per use, called by the API and the pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from townsquare.datastore import files, words
from townsquare.datastore.models import DataVersion
from townsquare.datastore.query import run
from townsquare.datastore.query.records import Column, Compiled, RecordsQuery, compile_query

TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "UBIGINT": "integer",
    "UINTEGER": "integer",
    "FLOAT": "number",
    "DOUBLE": "number",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "VARCHAR": "string",
    "BLOB": "geojson",
}


@dataclass
class Page:
    version: DataVersion
    columns: list[Column]
    rows: list[tuple[Any, ...]]
    total: int
    limit: int
    offset: int
    geometry: str | None

    @property
    def next_offset(self) -> int | None:
        following = self.offset + max(len(self.rows), self.limit)
        return following if self.limit and following < self.total else None


def compile_for(version: DataVersion, query: RecordsQuery, *, want_geometry: bool) -> Compiled:
    return compile_query(
        version.fields,
        str(files.local_path(version.parquet)),
        query,
        geographic=version.is_geographic,
        want_geometry=want_geometry,
        words=_words(version, query.q) if query.q.strip() else None,
    )


def _words(version: DataVersion, text: str) -> words.Found:
    con = run.cursor()
    try:
        with run.time_limit(con, 10):
            return words.lookup(con, version.words, text)
    finally:
        con.close()


def read_records(version: DataVersion, query: RecordsQuery, *, want_geometry: bool = False) -> Page:
    """A page of the version's records; the caller has checked that the reader may read it."""
    compiled = compile_for(version, query, want_geometry=want_geometry)
    result = run.fetch(compiled.page(query.limit, query.offset), compiled.params)
    columns = [
        c if c.type else Column(c.name, c.title, TYPES.get(kind.split("(")[0], "string"))
        for c, kind in zip(compiled.columns, result.types, strict=True)
    ]
    total = _total(version, compiled, query, len(result.rows))
    return Page(version, columns, result.rows, total, query.limit, query.offset, compiled.geometry)


def _total(version: DataVersion, compiled: Compiled, query: RecordsQuery, returned: int) -> int:
    """Never a slow count on every page: known from the version when nothing filters, from the
    page itself when it is the last, otherwise counted once per version and filter."""
    if not compiled.filtered and not compiled.grouped:
        return int(version.row_count or 0)
    if compiled.known_total is not None:
        return compiled.known_total
    if query.limit and returned < query.limit and (returned or query.offset == 0):
        return query.offset + returned
    # The file's name too: a version's id can come back after a deletion (SQLite reuses the
    # highest id), its file never does.
    stored = hashlib.sha256(version.parquet.encode()).hexdigest()[:16]
    key = f"datastore:total:{version.pk}:{stored}:{query.filter_key()}"
    total = cache.get(key)
    if total is None:
        result = run.fetch(compiled.count(), compiled.params[: compiled.base_params])
        total = int(result.rows[0][0])
        cache.set(key, total, timeout=24 * 3600)
    return int(total)
