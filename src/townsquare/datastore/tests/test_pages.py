"""The data on the dataset page (profile with histograms, map) and the rows page (paging,
sorting, a filter, a word search), rendered on the server."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def flights(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="flights", title="Flights")
    ingest(dataset, "flights.csv", flights_csv())
    return dataset


def ids(html: str) -> list[int]:
    """The id column of the rows table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(m) for m in re.findall(r"<tr><td>(\d+)</td>", body)]


def test_dataset_page_shows_profile_histograms_and_links(flights: Any) -> None:
    html = Client().get("/datasets/flights").content.decode()
    assert "300 rows, 7 columns" in html
    assert html.count('<svg class="histogram"') == 4  # id, month, dep_delay, flight_date
    assert 'aria-label="Distribution in 10 equal ranges: 1.0 to 30.9: 30;' in html
    assert 'href="/datasets/flights/data"' in html
    assert 'href="/api/v1/datasets/flights/export.xlsx"' in html
    assert 'id="data-map"' not in html


def test_rows_page_pages_in_order(flights: Any) -> None:
    first = Client().get("/datasets/flights/data").content.decode()
    assert ids(first) == list(range(1, 26))
    assert "300 matching rows · page 1 of 12" in first
    assert 'href="?page=2#rows" rel="next"' in first
    last = Client().get("/datasets/flights/data", {"page": 12}).content.decode()
    assert ids(last) == list(range(276, 301))
    bigger = Client().get("/datasets/flights/data", {"size": 100, "page": 2}).content.decode()
    assert ids(bigger) == list(range(101, 201))


def test_rows_page_sorts_and_filters(flights: Any) -> None:
    page = Client().get("/datasets/flights/data", {"sort": "dep_delay", "desc": "1"})
    html = page.content.decode()
    assert 'aria-sort="descending"' in html
    delays = [
        int(d)
        for d in re.findall(r"<tr><td>\d+</td><td>[^<]*</td><td>\d+</td><td>(-?\d+)</td>", html)
    ]
    assert delays == sorted(delays, reverse=True) and delays[0] == 69
    assert 'href="?sort=dep_delay#rows"' in html  # the next click sorts ascending
    filtered = (
        Client()
        .get("/datasets/flights/data", {"column": "carrier", "op": "eq", "value": "UA"})
        .content.decode()
    )
    assert "60 matching rows" in filtered
    assert ids(filtered)[:3] == [5, 10, 15]
    assert "export.csv?where=%22carrier%22+%3D+%27UA%27" in filtered
    contains = (
        Client()
        .get("/datasets/flights/data", {"column": "note", "op": "contains", "value": "EVEN"})
        .content.decode()
    )
    assert "60 matching rows" in contains
    empty = Client().get("/datasets/flights/data", {"column": "dep_delay", "op": "empty"})
    assert "17 matching rows" in empty.content.decode()
    words = Client().get("/datasets/flights/data", {"q": "late jfk"}).content.decode()
    assert "20 matching rows" in words


def test_rows_page_explains_a_bad_filter(flights: Any) -> None:
    response = Client().get(
        "/datasets/flights/data", {"column": "month", "op": "gt", "value": "July"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "July" in response.content.decode()
    ignored = Client().get("/datasets/flights/data", {"sort": "nope", "page": "x", "size": "7"})
    assert ids(ignored.content.decode()) == list(range(1, 26))


def test_rows_page_follows_access(
    public_works: Any, make_dataset: Any, client: Client, viewer: Any
) -> None:
    secret = make_dataset(public_works, slug="secret", access_level="non-public", rights="No.")
    ingest(secret, "s.csv", b"code\nhidden\n")
    assert Client().get("/datasets/secret/data").status_code == 404
    client.force_login(viewer)
    assert "hidden" in client.get("/datasets/secret/data").content.decode()
    make_dataset(public_works, slug="nodata")
    assert Client().get("/datasets/nodata/data").status_code == 404


def test_geographic_dataset_has_a_map(public_works: Any, make_dataset: Any, settings: Any) -> None:
    settings.MAP_TILES_URL = "https://tiles.example/{z}/{x}/{y}.png"
    dataset = make_dataset(public_works, slug="places", title="Places")
    features = [
        {
            "type": "Feature",
            "properties": {"label": f"p{i}"},
            "geometry": {"type": "Point", "coordinates": [i, i]},
        }
        for i in range(3)
    ]
    ingest(
        dataset,
        "p.geojson",
        json.dumps({"type": "FeatureCollection", "features": features}).encode(),
    )
    html = Client().get("/datasets/places").content.decode()
    assert 'id="data-map"' in html
    assert 'data-bbox="[0.0, 0.0, 2.0, 2.0]"' in html
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in html
    assert "leaflet-1.9.4/leaflet.js" in html and "The map needs JavaScript" in html
