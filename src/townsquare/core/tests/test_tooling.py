"""The pre-commit hooks run what `make lint` runs, with the project's own pinned tools; and
`make lint` fails under the coverage floor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[4]
BIN = Path(sys.executable).parent


def test_pre_commit_runs_the_lint_of_the_makefile() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "import-layers", "mypy", "migrations"}
    assert all(
        hook["language"] == "system" and ".venv/bin/" in hook["entry"] for hook in hooks.values()
    )
    lint = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n")[0]
    for tool in (
        "ruff check",
        "ruff format --check",
        "lint-imports",
        "mypy",
        "makemigrations --check",
    ):
        assert tool in lint, tool
        assert any(tool in hook["entry"] for hook in hooks.values()), tool


def _measured(project: Path) -> Path:
    """A project whose code is half covered, measured by coverage as `make test-sqlite` does."""
    source = project / "src"
    source.mkdir()
    (source / "half.py").write_text("def used():\n    return 1\n\n\ndef unused():\n    return 2\n")
    (project / "run.py").write_text("import half\n\nhalf.used()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV", "PYTEST"))}
    data = project / ".coverage"
    subprocess.run(
        [BIN / "coverage", "run", f"--data-file={data}", "--source=src", "run.py"],
        cwd=project,
        env={**env, "PYTHONPATH": str(source)},
        check=True,
    )
    return data


def _floor(project: Path, floor: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "python", ROOT / "scripts" / "coverage_floor.py", str(floor), ".coverage", "src"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def test_lint_fails_when_the_coverage_measured_on_this_code_is_under_the_floor(
    tmp_path: Path,
) -> None:
    _measured(tmp_path)
    under = _floor(tmp_path, 90)
    assert under.returncode == 1 and "under the floor of 90%" in under.stderr
    above = _floor(tmp_path, 60)
    assert above.returncode == 0 and "floor 60%" in above.stdout
    lint = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n")[0]
    assert "scripts/coverage_floor.py $(COVERAGE_FLOOR)" in lint


def test_coverage_measured_before_the_code_changed_is_not_taken_as_its_figure(
    tmp_path: Path,
) -> None:
    data = _measured(tmp_path)
    later = data.stat().st_mtime + 10
    os.utime(tmp_path / "src" / "half.py", (later, later))
    stale = _floor(tmp_path, 90)
    assert stale.returncode == 0 and "changed since it was measured" in stale.stdout
    data.unlink()
    assert "not measured yet" in _floor(tmp_path, 90).stdout
