"""The word index of a data version, for the records query's ``q``: which values of each text
column hold each word. Built at ingest from each text column's distinct values and stored
beside the Parquet file (``words.parquet``: word, column, value, sorted by word); ``q`` then
becomes ``column IN (values)`` conditions, which DuckDB answers from the Parquet file's
dictionary-encoded columns and their statistics instead of reading and splitting every value
of every row.

Words are what SQLite's FTS5 (``unicode61``) calls tokens: runs of letters and digits, compared
without case and accents, so "N14228", "jfk" and "Zürich" are words and "UA" does not match
"N839UA". A column with more than ``MAX_VALUES`` distinct values (free text, identifiers), or
past the first ``INDEXED_COLUMNS`` text columns, of a table wider than ``engine.WIDE`` columns,
or not profiled, is not indexed: its values are split at query time, into the same words, and
the index says so.
A version ingested before the index existed is searched the same way, every text column split
at query time: the answers are the same, only slower.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from townsquare.datastore import engine, files
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import QueryError
from townsquare.datastore.names import quote
from townsquare.datastore.query.cache import answers

SPLIT = r"[^\p{L}\p{N}]+"  # RE2, in DuckDB
WORD = re.compile(r"[\W_]+")  # the same in Python's re
MAX_VALUES = 200_000  # distinct values of a column beyond which it is split at query time
INDEXED_COLUMNS = 200  # very wide tables: the first 200 text columns are indexed
MAX_WORDS = 10
SCANNED = ""  # the word of a row that says: this column is not indexed, split it at query time
NAME = "words.parquet"


def split(expression: str) -> str:
    """SQL: the words of a text expression (empty strings included: filter them out)."""
    return f"regexp_split_to_array(lower(strip_accents({expression})), '{SPLIT}')"


def build(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[dict[str, Any]],
    profile: dict[str, Any],
    target: Path,
) -> Path | None:
    """Write the index of the text ``fields`` of ``table``; None when there are none. The
    profile's distinct counts say which columns are indexed."""
    text = [f["name"] for f in fields if f.get("type") == "string"]
    if not text:
        return None
    con.execute(
        'CREATE OR REPLACE TEMP TABLE words_found (word VARCHAR, "column" VARCHAR, value VARCHAR, '
        "n BIGINT)"
    )
    try:
        scanned = []
        for place, name in enumerate(text):
            distinct = profile.get("columns", {}).get(name, {}).get("distinct")
            wide = len(fields) > engine.WIDE  # its schema is read anew for each column scan
            if wide or place >= INDEXED_COLUMNS or distinct is None or distinct > MAX_VALUES:
                scanned.append(name)
                continue
            _add_column(con, table, name)
        con.execute(
            "INSERT INTO words_found SELECT ?, unnest(?::VARCHAR[]), NULL, NULL",
            [SCANNED, scanned],
        )
        con.execute(
            'COPY (SELECT * FROM words_found ORDER BY word, "column", value) TO '  # noqa: S608
            f"{literal(str(target))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20480)"
        )
    finally:
        con.execute("DROP TABLE IF EXISTS words_found")
    return target


def _add_column(con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
    """The words of one column's distinct values, with each value's rows."""
    column = quote(name)
    con.execute(
        "INSERT INTO words_found SELECT DISTINCT word, ?, value, n FROM (SELECT "  # noqa: S608
        f"unnest({split('value')}) AS word, value, n FROM (SELECT {column} AS value, "
        f"count(*) AS n FROM {table} WHERE {column} IS NOT NULL GROUP BY 1)) "
        "WHERE word <> ''",
        [name],
    )


@dataclass
class Found:
    """The words of a ``q`` and, per word, the values of each indexed column that hold it."""

    words: list[str]
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    scanned: list[str] | None = None  # columns split at query time; None: all of them
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # word → column → rows

    def total(self, text_columns: list[str]) -> int | None:
        """The rows matching, when the index alone tells: one word, held in one column, every
        text column indexed (a row is then counted once)."""
        if len(self.words) != 1 or self.scanned is None:
            return None
        if any(c in self.scanned for c in text_columns):
            return None
        held = {c: n for c, n in self.rows.get(self.words[0], {}).items() if c in text_columns}
        if len(held) > 1:
            return None
        return sum(held.values())


def asked(text: str) -> list[str]:
    """The distinct words of ``q``, in order, split as ``split`` splits values: accents
    dropped (canonical decomposition, marks removed), lower case, runs of letters and digits
    (Python's ``[^\\W_]`` is Unicode's letters and numbers, as ``\\p{L}\\p{N}`` is)."""
    if len(text.split()) > MAX_WORDS:
        raise QueryError(f"q takes at most {MAX_WORDS} words.", field="q")
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    words = list(dict.fromkeys(w for w in WORD.split(plain.lower()) if w))
    if len(words) > MAX_WORDS:
        raise QueryError(f"q takes at most {MAX_WORDS} words.", field="q")
    return words


SMALL_INDEX = 2 * 1024 * 1024  # bytes: an index this small is read whole, once per process


def lookup(con: duckdb.DuckDBPyConnection, stored: str, text: str) -> Found:
    """The words of ``q`` looked up in the stored index (``stored``: its name, or empty). A
    version's index never changes: a small one is read whole once, a larger one's words as they
    are asked, and remembered in this process (within the answers' memory,
    TOWNSQUARE_DATASTORE_RESULT_CACHE_MB)."""
    found = Found(asked(text))
    if not stored or not found.words:
        return found
    entries = _entries(con, stored, [SCANNED, *found.words])
    found.scanned = [column for column, _, _ in entries[SCANNED]]
    for word in found.words:
        for column, value, rows in entries[word]:
            found.values.setdefault(word, {}).setdefault(column, []).append(value)
            held = found.rows.setdefault(word, {})
            held[column] = held.get(column, 0) + int(rows)
    return found


Entry = tuple[str, Any, Any]  # column, value, rows


def _entries(
    con: duckdb.DuckDBPyConnection, stored: str, asked: list[str]
) -> dict[str, list[Entry]]:
    whole = answers.get(("words", stored))
    if isinstance(whole, dict):
        return {w: whole.get(w, []) for w in asked}
    path = files.local_path(stored)
    if path.stat().st_size <= SMALL_INDEX:
        index = _read(con, path, None)
        answers.put(("words", stored), index, 20 * path.stat().st_size + 1000)
        return {w: index.get(w, []) for w in asked}
    found = {w: answers.get(("words", stored, w)) for w in asked}
    missing = [w for w, e in found.items() if e is None]
    if missing:
        read = _read(con, path, missing)
        for word in missing:
            found[word] = read.get(word, [])
            size = 100 + sum(len(str(v)) + 60 for _, v, _ in found[word] or [])
            answers.put(("words", stored, word), found[word], size)
    return {w: e or [] for w, e in found.items()}


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, only: list[str] | None
) -> dict[str, list[Entry]]:
    where = f"WHERE word IN ({', '.join('?' for _ in only)})" if only else ""
    rows = con.execute(
        f'SELECT word, "column", value, n FROM read_parquet({literal(str(path))}) {where}',  # noqa: S608
        only or [],
    ).fetchall()
    index: dict[str, list[Entry]] = {}
    for word, column, value, count in rows:
        index.setdefault(word, []).append((column, value, count))
    return index
