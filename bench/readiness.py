"""make bench-readiness: the program's pages with 5,000 inventory items and 1,000 datasets over
40 departments, served by `townsquare serve` on SQLite. Varied requests (each page with every
department's filter in turn, interleaved), p50 and p95 per page, and the queries each page
costs at this size (the suite checks that they do not grow with the inventory). Results go to
docs/benchmarks.md with the machine and versions."""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import environment, machine, serve_townsquare, write_section  # noqa: E402

MARKER = "## Launch program pages (make bench-readiness)"
PAGES = {
    "overview (HTML)": "/program",
    "readiness checklist (HTML)": "/program/readiness",
    "ranked inventory, all (HTML)": "/program/priorities?page={p}",
    "ranked inventory, a department (HTML)": "/program/priorities?department=department-{d}",
    "inventory list (HTML)": "/program/inventory?page={p}",
    "readiness (API)": "/api/v1/readiness",
    "ranking (API)": "/api/v1/program/ranking?department=department-{d}",
    "ranking, 100 of all 5,000 (API)": "/api/v1/program/ranking?offset={o}&limit=100",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="townsquare-bench-readiness-") as folder:
        env = environment(Path(folder), f"sqlite:///{folder}/bench.sqlite3")
        env["TOWNSQUARE_BEFORE_LAUNCH"] = "open"
        cli = [sys.executable, "-m", "townsquare.cli"]
        subprocess.run([*cli, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        filled = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("fill_program.py")),
                str(args.items),
                str(args.datasets),
                str(args.departments),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"filled in {time.perf_counter() - started:.0f} s")
        info = json.loads(filled.stdout.strip().splitlines()[-1])
        server, port = serve_townsquare(env, threads=2)
        try:
            results = measure(port, info, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    write(results, info["queries"], args)


def measure(port: int, info: dict[str, str], args: argparse.Namespace) -> dict[str, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={info['session']}", "Authorization": f"Bearer {info['token']}"}
    samples: dict[str, list[float]] = {name: [] for name in PAGES}
    for round_number in range(args.rounds + 2):
        department = round_number % args.departments
        for name, path in PAGES.items():
            started = time.perf_counter()
            page = round_number % 50 + 1
            url = path.format(d=department, p=page, o=(page - 1) * 100)
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
            if round_number >= 2:  # the first rounds warm up
                samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def write(
    results: dict[str, list[float]], queries: dict[str, int], args: argparse.Namespace
) -> None:
    lines = [
        MARKER,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}; Python "
        f"{sys.version.split()[0]}, Django {django.get_version()}, SQLite, `townsquare serve` "
        "(2 processes × 2 threads), one client.",
        f"{args.items:,} inventory items and {args.datasets:,} datasets over "
        f"{args.departments} departments; {args.rounds} requests per page, each with another "
        "department's filter or another page where the page has one. Target: p50 under "
        "100 ms, queries per page bounded (the suite checks that ten times the items cost the "
        "same queries).",
        "",
        "| Page | p50 ms | p95 ms | Queries |",
        "|---|---:|---:|---:|",
    ]
    for name, values in results.items():
        values.sort()
        path = PAGES[name].split("?")[0]
        count = queries.get(path, "")
        lines.append(
            f"| {name} | {statistics.median(values):.1f} | "
            f"{values[int(len(values) * 0.95) - 1]:.1f} | {count} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    write_section(MARKER, section)


if __name__ == "__main__":
    main()
