"""make bench-search: catalog search latency with 10,000 and 100,000 datasets, on SQLite and
PostgreSQL.

For each size, a fresh database of each kind is migrated and filled with generated datasets
(through the search module's own indexing), a real server (`townsquare serve`, gunicorn) is
started on each, and 20 different searches with facets are sent over HTTP, one at a time, to
both servers in turn. p50 and p95 of the latency seen by the client, and how they grow from the
smaller catalog to the larger, are written to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import django
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    RESULTS,
    ROOT,
    environment,
    fetch,
    machine,
    serve_townsquare,
    write_section,
)

QUERIES: list[dict[str, str | list[str]]] = [
    {},
    {"q": "permits"},
    {"q": "budget"},
    {"q": "water quality"},
    {"q": "street trees inventory"},
    {"q": "traffic"},
    {"q": "parks", "sort": "updated"},
    {"q": "housing", "theme": "REGI"},
    {"q": "crime", "organization": "police-department"},
    {"theme": "ENVI"},
    {"organization": "public-works"},
    {"license": "CC0-1.0", "format": "CSV"},
    {"keyword": "transportation"},
    {"q": "school enrollment", "sort": "title"},
    {"q": "inspect"},
    {"q": "annual report", "page": "2"},
    {"access_level": "restricted public"},
    {"q": "energy", "theme": ["ENER", "ENVI"]},
    {"sort": "title", "page": "50"},
    {"q": "zoning", "format": "GeoJSON", "license": "CC-BY-4.0"},
]


def townsquare(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "townsquare.cli", *args], env=env, check=True)


def fill(env: dict[str, str], count: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("fill_catalog.py")), str(count)],
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def measure(ports: dict[str, int], repeats: int) -> dict[str, dict[str, float]]:
    """Each search is sent to every server in turn, so that all of them see the same moments
    of a noisy machine."""
    connections = {
        name: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for name, port in ports.items()
    }
    paths = [f"/api/v1/datasets?{urlencode(query, doseq=True)}" for query in QUERIES]
    samples: dict[str, list[float]] = {name: [] for name in ports}
    counts: dict[str, list[int]] = {name: [] for name in ports}
    by_path: dict[tuple[str, str], list[float]] = {}
    for round_number in range(repeats + 3):
        for path in paths:
            for name, connection in connections.items():
                started = time.perf_counter()
                body = _get(connection, path)
                if round_number >= 3:  # the first rounds warm up
                    seconds = (time.perf_counter() - started) * 1000
                    samples[name].append(seconds)
                    by_path.setdefault((name, path), []).append(seconds)
                    counts[name].append(body["count"])
    _check_counts(paths, counts)
    results: dict[str, dict[str, float]] = {}
    for name, values in samples.items():
        values.sort()
        results[name] = {
            "requests": len(values),
            "p50": statistics.median(values),
            "p95": values[int(len(values) * 0.95) - 1],
            "max": values[-1],
            "mean_results": statistics.mean(counts[name]),
            "public": counts[name][0],
            "slowest": sorted(
                ((statistics.median(v), p) for (n, p), v in by_path.items() if n == name),
                reverse=True,
            )[:3],
        }
    return results


def _check_counts(paths: list[str], counts: dict[str, list[int]]) -> None:
    """Both databases give each search the same count, and the public sees a catalog: a bench
    of searches that find nothing measures nothing."""
    first = {name: values[: len(paths)] for name, values in counts.items()}
    if len({tuple(values) for values in first.values()}) != 1:
        raise RuntimeError(f"the databases disagree on the counts: {first}")
    if not next(iter(first.values()))[0]:
        raise RuntimeError("the unfiltered search finds nothing: is the catalog published?")


def _get(connection: http.client.HTTPConnection, path: str) -> dict:  # type: ignore[type-arg]
    return json.loads(fetch(connection, path))  # type: ignore[no-any-return]


def prepare(name: str, database_url: str, folder: Path, count: int) -> tuple[dict[str, str], float]:
    env = environment(folder, database_url)
    townsquare(env, "migrate", "--no-input", "-v", "0")
    seconds = fill(env, count)
    print(f"{name}: filled {count:,} datasets in {seconds:.0f} s")
    return env, seconds


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    return serve_townsquare(env, threads=2)


def postgres_database(url: str) -> tuple[str, callable]:  # type: ignore[valid-type]
    name = f"townsquare_bench_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + f"/{name}", drop


def versions() -> dict[str, str]:
    with psycopg.connect(
        os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1/postgres")
    ) as c:
        pg = c.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": pg,
    }


def write(by_count: dict[int, dict[str, dict[str, float]]], info: dict[str, str]) -> None:
    counts = sorted(by_count)
    rows = []
    for count in counts:
        for name, r in by_count[count].items():
            met = r["p50"] < 20 and r["p95"] < 60
            rows.append(
                f"| {count:,} | {name} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms "
                f"| {int(r['requests'])} | {int(r['public']):,} | {r['mean_results']:,.0f} "
                f"| {'yes' if met else 'no'} |"
            )
    table = "\n".join(rows)
    small, large = counts[0], counts[-1]
    growth = "\n".join(
        f"- {name}: p50 ×{by_count[large][name]['p50'] / r['p50']:.2f}, p95 "
        f"×{by_count[large][name]['p95'] / r['p95']:.2f} from {small:,} to {large:,} datasets "
        f"(target at most ×1.5: p50 {_met(by_count[large][name]['p50'] / r['p50'] <= 1.5)}, "
        f"p95 {_met(by_count[large][name]['p95'] / r['p95'] <= 1.5)})"
        for name, r in by_count[small].items()
    )
    repeats = int(next(iter(by_count[small].values()))["requests"]) // len(QUERIES)
    slowest = "\n".join(
        f"- {name}: " + ", ".join(f"`{path}` {ms:.1f} ms" for ms, path in r["slowest"])  # type: ignore[attr-defined]
        for name, r in by_count[large].items()
    )
    section = f"""## Catalog search (`make bench-search`)

Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()};
{", ".join(f"{k} {v}" for k, v in info.items())}.

{" and ".join(f"{c:,}" for c in counts)} generated datasets (30 organizations, themes,
keywords, licenses, 1–3 distributions each; 97% published, so the public sees about 92%: drafts and
non-public datasets are hidden from it); 20 different searches with facets
(`bench/search.py`: free text, facet filters, sorts, deep pages, the unfiltered and the
title-sorted listings; every answer counts all seven facets), sent one at a time over HTTP to
`townsquare serve` (gunicorn, 2 processes × 2 threads), one server per database running side
by side: each request goes to both servers in turn, so that both see the same moments of this
shared, noisy machine. Three warm-up rounds, then each search {repeats} times per database
(catalog search keeps no answers: each request runs its queries). Latency is what the client
saw, response fully read. Target: p50 under 20 ms and p95 under 60 ms on both databases at
{large:,} datasets, growing at most 1.5× from {small:,}. For scale: CKAN's Solr-backed search
answers in about 200–300 ms in reports from data.gov (not measured here: no Solr on this
machine).

| datasets | database | p50 | p95 | max | requests | public sees | mean found | target met |
|---|---|---|---|---|---|---|---|---|
{table}

{growth}

Slowest searches at {large:,} datasets (p50 of each):
{slowest}

{CHANGES}
"""
    write_section("## Catalog search (`make bench-search`)", section)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


CHANGES = """\
What changed (decision 0019). Before, this bench filled its catalog with drafts, which the
public cannot see: every search found nothing, and its figures (p50 78 ms on SQLite and 141 ms
on PostgreSQL at 100,000) measured empty answers. With the catalog published, searching in
process took 120–460 ms per search at 100,000 datasets (22–65 ms at 10,000): facet counts
were a `GROUP BY` over every match's terms, the datasets hidden from the public (8% of the
catalog) a `NOT IN` list, title sorts a read of every match. Now facet counts, facet filters,
visibility and sorted pages come from a snapshot each web process keeps of the catalog (numpy
arrays: bits per frequent term, postings for the rest), kept current from a change log; a
search without words takes 4–7 ms in process at either size. What is left grows with the
matches: the database's full-text index ranks every match of a relevance search (SQLite's
`bm25`, PostgreSQL's `ts_rank`), so a word found in 13–18% of the catalog costs 40–90 ms to
rank at 100,000 datasets and a pair found in 45% about 200 ms — those searches make the p95.
Ranking the best few without scoring every match needs a search engine with top-k pruning
(Tantivy's block-max WAND): not done."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="10000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/townsquare")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    by_count = {}
    for count in (int(c) for c in args.counts.split(",")):
        by_count[count] = run(count, args.repeats, args.postgres_url)
        for name, r in by_count[count].items():
            print(
                f"{count:,} {name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
                f"max {r['max']:.1f} ms ({int(r['requests'])} requests)",
                flush=True,
            )
    os.environ["BENCH_PG_ADMIN"] = args.postgres_url.rsplit("/", 1)[0] + "/postgres"
    if not args.no_write:
        write(by_count, versions())
        print(f"Wrote {RESULTS.relative_to(ROOT)}")


def run(count: int, repeats: int, postgres_url: str) -> dict[str, dict[str, float]]:
    url, drop = postgres_database(postgres_url)
    servers = []
    try:
        with tempfile.TemporaryDirectory(prefix="townsquare-bench-") as folder:
            base = Path(folder)
            (base / "sqlite").mkdir()
            (base / "postgresql").mkdir()
            databases = {
                "SQLite": f"sqlite:///{base / 'sqlite' / 'bench.sqlite3'}",
                "PostgreSQL": url,
            }
            ports = {}
            for name, database_url in databases.items():
                env, _ = prepare(name, database_url, base / name.lower(), count)
                server, ports[name] = serve(env)
                servers.append(server)
            return measure(ports, repeats)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        drop()


if __name__ == "__main__":
    main()
