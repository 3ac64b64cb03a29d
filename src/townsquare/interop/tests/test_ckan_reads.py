"""The CKAN Action API's reads, over HTTP with Django's client: envelopes, errors and status
codes as CKAN sends them, package_search's q/fq/sort/facets, and visibility on every action."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def call(client: Client, name: str, token: str = "", method: str = "get", /, **data: Any) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": token} if token else {}
    if method == "get":
        response = client.get(f"/api/3/action/{name}", data, **headers)
    else:
        response = client.post(
            f"/api/action/{name}", json.dumps(data), content_type="application/json", **headers
        )
    return response.status_code, response.json()


def result(client: Client, name: str, token: str = "", method: str = "get", /, **data: Any) -> Any:
    status, body = call(client, name, token, method, **data)
    assert status == 200, body
    assert body["success"] is True
    assert body["help"].endswith(f"/api/3/action/help_show?name={name}")
    return body["result"]


def names(found: dict[str, Any]) -> list[str]:
    return [package["name"] for package in found["results"]]


def test_envelope_and_error_bodies_are_ckans(client: Client, town: Any) -> None:
    assert result(client, "site_read") is True
    assert result(client, "status_show")["ckan_version"].startswith("2.")
    status, body = call(client, "no_such_action")
    assert (status, body) == (400, "Bad request - Action name not known: no_such_action")
    status, body = call(client, "package_show", id="nope")
    assert status == 404
    assert body["success"] is False
    assert body["error"] == {"__type": "Not Found Error", "message": "Not found: Dataset not found"}
    status, body = call(client, "package_show")
    assert status == 409
    assert body["error"] == {"__type": "Validation Error", "id": ["Missing value"]}
    status, body = call(client, "package_search", fq="bogus:1")
    assert status == 400
    assert body["error"]["__type"] == "Search Query Error"
    assert "bogus" in body["error"]["message"]
    status, body = call(client, "user_show")
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_bad_transport_gets_bare_string_errors(client: Client) -> None:
    response = client.post(
        "/api/3/action/package_show", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json().startswith("Bad request - JSON Error")
    response = client.post("/api/3/action/package_show", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "dictionary" in response.json()


def test_package_show_by_name_or_id_and_its_fields(client: Client, town: Any) -> None:
    trees = town["trees"]
    by_name = result(client, "package_show", id="street-trees")
    by_id = result(client, "package_show", "", "post", id=trees.identifier)
    assert by_name == by_id
    assert by_name["id"] == trees.identifier
    assert by_name["organization"]["name"] == "parks"
    assert by_name["owner_org"] == by_name["organization"]["id"]
    assert by_name["license_id"] == "CC0-1.0"
    assert by_name["isopen"] is True
    assert by_name["private"] is False
    assert by_name["state"] == "active"
    assert {t["name"] for t in by_name["tags"]} == {"trees", "parks"}
    assert by_name["num_tags"] == 2
    assert [g["name"] for g in by_name["groups"]] == ["envi"]
    [resource] = by_name["resources"]
    assert by_name["num_resources"] == 1
    assert resource["format"] == "CSV"
    assert resource["url_type"] == "upload"
    assert resource["url"].startswith("http://testserver/datasets/street-trees/")
    extras = {e["key"]: e["value"] for e in by_name["extras"]}
    assert extras["access_level"] == "public"
    assert extras["theme"] == json.dumps(
        ["http://publications.europa.eu/resource/authority/data-theme/ENVI"]
    )
    assert result(client, "resource_show", id=resource["id"])["package_id"] == trees.identifier


def test_non_public_datasets_exist_only_for_those_who_may_see_them(
    client: Client, town: Any, steward_token: str
) -> None:
    for key in ("staff-phones", town["secret"].identifier, "future-parks"):
        assert call(client, "package_show", id=key)[0] == 404
    assert result(client, "package_show", steward_token, id="staff-phones")["private"] is True
    assert call(client, "package_show", steward_token, id="future-parks")[0] == 404  # parks'
    listed = result(client, "package_list")
    assert listed == ["building-permits", "road-repairs", "street-trees"]
    assert result(client, "package_list", steward_token) == listed
    public = result(client, "package_search", steward_token, **{"facet.field": '["tags"]'})
    assert public["count"] == 3
    assert "confidential-keyword" not in public["facets"]["tags"]
    private = result(
        client,
        "package_search",
        steward_token,
        include_private="true",
        **{"facet.field": '["tags"]'},
    )
    assert private["count"] == 4
    assert private["facets"]["tags"]["confidential-keyword"] == 1
    anonymous = result(client, "package_search", include_private="true")
    assert anonymous["count"] == 3
    assert "confidential-keyword" not in result(client, "tag_list")
    assert "draft-only" not in result(client, "tag_list")
    works = result(client, "organization_show", id="public-works", include_datasets="true")
    assert works["package_count"] == 2
    assert {p["name"] for p in works["packages"]} == {"building-permits", "road-repairs"}
    secret_file = town["secret"].distributions.first()
    if secret_file is not None:
        assert call(client, "resource_show", id=str(secret_file.pk))[0] == 404


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:parks", ["street-trees"]),
        ("-organization:parks", ["building-permits", "road-repairs"]),
        ("NOT organization:parks", ["building-permits", "road-repairs"]),
        ("groups:regi", ["building-permits", "road-repairs"]),
        ("groups:regi +groups:tran", ["road-repairs"]),
        ("groups:regi AND -groups:tran", ["building-permits"]),
        ('tags:"trees"', ["street-trees"]),
        ("tags:(roads OR trees)", ["road-repairs", "street-trees"]),
        ("res_format:GeoJSON", ["road-repairs"]),
        ("license_id:CC0-1.0", ["road-repairs", "street-trees"]),
        ("capacity:public", ["building-permits", "road-repairs", "street-trees"]),
        ("state:active dataset_type:dataset", ["building-permits", "road-repairs", "street-trees"]),
        ("dataset_type:harvest", []),
        (
            "metadata_modified:[2000-01-01T00:00:00Z TO *]",
            ["building-permits", "road-repairs", "street-trees"],
        ),
        ("metadata_modified:[* TO 2000-01-01T00:00:00Z]", []),
        (
            "metadata_modified:[NOW-1DAY TO NOW+1DAY]",
            ["building-permits", "road-repairs", "street-trees"],
        ),
    ],
)
def test_fq_as_harvesters_write_it(client: Client, town: Any, fq: str, expected: list[str]) -> None:
    found = result(client, "package_search", fq=fq, sort="name asc")
    assert names(found) == expected
    assert found["count"] == len(expected)


def test_q_sort_rows_start_and_facets(client: Client, town: Any) -> None:
    assert names(result(client, "package_search", q="trees")) == ["street-trees"]
    assert names(result(client, "package_search", q="tags:roads")) == ["road-repairs"]
    assert result(client, "package_search", q="*:*")["count"] == 3
    by_id = result(client, "package_search", sort="id asc", rows=2)
    ids = sorted(d.identifier for k, d in town.items() if k in ("permits", "trees", "roads"))
    assert [p["id"] for p in by_id["results"]] == ids[:2]
    second = result(client, "package_search", sort="id asc", rows=2, start=2)
    assert [p["id"] for p in second["results"]] == ids[2:]
    newest = result(client, "package_search", sort="metadata_modified desc")
    modified = [p["metadata_modified"] for p in newest["results"]]
    assert modified == sorted(modified, reverse=True)
    oldest = result(client, "package_search", sort="metadata_modified asc")
    assert [p["name"] for p in oldest["results"]] == names(newest)[::-1]
    assert names(result(client, "package_search", sort="title_string desc"))[0] == "street-trees"
    faceted = result(
        client,
        "package_search",
        **{"facet.field": '["organization", "groups", "license_id"]', "facet.limit": "1"},
    )
    assert faceted["facets"]["organization"] == {"public-works": 2}
    assert faceted["search_facets"]["organization"]["items"] == [
        {"name": "public-works", "display_name": "Public Works", "count": 2}
    ]
    assert faceted["facets"]["groups"] == {"regi": 2}
    assert len(result(client, "package_search", rows=1_000_000)["results"]) == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sort": "popularity desc"}, "Search Query Error"),
        ({"sort": "name sideways"}, "Search Query Error"),
        ({"fq": 'tags:"unclosed'}, "Search Query Error"),
        ({"fq": "tags:a OR tags:b"}, "Search Query Error"),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "Search Query Error"),
        ({"fq": "metadata_modified:2026"}, "Search Query Error"),
        ({"rows": "ten"}, "Validation Error"),
        ({"start": "-1"}, "Validation Error"),
        ({"include_private": "perhaps"}, "Validation Error"),
    ],
)
def test_malformed_search_gets_a_clear_error(
    client: Client, town: Any, data: dict[str, str], field: str
) -> None:
    status, body = call(client, "package_search", **data)
    assert status in (400, 409)
    assert body["error"]["__type"] == field


def test_organizations_groups_tags_licenses(client: Client, town: Any) -> None:
    assert result(client, "organization_list") == ["parks", "public-works"]
    everything = result(client, "organization_list", all_fields="true", sort="package_count desc")
    assert [(o["name"], o["package_count"]) for o in everything] == [
        ("public-works", 2),
        ("parks", 1),
    ]
    assert result(client, "organization_show", id=everything[1]["id"])["name"] == "parks"
    groups = result(client, "group_list", all_fields="true")
    regi = next(g for g in groups if g["name"] == "regi")
    assert regi["package_count"] == 2
    shown = result(client, "group_show", id="envi", include_datasets="true")
    assert [p["name"] for p in shown["packages"]] == ["street-trees"]
    assert call(client, "group_show", id="nothing")[0] == 404
    assert result(client, "tag_list") == ["construction", "parks", "permits", "roads", "trees"]
    assert result(client, "tag_list", query="ro") == ["roads"]
    licenses = {entry["id"] for entry in result(client, "license_list")}
    assert {"CC0-1.0", "CC-BY-4.0"} <= licenses


def test_current_package_list_with_resources_and_user_show(
    client: Client, town: Any, steward: Any, steward_token: str
) -> None:
    current = result(client, "current_package_list_with_resources", limit=2)
    assert len(current) == 2
    assert all("resources" in package for package in current)
    rest = result(client, "current_package_list_with_resources", limit=2, offset=2)
    assert len(rest) == 1
    me = result(client, "user_show", steward_token)
    assert me["name"] == steward.username
    assert result(client, "user_show", steward_token, id=steward.username) == me
    assert call(client, "user_show", steward_token, id="someone-else")[0] == 403
    assert result(client, "help_show", name="package_search").startswith("Search datasets")
    assert call(client, "help_show", name="nope")[0] == 404
    assert call(client, "user_show", "not-a-real-token")[0] == 403


def test_writes_are_refused_by_get(client: Client) -> None:
    response = client.get("/api/3/action/package_create")
    assert response.status_code == 400
