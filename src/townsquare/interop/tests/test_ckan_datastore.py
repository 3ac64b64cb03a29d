"""CKAN's DataStore actions over a published data table: datastore_search with its filters,
q, fields, sort, distinct, paging and record formats; datastore_info; datastore_search_sql;
and the data's access rules."""

from __future__ import annotations

from typing import Any

import ckanapi  # type: ignore[import-untyped]
import pytest
from django.test import Client

from townsquare.datastore.tests.helpers import flights_csv, ingest
from townsquare.interop.tests.test_ckan_reads import call, result

pytestmark = pytest.mark.django_db


@pytest.fixture
def flights(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="flights", title="Flights")
    ingest(dataset, "flights.csv", flights_csv(60))
    return dataset


def resource_of(client: Client, slug: str) -> str:
    package = result(client, "package_show", id=slug)
    [data] = [r for r in package["resources"] if r["datastore_active"]]
    assert data["url"].endswith(f"/api/v1/datasets/{slug}/export.csv")
    return str(data["id"])


def test_search_filters_q_fields_sort_and_paging(client: Client, flights: Any) -> None:
    resource = resource_of(client, "flights")
    everything = result(client, "datastore_search", resource_id=resource)
    assert everything["total"] == 60
    assert len(everything["records"]) == 60
    assert {f["id"]: f["type"] for f in everything["fields"]}["month"] == "int"
    united = result(
        client,
        "datastore_search",
        resource_id=resource,
        filters='{"carrier": "UA", "month": [6, 11]}',
        fields="id,carrier,month",
        sort="id desc",
        limit=2,
    )
    assert [r["carrier"] for r in united["records"]] == ["UA", "UA"]
    assert all(r["month"] in (6, 11) for r in united["records"])
    assert united["records"][0]["id"] > united["records"][1]["id"]
    assert list(united["records"][0]) == ["id", "carrier", "month"]
    second = result(client, "datastore_search", resource_id=resource, sort="id", limit=5, offset=5)
    assert [r["id"] for r in second["records"]] == [6, 7, 8, 9, 10]


def test_search_words_distinct_and_record_formats(client: Client, flights: Any) -> None:
    resource = resource_of(client, "flights")
    evening = result(client, "datastore_search", resource_id=resource, q="evening")
    assert evening["total"] == 12
    distinct = result(
        client, "datastore_search", resource_id=resource, fields="origin", distinct="true"
    )
    assert sorted(r["origin"] for r in distinct["records"]) == ["EWR", "JFK"]
    lists = result(
        client,
        "datastore_search",
        resource_id=resource,
        fields="id",
        sort="id",
        limit=2,
        records_format="lists",
    )
    assert lists["records"] == [[1], [2]]
    text = result(
        client,
        "datastore_search",
        resource_id=resource,
        fields="id,origin",
        sort="id",
        limit=2,
        records_format="csv",
    )
    assert text["records"] == "1,EWR\n2,EWR\n"


@pytest.mark.parametrize(
    "data",
    [
        {"filters": '{"nope": 1}'},
        {"filters": "[1]"},
        {"fields": "id,nope"},
        {"sort": "nope desc"},
        {"records_format": "xml"},
        {"limit": "many"},
    ],
)
def test_bad_search_input_is_a_validation_error(
    client: Client, flights: Any, data: dict[str, str]
) -> None:
    status, body = call(
        client, "datastore_search", resource_id=resource_of(client, "flights"), **data
    )
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"


def test_info_and_sql(client: Client, flights: Any) -> None:
    resource = resource_of(client, "flights")
    info = result(client, "datastore_info", id=resource)
    assert info["meta"]["count"] == 60
    assert "carrier" in [f["id"] for f in info["fields"]]
    found = result(
        client,
        "datastore_search_sql",
        sql="SELECT carrier, count(*) AS n FROM flights GROUP BY carrier ORDER BY carrier",
    )
    assert {r["carrier"]: r["n"] for r in found["records"]}["UA"] == 12
    status, body = call(client, "datastore_search_sql", sql="DELETE FROM flights")
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"


def test_data_follows_the_access_rules(
    client: Client, public_works: Any, make_dataset: Any, steward_token: str
) -> None:
    secret = make_dataset(
        public_works, slug="secret-flights", access_level="non-public", rights="Internal."
    )
    ingest(secret, "flights.csv", flights_csv(10))
    resource = f"data-{secret.pk}"
    assert call(client, "datastore_search", resource_id=resource)[0] == 404
    assert call(client, "datastore_search_sql", sql='SELECT * FROM "secret-flights"')[0] in (
        403,
        404,
        409,
    )
    assert result(client, "datastore_search", steward_token, resource_id=resource)["total"] == 10
    assert call(client, "datastore_search", resource_id="data-999999")[0] == 404
    assert call(client, "datastore_search", resource_id="nonsense")[0] == 404


def test_ckanapi_reads_the_datastore(live_server: Any, flights: Any) -> None:
    with ckanapi.RemoteCKAN(live_server.url) as remote:
        package = remote.action.package_show(id="flights")
        [data] = [r for r in package["resources"] if r["datastore_active"]]
        page = remote.action.datastore_search(
            resource_id=data["id"], filters={"carrier": "DL"}, limit=3
        )
    assert page["total"] == 12
    assert [r["carrier"] for r in page["records"]] == ["DL"] * 3
