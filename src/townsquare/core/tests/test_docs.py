"""A promise kept by a test (as Datasette does): every command and every API endpoint is
documented. Settings have theirs in test_settings.py."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from django.core.management import get_commands

from townsquare.api import api

ROOT = Path(__file__).resolve().parents[4]
README = (ROOT / "README.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
METHODS = ("get", "post", "put", "patch", "delete")


def townsquare_commands() -> set[str]:
    return {name for name, app in get_commands().items() if app.startswith("townsquare.")}


def test_every_command_is_in_the_readme() -> None:
    commands = townsquare_commands()
    assert {"serve", "worker", "ingest", "refresh", "demo"} <= commands
    missing = {name for name in commands if f"townsquare {name}" not in README}
    assert missing == set(), "add these commands to README.md"


def _shape(path: str) -> str:
    """A path with its parameters unnamed: ``/changes/{}/approve``."""
    return re.sub(r"\{[^}]*\}", "{}", path.removeprefix("/api/v1"))


def documented_endpoints(text: str) -> set[tuple[str, str]]:
    """(method, path shape) written in the docs as ``METHOD /path``. On a line, ``…/tail``
    continues the last path written in full (``/a/{id}/grant``, ``…/refuse``), and a method left
    out is the one before it; with no full path before it on the line, ``…/tail`` stays a tail
    (shape ``…/tail``), which matches any path ending so."""
    found: set[tuple[str, str]] = set()
    for line in text.splitlines():
        method, full = "", ""
        for verb, path in re.findall(r"`(?:(GET|POST|PUT|PATCH|DELETE) )?((?:/|…/)[^`\s]*)", line):
            method = verb.lower() or method
            if not method:
                continue
            if path.startswith("…") and full:
                tail = path[1:]
                head = tail.split("/")[1]
                parts = full.split("/")
                stem = "/".join(parts[: parts.index(head)] if head in parts else parts[:-1])
                path = stem + tail
            elif not path.startswith("…"):
                full = path
            found.add((method, _shape(path.split("?")[0])))
    return found


def is_documented(operation: tuple[str, str], documented: set[tuple[str, str]]) -> bool:
    method, shape = operation
    return any(
        m == method and (s == shape or (s.startswith("…") and shape.endswith(s[1:])))
        for m, s in documented
    )


def operations() -> set[tuple[str, str]]:
    """Each operation of the API, one per value when a path parameter has a fixed set."""
    found = set()
    for path, by_method in api.get_openapi_schema()["paths"].items():
        for method, operation in by_method.items():
            if method not in METHODS:
                continue
            found |= {(method, _shape(p)) for p in _expanded(path, operation)}
    return found


def _expanded(path: str, operation: dict[str, Any]) -> list[str]:
    fixed = {
        p["name"]: p["schema"]["enum"]
        for p in operation.get("parameters", [])
        if p["in"] == "path" and "enum" in p.get("schema", {})
    }
    names = list(fixed)
    paths = []
    for values in itertools.product(*(fixed[n] for n in names)):
        filled = path
        for name, value in zip(names, values, strict=True):
            filled = filled.replace("{" + name + "}", value)
        paths.append(filled)
    return paths


def test_the_doc_reader_understands_the_shorthand() -> None:
    line = (
        "| `POST /access-requests/{id}/grant`, `…/refuse` | `GET /tokens`, `DELETE /tokens/{id}`"
        " | `POST /organizations/{slug}/members`, `DELETE …/members/{username}/{role}` |"
    )
    assert documented_endpoints(line) == {
        ("post", "/access-requests/{}/grant"),
        ("post", "/access-requests/{}/refuse"),
        ("get", "/tokens"),
        ("delete", "/tokens/{}"),
        ("post", "/organizations/{}/members"),
        ("delete", "/organizations/{}/members/{}/{}"),
    }
    tails = documented_endpoints("| `PATCH …/distributions/{id}` |")
    assert is_documented(("patch", "/datasets/{}/distributions/{}"), tails)
    assert not is_documented(("delete", "/datasets/{}/distributions/{}"), tails)


def test_every_api_endpoint_is_in_the_api_docs() -> None:
    known = operations()
    assert ("post", "/changes/{}/approve") in known and len(known) > 40
    documented = documented_endpoints(API_DOC)
    missing = sorted(op for op in known if not is_documented(op, documented))
    assert missing == [], "add these endpoints to docs/api.md"
