"""Running compiled queries: a time limit, and errors turned into messages that name the
problem without showing the portal's files or the SQL it generated."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from townsquare.datastore import engine, files
from townsquare.datastore.errors import QueryError

USER_ERRORS = (
    duckdb.ProgrammingError,  # parser, binder, catalog, invalid input
    duckdb.DataError,  # conversion, out of range, type mismatch
    duckdb.NotSupportedError,
    duckdb.OutOfMemoryException,
)


@dataclass
class Result:
    names: list[str]
    types: list[str]  # DuckDB type names
    rows: list[tuple[Any, ...]]


def readable_directories() -> list[str]:
    """Where Parquet files and exports live on this machine."""
    folders = [Path(settings.DATA_DIR) / "cache" / files.ROOT, Path(settings.DATA_DIR) / "tmp"]
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        folders.insert(0, Path(storage.path(files.ROOT)))
    return [str(folder) + "/" for folder in folders]


def cursor() -> duckdb.DuckDBPyConnection:
    return engine.shared(readable_directories()).cursor()


@contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[None]:
    """Interrupt the statement running on ``con`` after ``seconds``."""
    timer = threading.Timer(seconds, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.InterruptException:
        raise QueryError(
            f"The query took longer than {seconds:g} seconds and was stopped. Narrow it with "
            "where, or ask for fewer rows."
        ) from None
    except duckdb.PermissionException:
        raise QueryError("The query tried to reach something outside its datasets.") from None
    except USER_ERRORS as error:  # the query's fault; anything else is the portal's (500)
        raise QueryError(message(error)) from None
    finally:
        timer.cancel()


def fetch(sql: str, params: list[Any], *, seconds: float | None = None) -> Result:
    """Run a compiled query on the shared database."""
    con = cursor()
    try:
        with time_limit(con, seconds or settings.DATASTORE_QUERY_SECONDS):
            result = con.execute(sql, params)
            rows = result.fetchall()
            description = result.description or []
        return Result([d[0] for d in description], [str(d[1]) for d in description], rows)
    finally:
        con.close()


_LINE = re.compile(r"\n\s*LINE \d+:.*", re.DOTALL)
_PATH = re.compile(r"(['\"]?)(/[^\s'\"]*)+\1")
_KIND = re.compile(
    r"^(Binder|Conversion|Parser|Catalog|Invalid Input|Out of Range|Constraint)"
    r" Error: "
)


def message(error: duckdb.Error) -> str:
    """DuckDB's message for a person: first part only, no file paths, no generated SQL."""
    text = _LINE.sub("", str(error)).strip()
    text = _PATH.sub("<file>", text)
    text = text.replace("read_parquet(<file>, file_row_number = true)", "the dataset")
    text = text.replace("read_parquet(<file>)", "the dataset")
    text = _KIND.sub("", text)
    if isinstance(error, duckdb.OutOfMemoryException):
        return "The query needs more memory than the portal allows; narrow it with where."
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:500] or "The query could not run."
