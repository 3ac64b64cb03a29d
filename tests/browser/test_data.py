from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from tests.browser.test_review import sign_in
from townsquare.core.actors import SYSTEM
from townsquare.datastore import services
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_map_draws_every_feature_with_popups(
    page: Page, live_server: Any, public_works: Any, make_dataset: Any, settings: Any
) -> None:
    settings.MAP_TILES_URL = ""  # no internet here: features only
    dataset = make_dataset(public_works, slug="stops", title="Bus stops")
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"Stop {i}", "note": "<b>not markup</b>"},
            "geometry": {"type": "Point", "coordinates": [-71 + i / 100, 42 + i / 100]},
        }
        for i in range(12)
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert ingest(dataset, "stops.geojson", body).status == "ready"
    page.goto(f"{live_server.url}/datasets/stops")
    expect(page.locator("#data-map-status")).to_have_text("The map shows all 12 features.")
    markers = page.locator("#data-map path.leaflet-interactive")
    expect(markers).to_have_count(12)
    markers.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Stop")
    expect(popup).to_contain_text("<b>not markup</b>")  # shown as text, never as HTML


def test_rows_page_sorts_filters_and_pages_by_keyboard(
    page: Page, live_server: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works, slug="flights", title="Flights")
    ingest(dataset, "flights.csv", flights_csv())
    page.goto(f"{live_server.url}/datasets/flights")
    page.get_by_role("link", name="Browse, sort and filter the rows").click()
    expect(page.get_by_role("status").filter(has_text="matching rows")).to_contain_text(
        "300 matching rows · page 1 of 12"
    )
    page.get_by_role("link", name="dep_delay (sort)").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("dep_delay")
    page.get_by_label("Column").select_option("carrier")
    page.get_by_label("Value").fill("UA")
    page.get_by_label("Value").press("Enter")
    expect(page.get_by_role("status").filter(has_text="matching rows")).to_contain_text(
        "60 matching rows · page 1 of 3"
    )
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("dep_delay")
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Page 2 of 3", exact=True)).to_be_visible()
    cells = page.locator("table.rows tbody tr td:nth-child(2)")
    assert set(cells.all_inner_texts()) == {"UA"}


def test_the_page_follows_an_ingest_by_itself(
    page: Page, live_server: Any, public_works: Any, make_dataset: Any, steward: Any, settings: Any
) -> None:
    """Queued, then loading, then ready: the versions table updates and the page shows the
    data without anyone reloading it."""
    dataset = make_dataset(public_works, slug="trips", title="Trips")
    created = services.version_create(
        actor=SYSTEM,
        dataset=dataset,
        upload=ContentFile(flights_csv(400), name="trips.csv"),
        enqueue=False,
        override=True,  # the operator's --publish: published as soon as it is read
    )  # queued: a worker will take it
    sign_in(page, live_server.url, "steward")
    page.goto(f"{live_server.url}/datasets/trips")
    expect(page.locator(f'[data-version-status="{created.version.pk}"]')).to_have_text("queued")
    services.version_ingest(created.version.pk)  # the worker does its job
    expect(page.get_by_text("400 rows, 7 columns")).to_be_visible(timeout=10_000)
