from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from townsquare.catalog.models import Dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steward_signs_in_creates_uploads_and_finds_the_dataset(
    page: Page, live_server: Any, steward: Any, tmp_path: Path
) -> None:
    base = live_server.url
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("steward")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="steward")).to_be_visible()

    page.goto(f"{base}/organizations/public-works")
    page.get_by_role("link", name="Add a dataset").click()
    page.get_by_label("Title").fill("Sidewalk snow complaints")
    page.get_by_label("Description").fill("Complaints about **unshovelled** sidewalks, by block.")
    page.get_by_label("Keywords").fill("snow, sidewalks, winter")
    page.get_by_label("Transport").check()
    page.get_by_label("Contact name").fill("Snow desk")
    page.get_by_label("Contact email").fill("snow@town.example")
    page.get_by_label("License").select_option("CC-BY-4.0")
    page.get_by_label("Update frequency").select_option("R/P1W")
    page.get_by_role("button", name="Create dataset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidewalk snow complaints")

    csv_file = tmp_path / "complaints.csv"
    csv_file.write_text("block,complaints\n100 Main St,4\n200 Oak Ave,2\n")
    page.get_by_role("link", name="Upload a file", exact=True).click()
    page.get_by_label("File").set_input_files(str(csv_file))
    page.get_by_label("Title").fill("Complaints by block")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("It is a table: it becomes version 1 of the data table")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Download the original complaints.csv")).to_be_visible()

    page.goto(f"{base}/")
    page.get_by_label("Search datasets").fill("sidewalk complaint")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 dataset for “sidewalk complaint”")).to_be_visible()
    page.get_by_role("link", name="Sidewalk snow complaints").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the original complaints.csv").click()
    downloaded = Path(download_info.value.path()).read_text()
    assert downloaded.startswith("block,complaints")
    assert Dataset.objects.get().keywords == ["snow", "sidewalks", "winter"]


def test_search_filters_work_without_javascript(
    browser: Any, live_server: Any, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works, slug="trees", title="Street trees", keywords=["trees"])
    make_dataset(public_works, slug="roads", title="Road resurfacing", keywords=["roads"])
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/datasets")
    page.get_by_role("link", name="roads").click()
    expect(page.get_by_role("heading", name="1 dataset")).to_be_visible()
    expect(page.get_by_role("link", name="Road resurfacing")).to_be_visible()
    page.get_by_role("link", name="Remove filter: roads").click()
    expect(page.get_by_role("heading", name="2 datasets")).to_be_visible()
    context.close()
