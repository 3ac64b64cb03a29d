"""Excel (xlsx, xls) and OpenDocument spreadsheets: the first sheet, or the one chosen."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from townsquare.datastore.engine import literal
from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers.staged import Staged

BATCH_ROWS = 10_000


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001  (calamine raises its own error types)
        raise IngestError(f"The spreadsheet could not be opened: {exc}") from None
    wanted = options.get("sheet")
    if wanted and wanted not in workbook.sheet_names:
        raise IngestError(
            f"There is no sheet {wanted!r}; the sheets are: {', '.join(workbook.sheet_names)}."
        )
    sheet = workbook.get_sheet_by_name(wanted) if wanted else workbook.get_sheet_by_index(0)
    rows = _rows(sheet.iter_rows())
    header = next(rows, None)
    if header is None or not any(header):
        raise IngestError(f"The sheet {sheet.name!r} is empty.")
    width = max(len(header), sheet.width)  # cells right of the last title are kept too
    header += [""] * (width - len(header))
    header = [title or f"Column {i + 1}" for i, title in enumerate(header)]
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(width)])
    target = folder / "stage.parquet"
    total = max(sheet.height - 1, 1)
    count = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in _batches(rows, width):
            writer.write_batch(pa.record_batch(batch, schema=schema))
            count += len(batch[0]) if batch else 0
            progress(100 * count / total)
    notes = {"sheet": sheet.name, "sheets": list(workbook.sheet_names)}
    return Staged(
        f"read_parquet({literal(str(target))})",
        [str(title).strip() for title in header],
        notes=notes,
    )


def _rows(source: Iterator[list[Any]]) -> Iterator[list[str]]:
    for row in source:
        yield [_text(value) for value in row]


def _batches(rows: Iterator[list[str]], width: int) -> Iterator[list[list[str | None]]]:
    columns: list[list[str | None]] = [[] for _ in range(width)]
    for row in rows:
        if not any(row):
            continue  # blank rows between and after the data
        for index in range(width):
            columns[index].append(row[index] if index < len(row) else None)
        if len(columns[0]) >= BATCH_ROWS:
            yield columns
            columns = [[] for _ in range(width)]
    if columns and columns[0]:
        yield columns


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return "" if value is None else str(value)
