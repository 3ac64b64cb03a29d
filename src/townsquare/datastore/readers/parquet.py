"""A Parquet file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from townsquare.datastore.engine import literal
from townsquare.datastore.readers.duck import relation
from townsquare.datastore.readers.staged import Staged


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    return relation(f"read_parquet({literal(str(path))})", "Parquet file")
