"""The records query API: every clause against real data, stable pages, cheap totals, errors
that name the offending part, and the access rules of the dataset."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.datastore.query import run
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = pytest.mark.django_db

URL = "/api/v1/datasets/flights/records"


@pytest.fixture
def flights(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="flights", title="Flights")
    version = ingest(dataset, "flights.csv", flights_csv())
    assert version.status == "ready", version.error
    return dataset


def source() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(flights_csv().decode())))


def get(client: Client | None = None, **params: Any) -> Any:
    return (client or Client()).get(URL, params)


def test_first_page_has_fields_rows_total_and_next(flights: Any) -> None:
    body = get().json()
    assert [f["name"] for f in body["fields"]] == [
        "id",
        "carrier",
        "month",
        "dep_delay",
        "origin",
        "flight_date",
        "note",
    ]
    assert body["fields"][3] == {"name": "dep_delay", "title": "dep_delay", "type": "integer"}
    assert (body["total"], body["limit"], body["offset"], len(body["rows"])) == (300, 100, 0, 100)
    assert body["rows"][0]["id"] == 1
    assert body["rows"][0]["flight_date"] == "2013-02-02"
    assert body["rows"][16]["dep_delay"] is None  # "NA" is empty
    assert body["next"].endswith("offset=100")
    assert body["dataset"] == "flights" and body["version"] == 1


def test_pages_in_file_order_cover_every_row_once(flights: Any) -> None:
    seen: list[int] = []
    url: str | None = f"{URL}?limit=70"
    while url:
        body = Client().get(url).json()
        seen += [row["id"] for row in body["rows"]]
        url = body["next"]
    assert seen == list(range(1, 301))


def test_ordered_pages_do_not_overlap_even_with_ties(flights: Any) -> None:
    """dep_delay has many equal values: the position in the file breaks the ties."""
    pages = [
        get(order_by="dep_delay desc", limit=40, offset=offset).json()["rows"]
        for offset in range(0, 300, 40)
    ]
    ids = [row["id"] for page in pages for row in page]
    assert sorted(ids) == list(range(1, 301))
    expected = sorted(
        source(),
        key=lambda r: (
            r["dep_delay"] == "NA",
            -int(r["dep_delay"]) if r["dep_delay"] != "NA" else 0,
            int(r["id"]),
        ),
    )
    assert ids == [int(r["id"]) for r in expected]


def test_where_with_and_or_not_in_between_like_and_null(flights: Any) -> None:
    rows = source()
    cases: dict[str, Callable[[dict[str, str]], bool]] = {
        "carrier = 'UA' and month = 7": lambda r: r["carrier"] == "UA" and r["month"] == "7",
        "carrier in ('AA', 'DL') or month between 2 and 3": lambda r: (
            r["carrier"] in ("AA", "DL") or 2 <= int(r["month"]) <= 3
        ),
        "not (origin = 'EWR')": lambda r: r["origin"] != "EWR",
        "note like '%evening%'": lambda r: "evening" in r["note"],
        "dep_delay is null": lambda r: r["dep_delay"] == "NA",
        "dep_delay is not null and dep_delay >= 60": lambda r: (
            r["dep_delay"] != "NA" and int(r["dep_delay"]) >= 60
        ),
        "flight_date >= date '2013-06-01' and flight_date < '2013-07-01'": lambda r: r[
            "flight_date"
        ].startswith("2013-06"),
        "month(flight_date) = 12 and lower(origin) = 'jfk'": lambda r: (
            r["month"] == "12" and r["origin"] == "JFK"
        ),
    }
    for where, keep in cases.items():
        response = get(where=where, limit=1000)
        assert response.status_code == 200, (where, response.content)
        body = response.json()
        expected = [int(r["id"]) for r in rows if keep(r)]
        assert [row["id"] for row in body["rows"]] == expected, where
        assert body["total"] == len(expected), where


def test_aggregates_group_by_having_and_order(flights: Any) -> None:
    response = get(
        select="carrier, count(*) AS flights, avg(dep_delay) AS delay, min(month), max(month), "
        "sum(dep_delay) AS total, count(distinct origin) AS origins",
        group_by="carrier",
        having="count(*) > 10",
        order_by="flights desc",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [f["name"] for f in body["fields"]] == [
        "carrier",
        "flights",
        "delay",
        "min(month)",
        "max(month)",
        "total",
        "origins",
    ]
    assert [f["type"] for f in body["fields"]] == [
        "string",
        "integer",
        "number",
        "integer",
        "integer",
        "integer",
        "integer",
    ]
    counts = Counter(r["carrier"] for r in source())
    assert {row["carrier"]: row["flights"] for row in body["rows"]} == dict(counts)
    delays = [
        int(r["dep_delay"]) for r in source() if r["carrier"] == "UA" and r["dep_delay"] != "NA"
    ]
    ua = next(row for row in body["rows"] if row["carrier"] == "UA")
    assert ua["delay"] == pytest.approx(sum(delays) / len(delays))
    assert ua["total"] == sum(delays) and ua["origins"] == 2
    assert body["total"] == 5


def test_date_truncation_and_repeated_literals(flights: Any) -> None:
    body = get(
        select="date_trunc('month', flight_date) AS month_start, count(*) AS n",
        group_by="month_start",
        order_by="month_start",
    ).json()
    assert len(body["rows"]) == 12
    assert body["rows"][0] == {"month_start": "2013-01-01", "n": 25}
    labelled = get(
        select="coalesce(cast(dep_delay AS varchar), 'none') AS d, count(*) AS n",
        group_by="coalesce(cast(dep_delay AS varchar), 'none')",
        where="dep_delay is null",
    )
    assert labelled.status_code == 200, labelled.content
    assert labelled.json()["rows"] == [{"d": "none", "n": 17}]


def test_full_text_q_needs_every_word(flights: Any) -> None:
    body = get(q="EVENING late", limit=1000).json()
    assert body["total"] == 60
    assert get(q="evening nowhere").json()["total"] == 0


def test_total_is_counted_once_per_filter(flights: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []
    real = run.fetch

    def spy(sql: str, params: list[Any], **kwargs: Any) -> Any:
        statements.append(sql)
        return real(sql, params, **kwargs)

    monkeypatch.setattr(run, "fetch", spy)
    get(limit=10)  # unfiltered: the version knows its row count
    assert len(statements) == 1
    for offset in (0, 10, 20):
        assert get(where="origin = 'EWR'", limit=10, offset=offset).json()["total"] == 200
    counts = [s for s in statements if s.startswith("SELECT count(*) FROM (")]
    assert len(counts) == 1
    statements.clear()
    assert get(where="origin = 'JFK'", limit=1000).json()["total"] == 100  # the last page
    assert not [s for s in statements if s.startswith("SELECT count(*) FROM (")]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"where": "nope = 1"}, "where", ["Unknown column 'nope'", "carrier"]),
        ({"select": "carrier, read_csv('/etc/passwd')"}, "select", ["read_csv", "not allowed"]),
        ({"where": "current_setting('allowed_paths') = ''"}, "where", ["current_setting"]),
        ({"where": "id in (select 1)"}, "where", ["not a query"]),
        ({"where": "exists (select 1)"}, "where", ["Subqueries"]),
        ({"where": "carrier = 'UA' and and"}, "where", ["where:"]),
        ({"where": "count(*) > 1"}, "where", ["count() is not allowed in where"]),
        ({"where": "1 = 1; DROP TABLE x"}, "where", ["one expression"]),
        ({"select": "* FROM read_csv('/etc/passwd')"}, "select", ["select lists"]),
        ({"order_by": "(select 1)"}, "order_by", ["Subqueries"]),
        ({"group_by": "carrier having 1"}, "group_by", ["group_by lists"]),
        ({"where": "carrier = $1"}, "where", ["Parameters"]),
        ({"select": "row_number() over ()"}, "select", ["Window functions"]),
        ({"select": "cast(id AS blob)"}, "select", ["Cannot cast"]),
        ({"select": "date_trunc('fortnight', flight_date)"}, "select", ["fortnight"]),
        ({"where": "'a' = 'b' -- */"}, "where", []),
        ({"bbox": "1,2,3,4"}, "bbox", ["no geometry"]),
        ({"having": "count(*) > 1"}, "having", ["group_by"]),
        ({"format": "geojson"}, "format", ["no geometry"]),
        ({"where": "month = 'July'"}, None, ["July"]),
        ({"limit": "10001"}, "limit", []),
        ({"offset": "-1"}, "offset", []),
        ({"where": "(" * 3000 + "1" + ")" * 3000}, "where", []),
    ],
)
def test_bad_queries_are_400_naming_the_problem(
    flights: Any, params: dict[str, Any], field: str | None, words: list[str]
) -> None:
    response = get(**params)
    if params.get("where") == "'a' = 'b' -- */":  # a comment is ignored, the rest is fine
        assert response.status_code == 200 and response.json()["total"] == 0
        return
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    text = json.dumps(body)
    for word in words:
        assert word in text, (word, body)
    if field:
        assert body["errors"][0]["field"] == field, body
    assert "/files/" not in text and "read_parquet" not in text  # no paths, no generated SQL


def test_csv_neutralizes_formulas(flights: Any) -> None:
    response = get(format="csv", where="id <= 5")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["id", "carrier", "month", "dep_delay", "origin", "flight_date", "note"]
    assert table[1][:2] == ["1", "AA"]
    assert table[4][1] == "'=cmd|' /C calc'!A0"
    assert response["X-Total-Count"] == "5"


def test_geojson_and_bbox(public_works: Any, make_dataset: Any) -> None:
    dataset = make_dataset(public_works, slug="places", title="Places")
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"p{i}"},
            "geometry": {"type": "Point", "coordinates": [-70 + i, 40 + i / 2]},
        }
        for i in range(10)
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert ingest(dataset, "places.geojson", content).status == "ready"
    url = "/api/v1/datasets/places/records"
    collection = Client().get(url, {"format": "geojson", "bbox": "-68.5,40,-65.5,45"})
    assert collection["Content-Type"] == "application/geo+json"
    body = collection.json()
    assert body["type"] == "FeatureCollection" and body["total"] == 3
    assert [f["properties"]["name"] for f in body["features"]] == ["p2", "p3", "p4"]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [-68.0, 41.0]}
    plain = Client().get(url, {"where": "name = 'p1'"}).json()
    assert plain["rows"] == [
        {"name": "p1", "geometry": {"type": "Point", "coordinates": [-69.0, 40.5]}}
    ]
    wkt = Client().get(url, {"where": "name = 'p1'", "format": "csv"}).content.decode()
    assert "POINT (-69 40.5)" in wkt
    grouped = Client().get(url, {"select": "count(*)", "format": "geojson"})
    assert grouped.status_code == 400 and "grouped" in grouped.json()["detail"]
    bad = Client().get(url, {"bbox": "10,10,0,0"})
    assert bad.status_code == 400 and "west ≤ east" in bad.json()["detail"]
    filter_geometry = Client().get(url, {"where": "geometry is null"})
    assert filter_geometry.status_code == 400 and "bbox" in filter_geometry.json()["detail"]


def test_access_follows_the_dataset(
    public_works: Any, make_dataset: Any, viewer: Any, outsider: Any
) -> None:
    secret = make_dataset(public_works, slug="secret", access_level="non-public", rights="Private.")
    ingest(secret, "s.csv", b"code\nhidden-value\n")
    limited = make_dataset(
        public_works, slug="limited", access_level="restricted public", rights="Ask us."
    )
    ingest(limited, "l.csv", b"code\nlimited-value\n")
    assert Client().get("/api/v1/datasets/secret/records").status_code == 404
    refused = Client().get("/api/v1/datasets/limited/records")
    assert refused.status_code == 403 and "limited-value" not in refused.content.decode()
    _, token = token_create(actor=outsider, user=outsider, name="t")
    outsider_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert outsider_client.get("/api/v1/datasets/secret/records").status_code == 404
    _, token = token_create(actor=viewer, user=viewer, name="t")
    member = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert member.get("/api/v1/datasets/secret/records").json()["rows"] == [
        {"code": "hidden-value"}
    ]
    assert member.get("/api/v1/datasets/limited/records").status_code == 200


def test_dataset_without_data_says_so(public_works: Any, make_dataset: Any) -> None:
    make_dataset(public_works, slug="empty")
    response = Client().get("/api/v1/datasets/empty/records")
    assert response.status_code == 404
    assert response.json()["detail"] == "Dataset 'empty' has no data table yet."


@pytest.mark.parametrize(
    "path",
    [
        URL + "?limit=5",
        URL + "?format=csv&where=carrier='UA'",
        "/api/v1/datasets/flights/export.csv",
        "/api/v1/datasets/flights/export.ndjson?where=month=1",
    ],
)
def test_a_query_costs_one_catalog_query(
    flights: Any, path: str, django_assert_num_queries: Any
) -> None:
    """The lean lookup loads every field queries and exports read: nothing is fetched later."""
    client = Client()
    assert client.get(path).status_code == 200
    with django_assert_num_queries(1):
        response = client.get(path)
        assert response.status_code == 200
        response.getvalue()


def test_query_errors_are_plain_words_naming_the_column_operator_or_value(
    public_works: Any, make_dataset: Any
) -> None:
    ingest(make_dataset(public_works, slug="planes"), "f.csv", flights_csv(40))
    client = Client()
    expected = {
        (("where", "dep_delay > 'abc'"),): "dep_delay > 'abc' compares dep_delay, which holds "
        "whole numbers, with 'abc', which is not one.",
        (("where", "flight_date > 'yesterday'"),): "which holds dates",
        (("where", "carrier > 5 and"),): "something is missing after 'and' (character 15)",
        (("select", "sum(carrier)"),): "sum() cannot be used on text",
        (("select", "month"), ("group_by", "carrier")): "month must be in group_by",
        (("where", "dep_delay + 'x' > 1"),): "'x' is not a whole number.",
    }
    for params, words in expected.items():
        response = client.get("/api/v1/datasets/planes/records", dict(params))
        detail = response.json()["detail"]
        assert response.status_code == 400 and words in detail, (params, detail)
        for internal in ("sqlglot", "<class", "INT64", "VARCHAR", "Binder", "Conversion"):
            assert internal not in detail, (params, detail)
    page = client.get("/datasets/planes/data", {"column": "dep_delay", "op": "gt", "value": "abc"})
    assert "which holds whole numbers, with &#x27;abc&#x27;, which is not one" in (
        page.content.decode()
    )
