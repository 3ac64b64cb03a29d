"""Access grants belong to the catalog, which decides who may read a dataset: the grants are
written by ``catalog.access`` alone, and read by the catalog's policy and selectors."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def test_only_the_catalog_touches_access_grants() -> None:
    touching = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and "AccessGrant" in path.read_text(encoding="utf-8")
    }
    assert touching == {
        "catalog/models.py",
        "catalog/access.py",
        "catalog/policies.py",
        "catalog/selectors.py",
    }


def test_only_catalog_access_writes_them() -> None:
    writes = (".create(", ".save(", ".update(", ".delete(", "select_for_update(")
    for name in ("policies.py", "selectors.py"):
        source = (PACKAGE / "catalog" / name).read_text(encoding="utf-8")
        grant_lines = [line for line in source.splitlines() if "AccessGrant" in line]
        assert not [line for line in grant_lines if any(w in line for w in writes)], name
