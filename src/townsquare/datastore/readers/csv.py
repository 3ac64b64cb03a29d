"""CSV and other delimited text: encoding, dialect (delimiter, quoting, header) and ragged rows.

DuckDB's parallel reader does the work; every value is kept as text in the staged file (types
are decided later over whole columns). Empty fields stay empty strings here, so that the only
NULLs are the cells that short rows lack: that is how ragged rows are counted exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from townsquare.datastore import engine
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import IngestError
from townsquare.datastore.names import quote
from townsquare.datastore.readers import detect
from townsquare.datastore.readers.staged import Staged

# Never found in real data: with it as the null string, empty fields stay "".
_NO_NULL_STRING = "\x01townsquare-no-null\x01"
MAX_LINE_BYTES = 8 * 1024 * 1024


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    path, filename = detect.unwrap(path, filename, folder)
    if path.stat().st_size == 0:
        raise IngestError("The file is empty.")
    if detect.looks_binary(path):
        raise IngestError(
            "The file is not text: it holds binary data. Is it really a CSV file? "
            "(Excel files must keep their .xlsx name.)"
        )
    encoding = (options.get("encoding") or detect.detect_encoding(path)).lower()
    if encoding not in ("utf-8", "utf8"):
        path = detect.to_utf8(path, encoding, folder / "utf8.csv")
    con = engine.connect()
    try:
        dialect = _sniff(con, path, options)
        titles = _header(path, dialect)
        target = folder / "stage.parquet"
        header_width = len(titles)
        try:
            width = _copy(con, path, dialect, target, progress, parallel=True)
        except duckdb.Error as exc:
            if "parallel=false" not in str(exc):
                raise
            # Quoted line breaks with ragged rows: DuckDB reads those on one thread only.
            width = _copy(con, path, dialect, target, progress, parallel=False)
        titles += [f"Extra column {i + 1}" for i in range(width - header_width)]
        rows, ragged = _count(con, target, header_width, width)
    except duckdb.Error as exc:
        raise IngestError(_explain(exc)) from None
    finally:
        con.close()
    notes = {"encoding": encoding, "delimiter": dialect["delim"], "header": dialect["header"]}
    if ragged["short"] or ragged["long"]:
        notes["ragged_rows"] = ragged
    return Staged(target, titles, rows, notes=notes)


def _sniff(con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    arguments = ""
    if options.get("delimiter"):
        arguments = f", delim={literal(options['delimiter'])}"
    row = con.execute(
        "SELECT Delimiter, Quote, Escape, HasHeader FROM "
        f"sniff_csv({literal(str(path))}, sample_size=20480, max_line_size={MAX_LINE_BYTES}, "
        "null_padding=true"
        f"{arguments})"
    ).fetchone()
    assert row is not None
    delimiter, quote_char, escape, header = row

    def plain(value: str) -> str:
        return "" if value in ("(empty)", None) else value

    header = options.get("header", header)
    return {
        "delim": delimiter,
        "quote": plain(quote_char),
        "escape": plain(escape),
        "header": bool(header),
    }


def _copy(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    dialect: dict[str, Any],
    target: Path,
    progress: Callable[[float], None],
    parallel: bool,
) -> int:
    """Write the staged Parquet file; returns how many columns the file has."""
    reader = _reader(path, dialect, parallel)
    described = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    if not described:
        raise IngestError("The file has no columns.")
    columns = ", ".join(f"{quote(name)} AS c{i}" for i, name in enumerate(described))
    engine.execute_with_progress(
        con,
        f"COPY (SELECT {columns} FROM {reader}) TO {literal(str(target))} "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
        progress,
    )
    return len(described)


def _reader(path: Path, dialect: dict[str, Any], parallel: bool = True) -> str:
    return (
        f"read_csv({literal(str(path))}, delim={literal(dialect['delim'])}, "
        f"quote={literal(dialect['quote'])}, escape={literal(dialect['escape'])}, "
        f"header={str(dialect['header']).lower()}, all_varchar=true, null_padding=true, "
        f"nullstr={literal(_NO_NULL_STRING)}, max_line_size={MAX_LINE_BYTES}, sample_size=20480, "
        f"parallel={str(parallel).lower()})"
    )


def _records(path: Path, dialect: dict[str, Any], limit: int) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        text = io.StringIO(handle.read(1024 * 1024))
    reader = csv.reader(
        text,
        delimiter=dialect["delim"],
        quotechar=dialect["quote"] or None,
        escapechar=dialect["escape"] or None,
        quoting=csv.QUOTE_MINIMAL if dialect["quote"] else csv.QUOTE_NONE,
    )
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass  # a quoted field running past the sample: what was read is enough
    return records or [[]]


def _header(path: Path, dialect: dict[str, Any]) -> list[str]:
    first = _records(path, dialect, 1)[0]
    if dialect["header"]:
        return [title.strip() for title in first]
    return [f"Column {i + 1}" for i in range(len(first))]


def _count(
    con: duckdb.DuckDBPyConnection, target: Path, header_width: int, width: int
) -> tuple[int, dict[str, int]]:
    source = f"read_parquet({literal(str(target))})"
    short = f"count(*) FILTER (WHERE c{header_width - 1} IS NULL)" if header_width else "0"
    extra = [f"c{i} IS NOT NULL" for i in range(header_width, width)]
    long_rows = f"count(*) FILTER (WHERE {' OR '.join(extra)})" if extra else "0"
    row = con.execute(f"SELECT count(*), {short}, {long_rows} FROM {source}").fetchone()
    assert row is not None
    return int(row[0]), {"short": int(row[1]), "long": int(row[2])}


def _explain(exc: duckdb.Error) -> str:
    message = str(exc).split("\n", 1)[0]
    if "Maximum line size" in message:
        return (
            f"A line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB. Is this really a CSV "
            "file, with line breaks between rows?"
        )
    if "Invalid unicode" in message or "UTF" in message:
        return "The file is not valid UTF-8 further in; choose its encoding and ingest again."
    return f"The file could not be read as CSV: {message}"
