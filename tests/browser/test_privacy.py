from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_review import sign_in
from townsquare.core.actors import SYSTEM
from townsquare.governance.tests.helpers import load
from townsquare.quality import gate
from townsquare.quality.tests.test_privacy import PLANTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steward_withholds_the_personal_columns_on_the_version_page(
    page: Page, live_server: Any, public_works: Any, make_dataset: Any, steward: Any
) -> None:
    base = live_server.url
    dataset = make_dataset(public_works, slug="people", title="People")
    load(SYSTEM, dataset, b"id,amount\n1,120\n2,340\n", publish=True)
    load(steward, dataset, PLANTED.encode())  # held: privacy findings
    sign_in(page, base, "steward")
    page.goto(f"{base}/datasets/people")
    expect(page.get_by_text("Metadata quality")).to_be_visible()
    page.get_by_text("Versions (2)").click()
    page.get_by_role("link", name="2 (the version's page: its checks and columns)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 2 of “People”")
    expect(page.get_by_text("need a privacy officer's sign-off")).to_be_visible()
    for column in ("contact", "card", "tax_id", "notes", "client_ip", "phone_no"):
        page.get_by_label(f"Publication of {column}").select_option("exclude")
    page.get_by_label("Publication of date_of_birth").select_option("coarsen")
    page.get_by_label("Option for date_of_birth").fill("year")
    page.get_by_label("Description of zip").fill("Five-digit ZIP code")
    page.get_by_role("button", name="Make a new version with these columns").click()
    expect(page.get_by_text("Version 3 is being made from the same file")).to_be_visible()
    treated = dataset.data_versions.get(number=3)
    assert treated.status == "ready" and gate.cleared(treated)
    page.goto(f"{base}/datasets/people/data/versions/{treated.pk}")
    expect(page.get_by_text("Withheld from publication")).to_be_visible()
    expect(page.get_by_label("Publication of contact")).to_have_value("exclude")
    expect(page.get_by_label("Description of zip")).to_have_value("Five-digit ZIP code")
