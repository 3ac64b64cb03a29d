"""The strict Content Security Policy breaks nothing: pages, the map, the histograms, the rows
page, the review screen, the API's docs and the admin show no violation in chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_review import sign_in
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_violates_the_content_security_policy(
    page: Page, live_server: Any, public_works: Any, make_dataset: Any, admin: Any, settings: Any
) -> None:
    settings.MAP_TILES_URL = ""  # no internet here: features only
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    stops = make_dataset(public_works, slug="stops", title="Bus stops")
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"Stop {i}"},
            "geometry": {"type": "Point", "coordinates": [-71 + i / 100, 42]},
        }
        for i in range(5)
    ]
    geojson = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert ingest(stops, "stops.geojson", geojson).status == "ready"
    flights = make_dataset(public_works, slug="flights", title="Flights")
    assert ingest(flights, "flights.csv", flights_csv(100)).status == "ready"
    base = live_server.url
    page.goto(f"{base}/datasets/stops")
    expect(page.locator("#data-map-status")).to_have_text("The map shows all 5 features.")
    page.goto(f"{base}/datasets/flights")
    expect(page.locator("svg.histogram").first).to_be_visible()
    page.goto(f"{base}/datasets/flights/data")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/api/v1/docs")
    expect(page.get_by_text("Townsquare API").first).to_be_visible()
    sign_in(page, base, "admin")
    for path in ("/", "/datasets", "/account", "/review", "/audit/", "/quality/", "/admin/"):
        page.goto(f"{base}{path}")
        expect(page.locator("h1").first).to_be_visible()
    assert violations == []
