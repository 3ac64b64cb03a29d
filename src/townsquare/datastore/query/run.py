"""Running compiled queries: a time limit, and errors turned into messages that name the
problem without showing the portal's files or the SQL it generated."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
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


class Spent(threading.local):
    """Seconds this thread spent in DuckDB since ``reset`` (the records API reports it in a
    Server-Timing header, so that what a request costs besides its queries can be measured)."""

    seconds = 0.0

    def reset(self) -> None:
        self.seconds = 0.0


spent = Spent()


def fetch(sql: str, params: list[Any], *, seconds: float | None = None) -> Result:
    """Run a compiled query on the shared database."""
    started = time.perf_counter()
    con = cursor()
    try:
        with time_limit(con, seconds or settings.DATASTORE_QUERY_SECONDS):
            result = con.execute(sql, params)
            rows = result.fetchall()
            description = result.description or []
        return Result([d[0] for d in description], [str(d[1]) for d in description], rows)
    finally:
        con.close()
        spent.seconds += time.perf_counter() - started


_LINE = re.compile(r"\n\s*LINE \d+:.*", re.DOTALL)
_PATH = re.compile(r"(['\"]?)(/[^\s'\"]*)+\1")
_KIND = re.compile(
    r"^(Binder|Conversion|Parser|Catalog|Invalid Input|Out of Range|Constraint)"
    r" Error: "
)


TYPE_WORDS = {
    "INT64": "a whole number", "INT32": "a whole number", "INT16": "a whole number",
    "INT8": "a whole number", "INT128": "a whole number", "BIGINT": "a whole number",
    "INTEGER": "a whole number", "DOUBLE": "a number", "FLOAT": "a number",
    "DECIMAL": "a number", "DATE": "a date (YYYY-MM-DD)",
    "TIMESTAMP": "a date and time (YYYY-MM-DD HH:MM)", "BOOLEAN": "true or false",
    "VARCHAR": "text", "STRING_LITERAL": "text", "INTEGER_LITERAL": "a number",
}  # fmt: skip
PLAIN: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Could not convert string '(.*?)' to (\w+)"),
        lambda m: f"{m[1]!r} is not {_type_words(m[2])}.",
    ),
    (
        re.compile(r'invalid (?:date|timestamp) field format: "(.*?)"'),
        lambda m: f"{m[1]!r} is not a date: write dates as YYYY-MM-DD (and times as HH:MM).",
    ),
    (
        re.compile(r"No function matches the given name and argument types '(\w+)\((.*?)\)'"),
        lambda m: (
            f"{m[1]}() cannot be used on {_type_words(m[2])}: "
            "check the column it is given and its type."
        ),
    ),
    (
        re.compile(r'column "(.+?)" must appear in the GROUP BY clause'),
        lambda m: (
            f"{m[1]} must be in group_by, or inside an aggregate such as count(), min() or max()."
        ),
    ),
    (
        re.compile(r"Type (\w+) with value (\S+) can't be cast .*"),
        lambda m: f"{m[2]} is too large.",
    ),
]


def _type_words(names: str) -> str:
    words = [TYPE_WORDS.get(n.strip().split("(")[0], n.strip().lower()) for n in names.split(",")]
    return " and ".join(dict.fromkeys(w for w in words if w))


def message(error: duckdb.Error) -> str:
    """DuckDB's message for a person: in plain words where we know the error, else its first
    part, with no file paths and no generated SQL."""
    for pattern, plain in PLAIN:
        found = pattern.search(str(error))
        if found:
            return plain(found)
    text = _LINE.sub("", str(error)).strip()
    text = _PATH.sub("<file>", text)
    text = text.replace("read_parquet(<file>, file_row_number = true)", "the dataset")
    text = text.replace("read_parquet(<file>)", "the dataset")
    text = _KIND.sub("", text)
    if isinstance(error, duckdb.OutOfMemoryException):
        return "The query needs more memory than the portal allows; narrow it with where."
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:500] or "The query could not run."
