from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Staged:
    """A source read into a Parquet file of text columns ``c0``, ``c1``… (one per column of the
    source, in order), plus, for geographic sources, ``geometry`` (WKB) and its bounding box
    ``_minx``, ``_miny``, ``_maxx``, ``_maxy``."""

    path: Path
    titles: list[str]
    rows: int
    geographic: bool = False
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.titles))]
