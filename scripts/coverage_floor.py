"""`make lint`'s coverage step: fail when the coverage last measured on this code (the data
`make test-sqlite` leaves in .coverage) is under the floor. Data older than any source file
says nothing about the code as it is: then the step only says so (`make test-sqlite`, which
`make test` runs, measures it again and fails under the floor itself).

Usage: coverage_floor.py FLOOR [DATA_FILE] [SOURCE_DIR]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    floor = argv[0]
    data = Path(argv[1] if len(argv) > 1 else ".coverage")
    source = Path(argv[2] if len(argv) > 2 else "src/townsquare")
    if not data.exists():
        print("coverage: not measured yet (make test-sqlite measures it)")
        return 0
    measured = data.stat().st_mtime
    if any(path.stat().st_mtime > measured for path in source.rglob("*.py")):
        print("coverage: the code changed since it was measured (make test-sqlite measures it)")
        return 0
    report = subprocess.run(
        [
            str(Path(sys.executable).parent / "coverage"),
            "report",
            f"--data-file={data}",
            "--format=total",
            "--precision=2",
            f"--fail-under={floor}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    total = report.stdout.strip() or report.stderr.strip()
    if report.returncode != 0:
        print(f"FAIL: coverage {total}% is under the floor of {floor}%", file=sys.stderr)
        return 1
    print(f"coverage: {total}% (floor {floor}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
