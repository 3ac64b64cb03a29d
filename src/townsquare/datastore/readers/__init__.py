"""Readers turn a source file into a staged Parquet file of text columns (see staged.py).
Which reader runs is decided from the file (detect.py), unless the steward chose a format."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from townsquare.datastore.readers.detect import check_archive, detect_format
from townsquare.datastore.readers.staged import Staged


class Reader(Protocol):
    """What each reader module offers: ``stage`` writes the file's rows as text columns."""

    def stage(
        self,
        path: Path,
        filename: str,
        folder: Path,
        options: dict[str, Any],
        progress: Callable[[float], None],
    ) -> Staged: ...


READERS = {
    "csv": "csv",
    "xlsx": "spreadsheet",
    "json": "json",
    "ndjson": "json",
    "geojson": "geo",
    "shapefile": "geo",
    "parquet": "parquet",
}


def read(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    check_archive(path)  # a zip bomb is refused before anything is unpacked
    kind = detect_format(path, filename, options.get("format", ""))
    # Only the reader the file needs is imported: the geographic one loads GDAL and PROJ.
    module = importlib.import_module(f"townsquare.datastore.readers.{READERS[kind]}")
    reader = cast(Reader, module)
    return reader.stage(path, filename, folder, {**options, "format": kind}, progress)
