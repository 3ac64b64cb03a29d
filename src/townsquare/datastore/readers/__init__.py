"""Readers turn a source file into a staged Parquet file of text columns (see staged.py).
Which reader runs is decided from the file (detect.py), unless the steward chose a format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from townsquare.datastore.readers.detect import detect_format
from townsquare.datastore.readers.staged import Staged


def read(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    from townsquare.datastore.readers import csv, geo, json, parquet, spreadsheet

    readers = {
        "csv": csv.stage,
        "xlsx": spreadsheet.stage,
        "json": json.stage,
        "ndjson": json.stage,
        "geojson": geo.stage,
        "shapefile": geo.stage,
        "parquet": parquet.stage,
    }
    kind = detect_format(path, filename, options.get("format", ""))
    return readers[kind](path, filename, folder, {**options, "format": kind}, progress)
