"""The ingest pipeline: the original file → staged text columns → types → typed Parquet →
profile. Runs in the background worker (or in the foreground for `townsquare ingest`); reports
its phase, percent and rows on the version as it goes.

Everything is written to a private scratch folder first; storage and the database learn of the
result only at the end, so a failure or a killed process leaves nothing half-made in view.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from townsquare.datastore import build, engine, files, inference, treatments, words
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import TooManyFields
from townsquare.datastore.models import DataVersion
from townsquare.datastore.profile import profile as compute_profile
from townsquare.datastore.readers import read
from townsquare.datastore.readers.staged import Staged
from townsquare.datastore.selectors import treatments_in_force

# (phase, start percent, end percent). Spreadsheets and geographic files are read into a
# staging file first; delimited text, JSON and Parquet are read while typing.
PHASES = {
    "downloading": (0.0, 5.0),
    "reading": (5.0, 45.0),
    "typing": (45.0, 90.0),
    "profiling": (90.0, 97.0),
    "storing": (97.0, 100.0),
}


class Progress:
    """Phase, percent and rows of one ingest, saved on the version at most twice a second.
    DuckDB's progress thread may report too, except inside a transaction that other database
    connections cannot see (the tests' immediate task runner)."""

    def __init__(self, version_id: int, listener: Callable[[str, float, int], None] | None = None):
        self.version_id = version_id
        self.listener = listener
        self.phase_name = "queued"
        self.rows = 0
        self.percent = 0.0
        self.saved_at = 0.0
        self.owner = threading.get_ident()
        self.threads_may_save = not connection.in_atomic_block

    def phase(self, name: str, rows: int | None = None) -> None:
        self.phase_name = name
        self.update(0.0, rows)

    def update(self, within: float, rows: int | None = None) -> None:
        start, end = PHASES.get(self.phase_name, (0.0, 100.0))
        self.percent = round(start + (end - start) * max(0.0, min(within, 100.0)) / 100, 1)
        if rows is not None:
            self.rows = rows
        if self.listener:
            self.listener(self.phase_name, self.percent, self.rows)
        now = time.monotonic()
        if now - self.saved_at >= 0.5:
            self.save()
            self.saved_at = now

    def save(self) -> None:
        if threading.get_ident() != self.owner and not self.threads_may_save:
            return
        DataVersion.objects.filter(pk=self.version_id).update(
            phase=self.phase_name,
            percent=self.percent,
            rows_done=self.rows,
            heartbeat_at=timezone.now(),
        )
        if threading.get_ident() != self.owner:
            connection.close()  # this thread's own connection


@dataclass
class Outcome:
    fields: list[dict[str, Any]]
    missing: list[str]
    rows: int
    parquet: Path
    report: dict[str, Any]
    profile: dict[str, Any]
    geographic: bool
    bbox: list[float] | None
    words: Path | None = None  # the word index (words.py), when there are text columns


def run(version: DataVersion, source: Path, folder: Path, progress: Progress) -> Outcome:
    """Turn the source file into the version's typed Parquet file, inside ``folder``."""
    progress.phase("reading")
    estimate = _rows_estimate(source)
    staged = read(source, version.source_name, folder, version.options, progress.update)
    progress.phase("typing")
    schema = version.options.get("schema")
    missing = list((schema or {}).get("missingValues", inference.MISSING_VALUES))
    parquet = folder / "data.parquet"
    in_force = treatments_in_force(version) if schema is None else {}
    con = engine.connect(columns=len(staged.columns))

    def make(staged: Any) -> build.Built:
        return build.materialize(
            con,
            staged,
            missing,
            parquet,
            lambda percent: progress.update(percent, int(estimate * percent / 100)),
            schema,
            in_force,
        )

    try:
        try:
            built = make(staged)
        except TooManyFields:  # a row far in is wider than the sample: read it as wide as that
            assert staged.widen is not None
            staged = staged.widen()
            staged.widen = None
            built = make(staged)
        progress.phase("profiling", built.rows)
        stats, misses, bbox, index = _describe(con, parquet, built, staged.geographic, folder)
    finally:
        con.close()
    fields = built.fields
    if staged.geographic:
        fields = [*fields, {"name": "geometry", "title": "Geometry", "type": "geojson"}]
    report = _report(staged, built, misses)
    return Outcome(
        fields, missing, built.rows, parquet, report, stats, staged.geographic, bbox, index
    )


def _describe(
    con: Any, parquet: Path, built: build.Built, geographic: bool, folder: Path
) -> tuple[dict[str, Any], list[dict[str, Any]], list[float] | None, Path | None]:
    """The typed file's profile, its near misses (values that kept a column text), for
    geographic data its bounding box, and its word index (in ``folder``)."""
    typed = f"read_parquet({literal(str(parquet))})"
    published = treatments.published(built.fields)
    stats = compute_profile(con, typed, published)
    misses = inference.near_misses(
        con, f"read_parquet({literal(str(parquet))}, file_row_number = true)", built.fields
    )
    index = words.build(con, typed, published, stats, folder / words.NAME)
    return stats, misses, _bbox(con, typed) if geographic else None, index


def _report(staged: Staged, built: build.Built, misses: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ingest tells the steward: the reader's notes, ragged rows, values that did not
    fit their type, and columns that fell back to text."""
    report = dict(staged.notes)
    if built.ragged["short"] or built.ragged["long"]:
        report["ragged_rows"] = built.ragged
    if built.cast_failures:
        report["cast_failures"] = built.cast_failures
    if misses:
        report["fell_back"] = misses
    return report


def _bbox(con: Any, table: str) -> list[float] | None:
    row = con.execute(
        f"SELECT min(_minx), min(_miny), max(_maxx), max(_maxy) FROM {table}"
    ).fetchone()
    return None if row is None or row[0] is None else [round(float(v), 7) for v in row]


def _rows_estimate(path: Path) -> int:
    """Rows in a text file, guessed from its first megabyte (for progress while reading)."""
    with path.open("rb") as handle:
        sample = handle.read(1024 * 1024)
    lines = sample.count(b"\n") or 1
    return int(path.stat().st_size / (len(sample) / lines)) if sample else 0


def store(version: DataVersion, outcome: Outcome, folder_name: str) -> tuple[str, str]:
    """Copy the Parquet file and the word index into storage; returns their stored names (the
    index's empty when there is none)."""
    parquet = files.save(outcome.parquet, f"{folder_name}/data.parquet")
    index = files.save(outcome.words, f"{folder_name}/{words.NAME}") if outcome.words else ""
    return parquet, index


def primary_key(version: DataVersion, fields: list[dict[str, Any]]) -> list[str]:
    """The columns that identify a row: the steward's table schema's (checked when it was
    saved), else the ``primary_key`` reading option (kept when the version has each column;
    the report says when it is not)."""
    key = (version.options.get("schema") or {}).get("primaryKey")
    if key:
        return list(key)
    asked = [p.strip() for p in str(version.options.get("primary_key") or "").split(",")]
    asked = [p for p in asked if p]
    published = {f["name"] for f in treatments.published(fields)}
    missing = [name for name in asked if name not in published]
    if missing:
        version.report.setdefault("notes", []).append(
            f"The primary key was not kept: no published column {', '.join(missing)}."
        )
        return []
    return asked


def finish(version: DataVersion, outcome: Outcome, stored: tuple[str, str]) -> None:
    version.status = DataVersion.Status.READY
    version.parquet, version.words = stored
    version.parquet_size = outcome.parquet.stat().st_size
    version.table_schema = {"fields": outcome.fields, "missingValues": outcome.missing}
    version.row_count = outcome.rows
    version.is_geographic = outcome.geographic
    version.bbox = outcome.bbox
    version.report = outcome.report
    version.profile = outcome.profile
    key = primary_key(version, outcome.fields)
    if key:
        version.table_schema["primaryKey"] = key
    # Ready, and its checks and the publication decision still to come (loading._ingest).
    version.phase, version.percent, version.rows_done = "checking", 100.0, outcome.rows
    version.finished_at = timezone.now()
    version.save()


def fail(version_id: int, message: str) -> None:
    with transaction.atomic():
        DataVersion.objects.filter(pk=version_id).update(
            status=DataVersion.Status.FAILED,
            error=message,
            phase="failed",
            finished_at=timezone.now(),
        )


def scratch() -> Path:
    return files.workdir()


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
