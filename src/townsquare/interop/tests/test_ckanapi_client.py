"""The real CKAN client, ``ckanapi`` (its Python API and its command line), against a running
portal: it posts JSON to the unversioned ``/api/action/{name}`` and follows no redirects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import ckanapi  # type: ignore[import-untyped]
import pytest

CLI = str(Path(sys.executable).with_name("ckanapi"))
# The dump starts its workers as "ckanapi" from the PATH.
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def test_python_client_reads_what_each_caller_may_see(
    live_server: Any, town: Any, steward_token: str
) -> None:
    with (
        ckanapi.RemoteCKAN(live_server.url) as anonymous,
        ckanapi.RemoteCKAN(live_server.url, apikey=steward_token) as steward,
    ):
        _reads(anonymous, steward)


def _reads(anonymous: Any, steward: Any) -> None:
    assert anonymous.action.status_show()["site_title"]
    assert anonymous.action.package_list() == ["building-permits", "road-repairs", "street-trees"]
    found = anonymous.action.package_search(
        q="trees", fq="organization:parks", facet="true", **{"facet.field": ["tags"]}
    )
    assert [p["name"] for p in found["results"]] == ["street-trees"]
    assert found["facets"]["tags"] == {"trees": 1, "parks": 1}
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="staff-phones")
    assert steward.action.package_show(id="staff-phones")["private"] is True
    assert steward.action.package_search(include_private=True)["count"] == 4
    with pytest.raises(ckanapi.ValidationError):
        anonymous.action.package_show()
    with pytest.raises(ckanapi.SearchQueryError):
        anonymous.action.package_search(sort="popularity desc")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.user_show()
    with pytest.raises(ckanapi.CKANAPIError):
        anonymous.action.no_such_action()
    assert anonymous.action.organization_list(all_fields=True)[0]["name"] == "parks"


def test_command_line_dumps_and_searches(live_server: Any, town: Any, tmp_path: Path) -> None:
    dumped = tmp_path / "datasets.jsonl"
    subprocess.run(
        [CLI, "dump", "datasets", "--all", "-q", "-O", str(dumped), "-r", live_server.url],
        check=True,
        timeout=120,
        env=ENV,
    )
    records = [json.loads(line) for line in dumped.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == [
        "building-permits",
        "road-repairs",
        "street-trees",
    ]
    assert all(r["organization"]["name"] in ("parks", "public-works") for r in records)
    searched = subprocess.run(
        [CLI, "search", "datasets", "q=repairs", "-r", live_server.url],
        check=True,
        capture_output=True,
        timeout=120,
        env=ENV,
    )
    lines = [json.loads(line) for line in searched.stdout.decode().splitlines() if line.strip()]
    assert [r["name"] for r in lines] == ["road-repairs"]
