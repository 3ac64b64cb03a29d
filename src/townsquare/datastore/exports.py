"""Exports of the published data, whole or of a query: CSV, JSON, NDJSON, GeoJSON, XLSX, Parquet.

Files are written by DuckDB's own writers where it has one (CSV, JSON, NDJSON, Parquet) and
otherwise from batches of 20,000 rows (geometry as WKT or GeoJSON, XLSX), so memory stays
bounded whatever the size. A whole-dataset export is kept beside the version's Parquet file
and served again until the version changes; a query's export is written to scratch space,
streamed, and removed.
"""

from __future__ import annotations

import datetime
import math
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.core.files.storage import default_storage

from townsquare.core.cells import FORMULA_STARTS, neutralize
from townsquare.datastore import files
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import QueryError
from townsquare.datastore.models import DataVersion
from townsquare.datastore.names import quote
from townsquare.datastore.query import output, run
from townsquare.datastore.query.reads import TYPES, compile_for
from townsquare.datastore.query.records import Column, Compiled, RecordsQuery

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header
BATCH = 20_000


@dataclass
class Export:
    handle: IO[bytes]
    name: str  # the file name offered to the browser
    content_type: str
    etag: str
    size: int | None


def etag_for(version: DataVersion, form: str, query: RecordsQuery | None) -> str:
    """From the version's content hash and number (a re-ingest keeps the hash), the format and
    the query: the same export of the same version has the same tag."""
    parts = [version.content_hash[:24] or "none", f"v{version.number}", form]
    if query is not None:
        parts.append(query.key()[:16])
    return '"' + "-".join(parts) + '"'


def check_format(form: str) -> None:
    if form not in CONTENT_TYPES:
        raise QueryError(
            f"Unknown export format {form!r}; use one of: {', '.join(CONTENT_TYPES)}.",
            field="format",
        )


def export(version: DataVersion, form: str, query: RecordsQuery | None) -> Export:
    """The export as an open file; the caller has checked that the reader may read it.
    ``query`` None: the whole dataset, written once per version and kept."""
    check_format(form)
    etag = etag_for(version, form, query)
    slug = version.dataset.slug
    compiled = compile_for(version, query or RecordsQuery(), want_geometry=form == "geojson")
    if query is None:
        stored = _cached(version, form, compiled)
        cached: IO[bytes] = default_storage.open(stored, "rb")
        name = f"{slug}.{form}"
        return Export(cached, name, CONTENT_TYPES[form], etag, default_storage.size(stored))
    if query.limit or query.offset:
        limit = f" LIMIT {int(query.limit)}" if query.limit else ""
        compiled.order += f"{limit} OFFSET {int(query.offset)}"
    path = _write(compiled, form, version)
    handle = path.open("rb")
    size = path.stat().st_size
    path.unlink()  # the open handle keeps the content until it is closed
    return Export(handle, f"{slug}-query.{form}", CONTENT_TYPES[form], etag, size)


def _cached(version: DataVersion, form: str, compiled: Compiled) -> str:
    """The stored whole-dataset export, written on first request."""
    target = f"{os.path.dirname(version.parquet)}/exports/{version.dataset.slug}.{form}"
    if default_storage.exists(target):
        return target
    path = _write(compiled, form, version)
    try:
        stored = files.save(path, target)
    finally:
        path.unlink(missing_ok=True)
    if stored != target:  # another request stored it meanwhile: keep one
        files.delete(stored)
    return target


def _write(compiled: Compiled, form: str, version: DataVersion) -> Path:
    scratch = Path(settings.DATA_DIR) / "tmp" / "exports"
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / f"{uuid.uuid4().hex}.{form}"
    con = run.cursor()
    try:
        with run.time_limit(con, settings.DATASTORE_EXPORT_SECONDS):
            types = _types(con, compiled)
            if form == "xlsx":
                _check_xlsx_rows(con, compiled, version)
            if form == "parquet" or (form in ("csv", "json", "ndjson") and not compiled.geometry):
                _copy(con, compiled, types, form, path)
            else:
                _write_batches(con, compiled, types, form, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    return path


def _types(con: Any, compiled: Compiled) -> list[str]:
    result = con.execute(f"{compiled.base} LIMIT 0", compiled.params[: compiled.base_params])
    types = [str(d[1]) for d in result.description or []]
    result.fetchall()  # finish the result before the next statement
    return types


def _check_xlsx_rows(con: Any, compiled: Compiled, version: DataVersion) -> None:
    if not compiled.filtered and not compiled.grouped:
        rows = int(version.row_count or 0)
    else:
        counted = con.execute(compiled.count(), compiled.params[: compiled.base_params])
        rows = counted.fetchall()[0][0]
    if rows > XLSX_MAX_ROWS:
        raise QueryError(
            f"{rows:,} rows do not fit in a spreadsheet (at most {XLSX_MAX_ROWS:,}); export CSV "
            "or Parquet, or narrow the export with where.",
            field="format",
        )


def _copy(con: Any, compiled: Compiled, types: list[str], form: str, path: Path) -> None:
    """DuckDB's own writer. In CSV, text that a spreadsheet would run as a formula is quoted."""
    selects = []
    for column, kind in zip(compiled.columns, types, strict=True):
        name = quote(column.name)
        if form == "csv" and kind == "VARCHAR":
            value = (
                f"CASE WHEN left({name}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                f"THEN '''' || {name} ELSE {name} END"
            )
        else:
            value = name
        label = neutralize(column.name) if form == "csv" else column.name
        selects.append(f"{value} AS {quote(label)}")
    options = {
        "csv": "FORMAT csv, HEADER true",
        "json": "FORMAT json, ARRAY true",
        "ndjson": "FORMAT json",
        "parquet": "FORMAT parquet, COMPRESSION zstd",
    }[form]
    sql = f"COPY (SELECT {', '.join(selects)} FROM ({compiled.all()}) AS q) TO {literal(str(path))} ({options})"  # noqa: S608, E501 - checked SQL, quoted names
    con.execute(sql, compiled.params)


def _rows(con: Any, compiled: Compiled) -> Iterator[list[tuple[Any, ...]]]:
    reader = con.sql(compiled.all(), params=compiled.params).to_arrow_reader(BATCH)
    for batch in reader:
        columns = [column.to_pylist() for column in batch.columns]
        yield list(zip(*columns, strict=True))


def _write_batches(con: Any, compiled: Compiled, types: list[str], form: str, path: Path) -> None:
    columns = [
        c if c.type else Column(c.name, c.title, TYPES.get(kind.split("(")[0], "string"))
        for c, kind in zip(compiled.columns, types, strict=True)
    ]
    if form == "xlsx":
        _xlsx(columns, _rows(con, compiled), path)
        return
    with path.open("wb") as target:
        if form == "csv":
            rows = (row for batch in _rows(con, compiled) for row in batch)
            for chunk in output.csv_lines(columns, rows):
                target.write(chunk.encode())
        elif form == "geojson":
            target.write(b'{"type":"FeatureCollection","features":[')
            first = True
            for batch in _rows(con, compiled):
                for feature in output.features(columns, batch):
                    target.write(feature if first else b"," + feature)
                    first = False
            target.write(b"]}")
        else:  # json or ndjson with geometry as GeoJSON objects
            _json_lines(columns, _rows(con, compiled), target, array=form == "json")


def _json_lines(
    columns: list[Column],
    batches: Iterator[list[tuple[Any, ...]]],
    target: IO[bytes],
    *,
    array: bool,
) -> None:
    names = [c.name for c in columns]
    where = [i for i, c in enumerate(columns) if c.geometry]
    target.write(b"[\n" if array else b"")
    first = True
    for batch in batches:
        table = [list(row) for row in batch]
        for index in where:
            shapes = output.geometries_as_geojson([row[index] for row in table])
            for row, shape in zip(table, shapes, strict=True):
                row[index] = shape
        for row in table:
            line = output.dumps(dict(zip(names, row, strict=True)))
            if array:
                target.write(line if first else b",\n" + line)
            else:
                target.write(line + b"\n")
            first = False
    target.write(b"\n]\n" if array else b"")


def _xlsx(columns: list[Column], batches: Iterator[list[tuple[Any, ...]]], path: Path) -> None:
    """One worksheet, written row by row (constant memory). Text is always text, never a
    formula or link; text that starts like a formula is also marked quote-prefixed, as
    Excel does for a typed leading apostrophe."""
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": scratch,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        sheet = book.add_worksheet("data")
        bold = book.add_format({"bold": True})
        quoted = book.add_format({"quote_prefix": True})
        moments = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.name, bold)
        geometry = [i for i, c in enumerate(columns) if c.geometry]
        row_number = 1
        for batch in batches:
            table = [list(row) for row in batch]
            for index in geometry:
                for row, text in zip(
                    table, output.geometries_as_wkt([r[index] for r in table]), strict=True
                ):
                    row[index] = text
            for row in table:
                for index, value in enumerate(row):
                    _cell(sheet, row_number, index, value, quoted, moments)
                row_number += 1
        book.close()


def _cell(sheet: Any, row: int, col: int, value: Any, quoted: Any, moments: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            sheet.write_string(row, col, value, quoted)
        else:
            sheet.write_string(row, col, value)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value, moments)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()))
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return  # spreadsheets have no NaN or infinity: an empty cell
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))
