"""Reading and writing the inventory as CSV or XLSX (towns keep inventories in spreadsheets).
Rows are numbered as a spreadsheet shows them: the header is line 1."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

from townsquare.core.errors import DomainError

MAX_ROWS = 20_000
MAX_UNPACKED = 100 * 1024**2
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SheetError(DomainError):
    """The file cannot be read as an inventory at all."""


def read(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows (with their line numbers) of a CSV or XLSX file; blank rows are
    skipped."""
    if not content.strip():
        raise SheetError("The file is empty.", field="file")
    if filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    numbered = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not numbered:
        raise SheetError("The file is empty.", field="file")
    (_, header), body = numbered[0], numbered[1:]
    if len(body) > MAX_ROWS:
        raise SheetError(f"The file has more than {MAX_ROWS:,} rows.", field="file")
    return header, body


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise SheetError("The file is not text: save it as CSV (UTF-8) or XLSX.") from None
    if "\0" in text:
        raise SheetError("The file is not text: save it as CSV (UTF-8) or XLSX.", field="file")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        line = 1
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SheetError(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from None
    return rows


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    _check_unpacked(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError("The file cannot be read as an XLSX workbook.", field="file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > MAX_ROWS + 1:
                raise SheetError(f"The file has more than {MAX_ROWS:,} rows.", field="file")
            rows.append((line, [_cell_text(value) for value in values]))
        return rows
    finally:
        workbook.close()


def _check_unpacked(content: bytes) -> None:
    """A workbook is a zip archive: one that would unpack to more than an inventory can hold
    (a zip bomb) is refused before it is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise SheetError("The file cannot be read as an XLSX workbook.", field="file") from None
    if unpacked > MAX_UNPACKED:
        raise SheetError(
            f"The workbook would unpack to more than {MAX_UNPACKED // 1024**2} MB: "
            "no inventory is that large.",
            field="file",
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMULA = ("=", "+", "-", "@")


def write(header: list[str], rows: Iterable[list[Any]], file_format: str) -> bytes:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a title) stays
    text: an XLSX cell typed as text, a CSV value after an apostrophe (which the import drops)."""
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Inventory")
        sheet.append(header)
        for row in rows:
            sheet.append([_text_cell(sheet, value) for value in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA) else v for v in row]
        )
    return buffer.getvalue().encode("utf-8")


def _formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA)


def _text_cell(sheet: Any, value: Any) -> Any:
    if not _formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
