"""The varied workload of `make bench-datastore`: distinct records requests of five kinds, each
written for Townsquare's records API and for Datasette's table (or SQL) view, the same question.

- page: 100 rows at a random place in the table;
- filter: carrier, carrier and month, month and day, or all three, at the first page or a
  random page of the matches;
- sort: any column, ascending or descending, at a random place among the first 10,000;
- group: counts and an average per carrier, origin or destination within one month;
- q: a word of the text columns (a carrier, an airport, a tail number), first or a random page.

Seeded, so that a run can be repeated; no request is sent twice (the answer cache never helps).
Datasette pages by keys (`_next`), not by offset: the generator reads the place's keys from
Datasette's own SQLite file, so that both servers are asked for exactly the same rows. Sorting
ascending, SQLite puts empty values first: Townsquare is asked for `nulls first` there.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sqlite3
import statistics
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

KINDS = ("page", "filter", "sort", "group", "q")
TEXT = ("carrier", "tailnum", "origin", "dest")  # Townsquare's text columns, Datasette's FTS
SORTABLE = (
    "month", "day", "dep_time", "sched_dep_time", "dep_delay", "arr_time", "arr_delay",
    "carrier", "flight", "tailnum", "origin", "dest", "air_time", "distance", "time_hour",
)  # fmt: skip
GROUPS = ("carrier", "origin", "dest", "hour")
MEASURES = ("dep_delay", "arr_delay", "distance", "air_time")
PAGE = 100
SORT_DEPTH = 10_000  # sorted pages start among the first 10,000 rows
TS_PATH = "/api/v1/datasets/flights/records?"
DS_TABLE = "/flights/flights.json?"
SAFE = set(string.ascii_letters + string.digits + "_-")


@dataclass(frozen=True)
class Request:
    kind: str
    townsquare: str
    datasette: str
    sorted_by: str = ""  # a sort's column


def tilde(value: Any) -> str:
    """Datasette's tilde encoding of one key component."""
    return "".join(c if c in SAFE else "".join(f"~{b:02X}" for b in c.encode()) for c in str(value))


class Generator:
    def __init__(self, database: Path, seed: int) -> None:
        self.db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        self.random = random.Random(seed)
        self.rows = self.db.execute("SELECT max(rowid) FROM flights").fetchone()[0]
        self.values = {
            c: [
                v
                for (v,) in self.db.execute(
                    f"SELECT DISTINCT {c} FROM flights WHERE {c} IS NOT NULL ORDER BY 1"  # noqa: S608
                )
            ]
            for c in ("carrier", "origin", "dest")
        }
        tails = self.db.execute(
            "SELECT tailnum FROM flights WHERE rowid % 97 = 0 AND tailnum IS NOT NULL"
        ).fetchall()
        self.values["tailnum"] = sorted({t for (t,) in tails})
        self.firsts: dict[tuple[str, bool], list[tuple[Any, int]]] = {}

    def request(self, kind: str) -> Request:
        return getattr(self, kind)()

    def page(self) -> Request:
        offset = self.random.randrange(0, self.rows - PAGE)
        ts = {"limit": PAGE, "offset": offset}
        ds = {"_size": PAGE, "_nosuggest": 1, **({"_next": offset} if offset else {})}
        return Request("page", TS_PATH + urlencode(ts), DS_TABLE + urlencode(ds))

    def filter(self) -> Request:
        shape = self.random.choice((("carrier",), ("carrier", "month"), ("month", "day"),
                                    ("carrier", "month", "day")))  # fmt: skip
        chosen: dict[str, Any] = {}
        for column in shape:
            if column == "carrier":
                chosen[column] = self.random.choice(self.values["carrier"])
            else:
                chosen[column] = self.random.randint(1, 12 if column == "month" else 28)
        where = " AND ".join(f"{c} = ?" for c in chosen)
        count = self.db.execute(
            f"SELECT count(*) FROM flights WHERE {where}",  # noqa: S608
            list(chosen.values()),
        ).fetchone()[0]
        offset = 0 if self.random.random() < 0.5 or count <= PAGE else self.random.randrange(count)
        ts_where = " and ".join(
            f"{c} = '{v}'" if isinstance(v, str) else f"{c} = {v}" for c, v in chosen.items()
        )
        ts = {"where": ts_where, "limit": PAGE, "offset": offset}
        ds: dict[str, Any] = {**chosen, "_size": PAGE, "_nosuggest": 1}
        if offset:
            (before,) = self.db.execute(
                f"SELECT rowid FROM flights WHERE {where} ORDER BY rowid LIMIT 1 OFFSET ?",  # noqa: S608
                [*chosen.values(), offset - 1],
            ).fetchone()
            ds["_next"] = before
        return Request("filter", TS_PATH + urlencode(ts), DS_TABLE + urlencode(ds))

    def sort(self) -> Request:
        column = self.random.choice(SORTABLE)
        descending = self.random.random() < 0.5
        offset = 0 if self.random.random() < 0.3 else self.random.randrange(1, SORT_DEPTH)
        ts = {
            "order_by": f"{column} desc" if descending else f"{column} asc nulls first",
            "limit": PAGE,
            "offset": offset,
        }
        ds: dict[str, Any] = {"_sort_desc" if descending else "_sort": column, "_size": PAGE}
        ds["_nosuggest"] = 1
        if offset:
            value, rowid = self.sorted(column, descending)[offset - 1]
            ds["_next"] = f"{'$null' if value is None else tilde(value)},{rowid}"
        return Request(
            "sort", TS_PATH + urlencode(ts), DS_TABLE + urlencode(ds, safe="$,~"), column
        )

    def sorted(self, column: str, descending: bool) -> list[tuple[Any, int]]:
        """The first SORT_DEPTH (value, rowid) of the table in Datasette's order, read once."""
        key = (column, descending)
        if key not in self.firsts:
            order = f"{column} DESC, rowid" if descending else f"{column}, rowid"
            self.firsts[key] = self.db.execute(
                f"SELECT {column}, rowid FROM flights ORDER BY {order} LIMIT {SORT_DEPTH}"  # noqa: S608
            ).fetchall()
        return self.firsts[key]

    def group(self) -> Request:
        by = self.random.choice(GROUPS)
        measure = self.random.choice(MEASURES)
        within = self.random.choice(("month", "day", "origin"))
        if within == "origin":
            value: Any = self.random.choice(self.values["origin"])
            where = f"origin = '{value}'"
        else:
            value = self.random.randint(1, 12 if within == "month" else 28)
            where = f"{within} = {value}"
        ts = {
            "select": f"{by}, count(*) AS flights, avg({measure}) AS mean",
            "where": where,
            "group_by": by,
        }
        sql = (
            f"select {by}, count(*) as flights, avg({measure}) as mean from flights "  # noqa: S608
            f"where {where} group by {by} order by {by}"
        )
        return Request("group", TS_PATH + urlencode(ts), "/flights.json?sql=" + quote(sql))

    def q(self) -> Request:
        column = self.random.choice(TEXT)
        word = self.random.choice(self.values[column])
        (count,) = self.db.execute(
            "SELECT count(*) FROM flights_fts WHERE flights_fts MATCH ?", [f'"{word}"']
        ).fetchone()
        offset = 0 if self.random.random() < 0.7 or count <= PAGE else self.random.randrange(count)
        ts = {"q": word, "limit": PAGE, "offset": offset}
        ds: dict[str, Any] = {"_search": word, "_size": PAGE, "_nosuggest": 1}
        if offset:
            (before,) = self.db.execute(
                "SELECT rowid FROM flights_fts WHERE flights_fts MATCH ? ORDER BY rowid "
                "LIMIT 1 OFFSET ?",
                [f'"{word}"', offset - 1],
            ).fetchone()
            ds["_next"] = before
        return Request("q", TS_PATH + urlencode(ts), DS_TABLE + urlencode(ds))


def workload(database: Path, per_kind: int, seed: int, taken: set[str]) -> list[Request]:
    """``per_kind`` distinct requests of each kind, none of them in ``taken`` (which grows)."""
    generator = Generator(database, seed)
    requests = []
    for kind in KINDS:
        made = tries = 0
        while made < per_kind:
            tries += 1
            if tries > per_kind * 50:
                raise RuntimeError(f"not {per_kind} distinct {kind} requests to be had")
            request = generator.request(kind)
            if request.townsquare in taken:
                continue
            taken.add(request.townsquare)
            requests.append(request)
            made += 1
    generator.random.shuffle(requests)
    return requests


# --- answers ---------------------------------------------------------------------------------


def fetch(connection: http.client.HTTPConnection, path: str) -> tuple[bytes, dict[str, str]]:
    try:
        connection.request("GET", path)
        response = connection.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        # gunicorn closes a keep-alive connection left idle 2 s (while the other server
        # answered a slow request): open a new one and ask again.
        connection.close()
        connection.request("GET", path)
        response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
    return body, dict(response.getheaders())


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str) and len(value) in (19, 20) and value[10:11] in ("T", " "):
        # Townsquare's datetime and Datasette's text of the file's 2013-01-01T05:00:00Z
        return value.replace("T", " ").removesuffix("Z")
    return value


def townsquare_answer(body: bytes, request: Request) -> tuple[int, list[Any]]:
    data = json.loads(body)
    rows = [{k: _plain(v) for k, v in row.items()} for row in data["rows"]]
    return int(data["total"]), _compared(rows, request)


def datasette_answer(body: bytes, request: Request) -> tuple[int, list[Any]]:
    data = json.loads(body)
    names = data["columns"]
    rows = [
        {k: _plain(v) for k, v in zip(names, row, strict=True) if k != "rowid"}
        for row in data["rows"]
    ]
    total = len(rows) if request.kind == "group" else int(data["filtered_table_rows_count"])
    return total, _compared(rows, request)


def _compared(rows: list[dict[str, Any]], request: Request) -> list[Any]:
    """What must be equal: the rows, in order; for a sort, the sorted column's values in order
    (Datasette's first page of a descending sort on an indexed column breaks ties by rowid
    descending, its later pages and Townsquare by file order ascending: both right)."""
    if request.sorted_by:
        return [row[request.sorted_by] for row in rows]
    return [tuple(row.values()) for row in rows]


def check(requests: list[Request], townsquare: int, datasette: int, per_kind: int) -> int:
    """The first ``per_kind`` requests of each kind get the same count and the same rows from
    both servers; raises on the first difference. Returns how many were compared."""
    ts = http.client.HTTPConnection("127.0.0.1", townsquare, timeout=600)
    ds = http.client.HTTPConnection("127.0.0.1", datasette, timeout=600)
    seen = dict.fromkeys(KINDS, 0)
    compared = 0
    for request in requests:
        if seen[request.kind] >= per_kind:
            continue
        seen[request.kind] += 1
        mine = townsquare_answer(fetch(ts, request.townsquare)[0], request)
        theirs = datasette_answer(fetch(ds, request.datasette)[0], request)
        if mine != theirs:
            raise RuntimeError(
                f"{request.kind} answers differ:\n {request.townsquare}\n {request.datasette}\n"
                f" Townsquare {mine[0]} rows {mine[1][:2]}\n Datasette {theirs[0]} rows "
                f"{theirs[1][:2]}"
            )
        compared += 1
    return compared


# --- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "n": len(values),
    }


def sequential(
    requests: list[Request], ports: dict[str, int]
) -> tuple[dict[str, dict[str, dict]], dict[str, list[float]]]:
    """Concurrency 1: each request to both servers, one after the other (which one goes first
    alternates), so that both see the same moments of a noisy machine. Milliseconds: a summary
    per server and kind, and each request's time per server (in the order of ``requests``)."""
    connections = {
        name: http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for name, port in ports.items()
    }
    each: dict[str, list[float]] = {n: [] for n in ports}
    each["DuckDB"] = []  # Townsquare's own report of its statements' time (Server-Timing)
    names = list(ports)
    for index, request in enumerate(requests):
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            path = request.townsquare if name.startswith("Townsquare") else request.datasette
            started = time.perf_counter()
            _, headers = fetch(connections[name], path)
            each[name].append((time.perf_counter() - started) * 1000)
            if name.startswith("Townsquare"):
                each["DuckDB"].append(duckdb_ms(headers))
    summaries = {
        name: {
            kind: summary([t for t, r in zip(times, requests, strict=True) if r.kind == kind])
            for kind in KINDS
        }
        for name, times in each.items()
        if name in ports
    }
    return summaries, each


def duckdb_ms(headers: dict[str, str]) -> float:
    timing = next((v for k, v in headers.items() if k.lower() == "server-timing"), "")
    found = re.search(r"duckdb;dur=([\d.]+)", timing)
    if found is None:
        raise RuntimeError(f"no Server-Timing from Townsquare: {timing!r}")
    return float(found.group(1))


def concurrent(
    paths: list[tuple[str, str]], port: int, clients: int, limit_seconds: float
) -> dict[str, dict[str, float]]:
    """``clients`` keep-alive connections working through ``paths`` (kind, path) together,
    each path once; stops taking new requests after ``limit_seconds``. Per kind: requests per
    second (answered ÷ the time that kind's requests took) and p50/p95/p99 in ms."""
    by_kind: dict[str, list[str]] = {}
    for kind, path in paths:
        by_kind.setdefault(kind, []).append(path)
    results = {}
    for kind, chosen in by_kind.items():
        results[kind] = _load(chosen, port, clients, limit_seconds)
    return results


def _load(paths: list[str], port: int, clients: int, limit_seconds: float) -> dict[str, float]:
    lock = threading.Lock()
    queue = iter(paths)
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + limit_seconds

    def work() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while time.perf_counter() < deadline:
            with lock:
                path = next(queue, None)
            if path is None:
                return
            begun = time.perf_counter()
            try:
                fetch(connection, path)
            except (RuntimeError, OSError) as error:
                errors.append(str(error)[:300])
                return
            with lock:
                latencies.append((time.perf_counter() - begun) * 1000)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"errors under load: {errors[0]}")
    return {**summary(latencies), "rate": len(latencies) / elapsed}


def throughput(
    requests: list[Request],
    ports: dict[str, int],
    clients: int,
    limit_seconds: float,
    log: Callable[[str], None] = print,
) -> dict[str, dict[str, dict[str, float]]]:
    """Each server in turn on the same requests (the first half with one going first, the
    second half with the other), at ``clients`` connections."""
    half = len(requests) // 2
    results: dict[str, dict[str, dict[str, float]]] = {}
    for part, chunk in enumerate((requests[:half], requests[half:])):
        names = list(ports) if part == 0 else list(ports)[::-1]
        for name in names:
            which = "townsquare" if name.startswith("Townsquare") else "datasette"
            paths = [(r.kind, getattr(r, which)) for r in chunk]
            measured = concurrent(paths, ports[name], clients, limit_seconds)
            log(f"  c{clients} {name} part {part + 1}: " + ", ".join(
                f"{k} {v['rate']:.0f}/s" for k, v in measured.items()))  # fmt: skip
            for kind, figures in measured.items():
                results.setdefault(name, {}).setdefault(kind, []).append(figures)  # type: ignore[arg-type]
    return {
        name: {
            kind: {
                "rate": statistics.mean(f["rate"] for f in runs),  # type: ignore[index]
                "p50": statistics.mean(f["p50"] for f in runs),  # type: ignore[index]
                "p95": max(f["p95"] for f in runs),  # type: ignore[index]
                "p99": max(f["p99"] for f in runs),  # type: ignore[index]
            }
            for kind, runs in kinds.items()
        }
        for name, kinds in results.items()
    }
