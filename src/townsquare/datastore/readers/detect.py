"""What kind of file is this? From the reader option if the steward gave one, else from the
first bytes and the file name. And: which text encoding, and unwrapping of gzip and zip."""

from __future__ import annotations

import codecs
import gzip
import json
import shutil
import zipfile
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings

from townsquare.datastore.errors import IngestError

FORMATS = ("csv", "xlsx", "json", "ndjson", "geojson", "shapefile", "parquet")
SAMPLE_BYTES = 4 * 1024 * 1024
# Bytes that Windows-1252 leaves undefined: a text holding them is not Windows-1252.
_CP1252_UNDEFINED = set(b"\x81\x8d\x8f\x90\x9d")


def detect_format(path: Path, filename: str, declared: str = "") -> str:
    if declared:
        if declared not in FORMATS:
            raise IngestError(f"Unknown format {declared!r}; choose one of {', '.join(FORMATS)}.")
        return declared
    head = _head(path, 8192)
    name = filename.lower()
    if not head:
        raise IngestError("The file is empty.")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return "xlsx"
    if name.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    if name.endswith((".json", ".geojson")) or head.lstrip()[:1] in (b"[", b"{"):
        return _json_format(path, head)
    return "csv"


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.lower() for n in archive.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile:
        raise IngestError("The file looks like a zip archive but cannot be opened.") from None
    if "[content_types].xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.endswith(".shp") for n in names):
        return "shapefile"
    return "csv"  # a zipped text table; unwrap() picks the file


def _json_format(path: Path, head: bytes) -> str:
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text[:1] == b"[":
        return "json"
    if b'"FeatureCollection"' in head or b'"Feature"' in head:
        return "geojson"
    first_line = text.split(b"\n", 1)[0]
    try:
        json.loads(first_line)
        return "ndjson"
    except ValueError:
        return "json"


def looks_binary(path: Path) -> bool:
    """A text table has no NUL bytes (unless it is UTF-16, which has a byte-order mark)."""
    head = _head(path, 65536)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def detect_encoding(path: Path) -> str:
    """utf-8, utf-16, windows-1252 or latin-1, judged on the first few megabytes."""
    head = _head(path, SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _CP1252_UNDEFINED.isdisjoint(head):
        return "windows-1252"
    return "latin-1"


def to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """A UTF-8 copy of a text file, converted in chunks (bounded memory)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise IngestError(f"Unknown text encoding {encoding!r}.") from None
    try:
        with (
            path.open(encoding=encoding, errors="strict", newline="") as source,
            target.open("w", encoding="utf-8", newline="") as out,
        ):
            while chunk := source.read(1024 * 1024):
                out.write(chunk.lstrip("\ufeff") if out.tell() == 0 else chunk)
    except UnicodeError as exc:
        where = (
            f" (byte {exc.start} of a chunk cannot be read)"
            if isinstance(exc, UnicodeDecodeError)
            else ""
        )
        raise IngestError(
            f"The file is not valid {encoding}{where}. Choose the right encoding and ingest again."
        ) from None
    return target


def mixed_line_endings(path: Path) -> bool:
    """Some lines end with CR LF and others with LF (or CR alone), judged on the start and the
    end of the file."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        if size > SAMPLE_BYTES:
            handle.seek(max(size - 1024 * 1024, SAMPLE_BYTES))
            sample += b"\n" + handle.read()
    windows = sample.count(b"\r\n")
    unix = sample.count(b"\n") - windows - (1 if size > SAMPLE_BYTES else 0)
    old_mac = sample.count(b"\r") - windows
    return sum(1 for kind in (windows, unix, old_mac) if kind > 0) > 1


def to_lf(path: Path, target: Path) -> Path:
    """A copy whose line breaks are all LF, converted in chunks (a CR LF cut between two
    chunks is caught)."""
    with path.open("rb") as source, target.open("wb") as out:
        carry = b""
        while chunk := source.read(1024 * 1024):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            if carry:
                chunk = chunk[:-1]
            out.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        if carry:
            out.write(b"\n")
    return target


def unwrap(path: Path, filename: str, folder: Path) -> tuple[Path, str]:
    """A gzip- or zip-wrapped text file, unpacked (within the size limit); others unchanged."""
    head = _head(path, 4)
    if head.startswith(b"\x1f\x8b"):
        inner = filename[:-3] if filename.lower().endswith(".gz") else f"{filename}.csv"
        with gzip.open(path, "rb") as source:
            cap = _unpack_cap(path.stat().st_size, folder)
            return _copy_limited(source, folder / "unpacked", cap), inner
    if head.startswith(b"PK\x03\x04") and _zip_format(path) == "csv":
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
            tables = [i for i in members if i.filename.lower().endswith((".csv", ".tsv", ".txt"))]
            chosen = tables or members
            if len(chosen) != 1:
                raise IngestError(
                    "The zip archive should hold one CSV file; it holds "
                    f"{len(chosen)}: {', '.join(i.filename for i in chosen[:5])}."
                )
            cap = min(chosen[0].file_size, _unpack_cap(chosen[0].compress_size, folder))
            with archive.open(chosen[0]) as source:
                return _copy_limited(source, folder / "unpacked", cap), chosen[0].filename
    return path, filename


def _hidden(name: str) -> bool:
    return name.startswith("__MACOSX/") or Path(name).name.startswith(".")


def check_archive(path: Path) -> None:
    """Refuse a zip archive (a zipped table, Shapefile or spreadsheet) whose members declare
    more than the portal unpacks, or unpack to many times their compressed size (a zip bomb),
    before anything is unpacked."""
    if _head(path, 4) != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        raise IngestError("The file looks like a zip archive but cannot be opened.") from None
    limit, ratio = settings.DATASTORE_MAX_UNPACKED_BYTES, settings.DATASTORE_MAX_UNPACK_RATIO
    total = sum(i.file_size for i in members)
    if total > limit:
        raise IngestError(_too_big(f"would unpack to {_mb(total)}", limit))
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ratio * max(
            member.compress_size, 1
        ):
            raise IngestError(
                f"The archive's {member.filename!r} would unpack to {_mb(member.file_size)}, "
                f"{member.file_size // max(member.compress_size, 1):,} times its packed size: "
                f"more than the {ratio} times this portal unpacks "
                "(TOWNSQUARE_DATASTORE_MAX_UNPACK_RATIO), as a zip bomb would."
            )


def _unpack_cap(packed: int, folder: Path) -> int:
    """The most a packed stream may unpack to: the portal's limit, its ratio to the packed
    size, and what the scratch disk can hold (keeping a reserve free)."""
    free = shutil.disk_usage(folder).free - DISK_RESERVE
    ratio = settings.DATASTORE_MAX_UNPACK_RATIO * max(packed, 1)
    return max(0, min(settings.DATASTORE_MAX_UNPACKED_BYTES, max(ratio, 1024 * 1024), free))


DISK_RESERVE = 512 * 1024 * 1024  # an unpacked file never leaves less free on the scratch disk


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _too_big(what: str, limit: int) -> str:
    return (
        f"The archive {what}, more than this portal's limit of {_mb(limit)} "
        "(TOWNSQUARE_DATASTORE_MAX_UNPACKED_BYTES)."
    )


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _copy_limited(source: _Readable, target: Path, cap: int) -> Path:
    """Unpack ``source`` into ``target``, stopping (and removing what was written) as soon as
    it passes ``cap``."""
    written = 0
    try:
        with target.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > cap:
                    raise IngestError(
                        f"The archive unpacks to more than {_mb(cap)}: more than this portal "
                        "unpacks for a file of its size (TOWNSQUARE_DATASTORE_MAX_UNPACKED_BYTES, "
                        "TOWNSQUARE_DATASTORE_MAX_UNPACK_RATIO) or than the disk can hold."
                    )
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def copy_stream(source: IO[bytes], target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)


# Names of files that are tables (read into the data table) rather than documents.
TABLE_SUFFIXES = (
    ".csv", ".tsv", ".tab", ".psv", ".xlsx", ".xlsm", ".xls", ".ods", ".json", ".geojson",
    ".ndjson", ".jsonl", ".parquet", ".csv.gz", ".tsv.gz", ".ndjson.gz", ".jsonl.gz",
)  # fmt: skip
TABLE_MEDIA_TYPES = (
    "text/csv", "text/tab-separated-values", "application/json", "application/geo+json",
    "application/x-ndjson", "application/vnd.apache.parquet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet",
)  # fmt: skip


def is_table(name: str, handle: IO[bytes] | None = None, media_type: str = "") -> bool:
    """Can this file be read as a table (so it goes into the data table, where it is checked
    and scanned), or is it a document (a PDF, a zip of documents)? From its name, its media
    type, and for a zip archive the names it holds (``handle``: the file, seekable)."""
    lowered = name.lower().split("?", 1)[0]
    if lowered.endswith(TABLE_SUFFIXES) or media_type.split(";")[0].strip() in TABLE_MEDIA_TYPES:
        return True
    if handle is None or not lowered.endswith(".zip"):
        return False
    try:
        with zipfile.ZipFile(handle) as archive:
            names = [
                n.lower() for n in archive.namelist() if not n.endswith("/") and not _hidden(n)
            ]
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        handle.seek(0)
    tables = [n for n in names if n.endswith((".csv", ".tsv"))]
    return any(n.endswith(".shp") for n in names) or (len(tables) == 1 and len(names) == 1)
