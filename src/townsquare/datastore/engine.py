"""DuckDB connections for ingest, queries and exports: in-memory, with a memory limit and a
folder to spill to, so that memory stays bounded whatever the size of the data."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings


def spill_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


WIDE = 1000  # columns


def connect(*, columns: int = 0, memory_limit: str = "") -> duckdb.DuckDBPyConnection:
    """A connection for work on a table of ``columns`` columns. DuckDB's memory grows with the
    width of a table (a block of values per column per thread), not with its length: very wide
    tables get one thread and about 200 KB per column, never less than the configured limit
    (``memory_limit``, or TOWNSQUARE_DATASTORE_MEMORY_LIMIT). Their queries skip DuckDB's
    search for common subexpressions, which grows with the square of the expressions in a
    query: 10,000 columns written as Parquet took 21 s with it and 4 s without (an expression
    per column, none shared)."""
    threads = settings.DATASTORE_THREADS
    memory_limit = memory_limit or settings.DATASTORE_MEMORY_LIMIT
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        "threads": threads,
        "temp_directory": str(spill_folder()),
        "preserve_insertion_order": True,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if columns > WIDE:
        config["threads"] = 1
        config["memory_limit"] = _larger(f"{columns * 200 // 1024}MB", memory_limit)
        config["disabled_optimizers"] = "common_subexpressions"
    con = duckdb.connect(":memory:", config=config)
    if columns > WIDE:  # the footer of a 10,000-column file is read once, not once per query
        con.execute("SET parquet_metadata_cache = true")
    return con


def _locked(con: duckdb.DuckDBPyConnection, paths: list[str], directories: list[str]) -> None:
    """Reading and writing files only under ``directories`` (or exactly ``paths``); no network,
    no extensions; then the configuration is locked, so no query can change it back."""
    con.execute(f"SET allowed_directories = [{', '.join(literal(d) for d in directories)}]")
    con.execute(f"SET allowed_paths = [{', '.join(literal(p) for p in paths)}]")
    con.execute("SET parquet_metadata_cache = true")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


_shared: dict[tuple[str, ...], duckdb.DuckDBPyConnection] = {}
_shared_lock = threading.Lock()


def shared(directories: list[str]) -> duckdb.DuckDBPyConnection:
    """The process's database for queries and exports the portal itself compiled; take a
    ``cursor()`` per query. Opening a DuckDB database costs ~20 ms, a cursor ~0.1 ms."""
    key = (str(os.getpid()), *directories)
    con = _shared.get(key)
    if con is None:
        with _shared_lock:
            con = _shared.get(key)
            if con is None:
                con = connect()
                _locked(con, [], [*directories, str(spill_folder())])
                _shared.clear()  # settings changed (tests) or a forked child: start afresh
                _shared[key] = con
    return con


def sandbox(paths: list[str], *, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A database of its own for one untrusted SQL statement: it may read exactly ``paths``."""
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": memory_limit,
            "threads": settings.DATASTORE_THREADS,
            "temp_directory": str(spill_folder()),
            "preserve_insertion_order": True,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        },
    )
    _locked(con, paths, [])
    return con


def _larger(first: str, second: str) -> str:
    """The larger of two DuckDB sizes such as 2000MB and 1GB."""

    def megabytes(size: str) -> float:
        text = size.strip().upper().replace(" ", "").replace("IB", "B")
        factors = {"TB": 1024 * 1024, "GB": 1024, "MB": 1, "KB": 1 / 1024, "B": 1 / (1024 * 1024)}
        for unit, factor in factors.items():
            if text.endswith(unit):
                return float(text.removesuffix(unit)) * factor
        return float(text) / (1024 * 1024)

    return first if megabytes(first) > megabytes(second) else second


def any_of(expression: str, values: list[str]) -> str:
    """SQL: ``expression`` equals one of ``values``. Written as ORs: DuckDB turns a long IN list
    into a join, one per column, which a table with hundreds of columns cannot afford."""
    if not values:
        return "false"
    return "(" + " OR ".join(f"{expression} = {literal(value)}" for value in values) + ")"


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


def aggregate(
    con: duckdb.DuckDBPyConnection,
    table: str,
    expressions: list[str],
    params: list[list[Any]] | None = None,
    batch: int = 200,
) -> list[Any]:
    """The value of each aggregate expression over ``table``, a batch of expressions per scan
    (a table of thousands of columns would make one query too big to plan)."""
    params = params or [[] for _ in expressions]
    values: list[Any] = []
    for start in range(0, len(expressions), batch):
        chosen = expressions[start : start + batch]
        bound = [value for group in params[start : start + batch] for value in group]
        row = con.execute(f"SELECT {', '.join(chosen)} FROM {table}", bound).fetchone()  # noqa: S608
        assert row is not None
        values += list(row)
    return values
