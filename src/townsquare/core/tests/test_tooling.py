"""The pre-commit hooks run what `make lint` runs, with the project's own pinned tools."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[4]


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
