"""A JSON array of objects, or newline-delimited JSON (one object per line)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from townsquare.datastore.engine import literal
from townsquare.datastore.readers import detect
from townsquare.datastore.readers.duck import relation
from townsquare.datastore.readers.staged import Staged


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    path, filename = detect.unwrap(path, filename, folder)
    layout = "newline_delimited" if options.get("format") == "ndjson" else "array"
    reader = (
        f"read_json({literal(str(path))}, format='{layout}', records=true, sample_size=-1, "
        "maximum_object_size=67108864)"
    )
    staged = relation(reader, "JSON file")
    staged.notes["layout"] = layout
    return staged
