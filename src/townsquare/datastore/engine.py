"""DuckDB connections for ingest, queries and exports: in-memory, with a memory limit and a
folder to spill to, so that memory stays bounded whatever the size of the data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
from django.conf import settings


def spill_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def connect(
    *, threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    config = {
        "memory_limit": memory_limit or settings.DATASTORE_MEMORY_LIMIT,
        "threads": threads or settings.DATASTORE_THREADS,
        "temp_directory": str(spill_folder()),
        "preserve_insertion_order": True,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    return duckdb.connect(":memory:", config=config)


def literal(text: str) -> str:
    """A string literal for SQL, for paths the datastore itself chose (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def execute_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, report: Callable[[float], None], every: float = 0.5
) -> None:
    """Run one statement while a helper thread reports DuckDB's own progress (0–100)."""
    done = threading.Event()

    def poll() -> None:
        while not done.wait(every):
            try:
                percent = con.query_progress()
            except duckdb.Error:
                return
            if percent is not None and percent >= 0:
                report(float(percent))

    watcher = threading.Thread(target=poll, name="duckdb-progress", daemon=True)
    watcher.start()
    try:
        con.execute(sql)
    finally:
        done.set()
        watcher.join()
