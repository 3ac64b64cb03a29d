"""Exports in every format, whole (cached per version, revalidated by ETag) or of a query, with
spreadsheet formulas neutralized."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from openpyxl import load_workbook

from townsquare.datastore import exports
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = pytest.mark.django_db

URL = "/api/v1/datasets/flights/export"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def flights(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="flights", title="Flights")
    version = ingest(dataset, "flights.csv", flights_csv())
    assert version.status == "ready", version.error
    return version


def body(response: Any) -> bytes:
    content: bytes = response.getvalue()
    return content


def test_whole_csv_is_cached_and_revalidated(flights: Any) -> None:
    response = Client().get(f"{URL}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="flights.csv"'
    etag = response["ETag"]
    assert flights.content_hash[:24] in etag and "-v1-csv" in etag
    table = list(csv.reader(io.StringIO(body(response).decode())))
    assert table[0] == ["id", "carrier", "month", "dep_delay", "origin", "flight_date", "note"]
    assert len(table) == 301
    assert table[4][1] == "'" + FORMULA
    assert table[17][3] == ""  # NA is empty
    stored = f"{flights.parquet.rsplit('/', 1)[0]}/exports/flights.csv"
    assert default_storage.exists(stored)
    assert int(response["Content-Length"]) == default_storage.size(stored)
    again = Client().get(f"{URL}.csv", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_json_ndjson_and_parquet(flights: Any) -> None:
    rows = json.loads(body(Client().get(f"{URL}.json")))
    assert len(rows) == 300
    assert rows[0] == {
        "id": 1,
        "carrier": "AA",
        "month": 2,
        "dep_delay": 17,
        "origin": "EWR",
        "flight_date": "2013-02-02",
        "note": "morning",
    }
    lines = body(Client().get(f"{URL}.ndjson")).decode().splitlines()
    assert len(lines) == 300 and json.loads(lines[3])["carrier"] == FORMULA  # not a spreadsheet
    response = Client().get(f"{URL}.parquet")
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(body(response)))
    assert table.num_rows == 300
    assert table.column_names == [
        "id",
        "carrier",
        "month",
        "dep_delay",
        "origin",
        "flight_date",
        "note",
    ]


def test_xlsx_keeps_types_and_neutralizes_formulas(flights: Any) -> None:
    response = Client().get(f"{URL}.xlsx", {"where": "id <= 5"})
    assert response["Content-Disposition"] == 'attachment; filename="flights-query.xlsx"'
    book = load_workbook(io.BytesIO(body(response)))
    sheet = book["data"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["id", "carrier", "month"]
    assert values[1][0] == 1 and isinstance(values[1][5], datetime)
    assert values[1][5].date().isoformat() == "2013-02-02"
    cell = sheet.cell(row=5, column=2)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    assert len(values) == 6


def test_xlsx_refuses_more_rows_than_a_sheet_holds(
    flights: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 100)
    response = Client().get(f"{URL}.xlsx")
    assert response.status_code == 400
    assert "300 rows do not fit in a spreadsheet" in response.json()["detail"]


def test_query_exports_take_the_records_parameters(flights: Any) -> None:
    response = Client().get(
        f"{URL}.csv",
        {"select": "carrier, count(*) AS n", "group_by": "carrier", "order_by": "n desc"},
    )
    table = list(csv.reader(io.StringIO(body(response).decode())))
    assert table[0] == ["carrier", "n"] and len(table) == 6
    assert sum(int(n) for _, n in table[1:]) == 300
    limited = Client().get(f"{URL}.json", {"where": "origin = 'JFK'", "limit": "7", "offset": "2"})
    assert [r["id"] for r in json.loads(body(limited))] == [9, 12, 15, 18, 21, 24, 27]
    whole_tag = Client().get(f"{URL}.csv")["ETag"]
    assert response["ETag"] != whole_tag
    bad = Client().get(f"{URL}.csv", {"where": "nope = 1"})
    assert bad.status_code == 400 and "nope" in bad.json()["detail"]
    unknown = Client().get(f"{URL}.docx")
    assert unknown.status_code == 400 and "docx" in unknown.json()["detail"]


def test_geographic_exports(public_works: Any, make_dataset: Any) -> None:
    dataset = make_dataset(public_works, slug="places", title="Places")
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"p{i}"},
            "geometry": {"type": "Point", "coordinates": [-70 + i, 40]},
        }
        for i in range(3)
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    ingest(dataset, "places.geojson", content)
    url = "/api/v1/datasets/places/export"
    collection = json.loads(body(Client().get(f"{url}.geojson")))
    assert collection["type"] == "FeatureCollection"
    assert collection["features"][2] == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-68.0, 40.0]},
        "properties": {"name": "p2"},
    }
    text = body(Client().get(f"{url}.csv")).decode()
    assert text.splitlines()[1] == "p0,POINT (-70 40)"
    rows = json.loads(body(Client().get(f"{url}.json")))
    assert rows[1] == {"name": "p1", "geometry": {"type": "Point", "coordinates": [-69.0, 40.0]}}
    lines = body(Client().get(f"{url}.ndjson")).decode().splitlines()
    assert json.loads(lines[0])["geometry"]["coordinates"] == [-70.0, 40.0]
    book = load_workbook(io.BytesIO(body(Client().get(f"{url}.xlsx"))))
    assert book["data"]["B2"].value == "POINT (-70 40)"
    assert pq.read_table(io.BytesIO(body(Client().get(f"{url}.parquet")))).num_rows == 3


def test_new_version_changes_the_etag_and_the_file(flights: Any) -> None:
    first = Client().get(f"{URL}.csv")
    ingest(flights.dataset, "flights.csv", flights_csv(10))
    second = Client().get(f"{URL}.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert len(body(second).decode().splitlines()) == 11


def test_exports_follow_access(public_works: Any, make_dataset: Any) -> None:
    secret = make_dataset(public_works, slug="secret", access_level="non-public", rights="No.")
    ingest(secret, "s.csv", b"a\n1\n")
    limited = make_dataset(
        public_works, slug="limited", access_level="restricted public", rights="Ask."
    )
    ingest(limited, "l.csv", b"a\n1\n")
    assert Client().get("/api/v1/datasets/secret/export.csv").status_code == 404
    assert Client().get("/api/v1/datasets/limited/export.csv").status_code == 403
