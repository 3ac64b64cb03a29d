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
        'CREATE OR REPLACE TEMP TABLE words_found (word VARCHAR, "column" VARCHAR, value VARCHAR)'
    )
    try:
        scanned = []
        for place, name in enumerate(text):
            distinct = profile.get("columns", {}).get(name, {}).get("distinct")
            wide = len(fields) > engine.WIDE  # its schema is read anew for each column scan
            if wide or place >= INDEXED_COLUMNS or distinct is None or distinct > MAX_VALUES:
                scanned.append(name)
                continue
            column = quote(name)
            con.execute(
                "INSERT INTO words_found SELECT DISTINCT word, ?, value FROM (SELECT "  # noqa: S608
                f"unnest({split('value')}) AS word, value FROM (SELECT DISTINCT {column} AS value "
                f"FROM {table} WHERE {column} IS NOT NULL)) WHERE word <> ''",
                [name],
            )
        con.execute(
            "INSERT INTO words_found SELECT ?, unnest(?::VARCHAR[]), NULL", [SCANNED, scanned]
        )
        con.execute(
            'COPY (SELECT * FROM words_found ORDER BY word, "column", value) TO '  # noqa: S608
            f"{literal(str(target))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20480)"
        )
    finally:
        con.execute("DROP TABLE IF EXISTS words_found")
    return target


@dataclass
class Found:
    """The words of a ``q`` and, per word, the values of each indexed column that hold it."""

    words: list[str]
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    scanned: list[str] | None = None  # columns split at query time; None: all of them


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


def lookup(con: duckdb.DuckDBPyConnection, stored: str, text: str) -> Found:
    """The words of ``q`` looked up in the stored index (``stored``: its name, or empty). A
    version's index never changes: each word's entries are remembered in this process (within
    the answers' memory, TOWNSQUARE_DATASTORE_RESULT_CACHE_MB)."""
    found = Found(asked(text))
    if not stored or not found.words:
        return found
    entries: dict[str, list[tuple[str, Any]]] = {}
    for word in [SCANNED, *found.words]:
        remembered = answers.get(("words", stored, word))
        if remembered is not None:
            entries[word] = remembered
    missing = [w for w in [SCANNED, *found.words] if w not in entries]
    if missing:
        path = literal(str(files.local_path(stored)))
        marks = ", ".join("?" for _ in missing)
        rows = con.execute(
            f'SELECT word, "column", value FROM read_parquet({path}) '  # noqa: S608
            f"WHERE word IN ({marks})",
            missing,
        ).fetchall()
        for word in missing:
            entries[word] = []
        for word, column, value in rows:
            entries[word].append((column, value))
        for word in missing:
            size = 100 + sum(len(str(v)) + 50 for _, v in entries[word])
            answers.put(("words", stored, word), entries[word], size)
    found.scanned = [column for column, _ in entries[SCANNED]]
    for word in found.words:
        for column, value in entries[word]:
            found.values.setdefault(word, {}).setdefault(column, []).append(value)
    return found
