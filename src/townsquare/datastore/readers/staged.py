from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Staged:
    """A source as an SQL relation of text columns ``c0``, ``c1``… (one per column of the
    source, in order) that DuckDB can read from — straight from the file where DuckDB reads the
    format itself, else from a staging Parquet file — plus, for geographic sources,
    ``geometry`` (WKB) and its bounding box ``_minx``, ``_miny``, ``_maxx``, ``_maxy``.

    For CSV, ``header_width`` is the number of titled columns: wider rows fill the extra
    columns, shorter rows leave NULL in the last titled one (empty fields are "" there).
    ``serial_relation`` reads the same on one thread, for files DuckDB cannot split."""

    relation: str
    titles: list[str]
    geographic: bool = False
    header_width: int | None = None
    serial_relation: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    # Delimited text: the same file staged again as wide as its widest row (a row far into the
    # file with more fields than the sample showed), or None.
    widen: Callable[[], Staged] | None = None

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.titles))]
