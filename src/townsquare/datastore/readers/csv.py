"""CSV and other delimited text: encoding, dialect (delimiter, quoting, header), width.

DuckDB's parallel reader reads the file itself, every value as text (types are decided over
whole columns later). Empty fields stay empty strings, so that the only NULLs are the cells
that short rows lack: that is how ragged rows are counted exactly.
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
from townsquare.datastore.readers import detect
from townsquare.datastore.readers.staged import Staged

# Never found in real data: with it as the null string, empty fields stay "".
_NO_NULL_STRING = "\x01townsquare-no-null\x01"
MAX_LINE_BYTES = 8 * 1024 * 1024
# DuckDB's buffer defaults to 16 lines of the longest size: 128 MB, a whole file of less than
# that read by one thread. Two lines' worth keeps lines of up to 8 MB readable and the reader
# parallel (flights: 0.34 s instead of 0.49 s to Parquet).
BUFFER_BYTES = 2 * MAX_LINE_BYTES


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    path, filename = detect.unwrap(path, filename, folder)
    _check_text(path)
    encoding = (options.get("encoding") or detect.detect_encoding(path)).lower()
    if encoding not in ("utf-8", "utf8"):
        path = detect.to_utf8(path, encoding, folder / "utf8.csv")
    if detect.mixed_line_endings(path):  # DuckDB reads one kind of line break per file
        path = detect.to_lf(path, folder / "lf.csv")
    con = engine.connect()
    try:
        dialect = _sniff(con, path, options)
    except duckdb.Error as exc:
        raise IngestError(explain(exc)) from None
    finally:
        con.close()
    titles = _header(path, dialect)
    width = max(dialect["width"], len(titles), int(options.get("width") or 0))
    header_width = len(titles)
    titles += [f"Extra column {i + 1}" for i in range(width - header_width)]
    notes = {"encoding": encoding, "delimiter": dialect["delim"], "header": dialect["header"]}
    return Staged(
        relation=_reader(path, dialect, width, parallel=True),
        titles=titles,
        header_width=header_width,
        serial_relation=_reader(path, dialect, width, parallel=False),
        notes=notes,
        widen=lambda: stage(
            path, filename, folder, {**options, "width": _widest(path, dialect)}, progress
        ),
    )


def _check_text(path: Path) -> None:
    """Refuse a file that holds no text: empty, or binary."""
    if path.stat().st_size == 0:
        raise IngestError("The file is empty.")
    if detect.looks_binary(path):
        raise IngestError(
            "The file is not text: it holds binary data. Is it really a CSV file? "
            "(Excel files must keep their .xlsx name.)"
        )


def _widest(path: Path, dialect: dict[str, Any]) -> int:
    """The most fields any row of the file has (read through once, only when a row far in is
    wider than the rows the sniffer looked at)."""
    widest = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(
            handle,
            delimiter=dialect["delim"],
            quotechar=dialect["quote"] or None,
            escapechar=dialect["escape"] or None,
            quoting=csv.QUOTE_MINIMAL if dialect["quote"] else csv.QUOTE_NONE,
        )
        try:
            for record in reader:
                widest = max(widest, len(record))
        except csv.Error:
            pass
    return widest


def _sniff(con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    arguments = ""
    if options.get("delimiter"):
        arguments = f", delim={literal(options['delimiter'])}"
    row = con.execute(
        "SELECT Delimiter, Quote, Escape, HasHeader, len(Columns) FROM "
        f"sniff_csv({literal(str(path))}, sample_size=20480, max_line_size={MAX_LINE_BYTES}, "
        f"buffer_size={BUFFER_BYTES}, null_padding=true{arguments})"
    ).fetchone()
    assert row is not None
    delimiter, quote_char, escape, header, width = row

    def plain(value: str) -> str:
        return "" if value in ("(empty)", None) else value

    header = options.get("header", header)
    return {
        "delim": delimiter,
        "quote": plain(quote_char),
        "escape": plain(escape),
        "header": bool(header),
        "width": int(width or 0),
    }


def _reader(path: Path, dialect: dict[str, Any], width: int, parallel: bool) -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    return (
        f"read_csv({literal(str(path))}, auto_detect=false, delim={literal(dialect['delim'])}, "
        f"quote={literal(dialect['quote'])}, escape={literal(dialect['escape'])}, "
        f"header={str(dialect['header']).lower()}, columns={columns}, null_padding=true, "
        f"nullstr={literal(_NO_NULL_STRING)}, max_line_size={MAX_LINE_BYTES}, "
        f"buffer_size={BUFFER_BYTES}, parallel={str(parallel).lower()})"
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


def explain(exc: duckdb.Error) -> str:
    full = str(exc)
    message = full.split("\n", 1)[0]
    if "Maximum line size" in full or "line size" in full.lower():
        return (
            f"A line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB. Is this really a CSV "
            "file, with line breaks between rows?"
        )
    if "Invalid unicode" in full or "UTF-8" in message:
        return "The file is not valid UTF-8 further in; choose its encoding and ingest again."
    if "Expected Number of Columns" in message or "columns" in message.lower():
        return f"A row has more fields than the rows before it: {message}"
    return f"The file could not be read as CSV: {message}"
