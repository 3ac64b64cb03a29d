"""The launch program's inventory in a real browser: a steward imports the department's
spreadsheet (a bad file shows each problem by line and imports nothing), adds and edits an item,
starts a dataset draft from it; the coordinator ranks, weighs and shortlists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_review import sign_in
from townsquare.readiness.models import InventoryItem
from townsquare.readiness.tests.helpers import PERMITS, ZONING, csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_steward_imports_fixes_and_drafts_from_the_inventory(
    page: Page, live_server: Any, public_works: Any, steward: Any, tmp_path: Path
) -> None:
    base = live_server.url
    bad = tmp_path / "inventory.csv"
    bad.write_bytes(csv_file([ZONING, ["PW-002", "Trees", "forestry", "", "", "", "", "", "", ""]]))
    sign_in(page, base, "steward")
    page.get_by_role("link", name="Program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The launch program")
    page.get_by_role("link", name="Inventory", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inventory")
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("nothing was imported")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="There is no department 'forestry'.")
    expect(row.get_by_role("cell").first).to_have_text("3")
    assert not InventoryItem.objects.exists()

    good = tmp_path / "fixed.csv"
    good.write_bytes(csv_file([ZONING, PERMITS]))
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(
        page.get_by_text("Imported fixed.csv: 2 created, 0 updated, 0 unchanged.")
    ).to_be_visible()

    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Identifier").fill("PW-003")
    page.get_by_label("Title").fill("Street lights")
    page.get_by_label("Update frequency").fill("every week")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.get_by_text("ISO 8601 repeating duration")).to_be_visible()
    page.get_by_label("Update frequency").fill("R/P1W")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.get_by_text("Street lights is in the inventory.")).to_be_visible()

    page.get_by_label("Access level").select_option("non-public")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say why its access is non-public.")).to_be_visible()
    page.get_by_label("Cannot release because").select_option("security")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Street lights was saved.")).to_be_visible()
    assert InventoryItem.objects.get(identifier="PW-003").reason == "security"

    page.goto(f"{base}/program/inventory/PW-001")
    page.get_by_role("button", name="Start its dataset as a draft").click()
    expect(page.get_by_text("The draft of Zoning districts is ready")).to_be_visible()
    assert InventoryItem.objects.get(identifier="PW-001").state == "in preparation"


def test_the_coordinator_shortlists_from_the_ranking_and_sets_the_weights(
    page: Page, live_server: Any, public_works: Any, coordinator: Any
) -> None:
    base = live_server.url
    for identifier, title, factors in (
        ("PW-001", "Zoning districts", {"public_requests": 12, "purpose": 3}),
        ("PW-002", "Code complaints", {"privacy": "personal", "public_requests": 3}),
    ):
        InventoryItem.objects.create(
            identifier=identifier, title=title, organization=public_works, **factors
        )
    sign_in(page, base, "coordinator")
    page.goto(f"{base}/program/priorities")
    ranking = page.get_by_role("table", name="Inventory items by priority")
    expect(ranking.get_by_role("row").nth(1)).to_contain_text("Zoning districts")
    ranking.get_by_role("row").filter(has_text="Code complaints").get_by_role(
        "button", name="Add"
    ).click()
    expect(page.get_by_text("Code complaints is on the launch shortlist.")).to_be_visible()
    expect(page.get_by_text("Code complaints has a risk nobody marked as handled")).to_be_visible()
    page.get_by_label("Launch shortlist target").fill("1")
    page.get_by_label("Weight of public requests and nominations").fill("0")
    page.get_by_role("button", name="Save the priorities").click()
    expect(page.get_by_text("The priorities were saved.")).to_be_visible()
    expect(page.get_by_label("Launch shortlist target")).to_have_value("1")
