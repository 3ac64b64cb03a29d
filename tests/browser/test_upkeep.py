"""Keeping the demo town's data current, in a real browser: the coordinator's freshness
dashboard and the scheduled jobs; a steward sets a source, refreshes it, reads the changes row
by row and puts an older version forward; mail choices; the public's badge and facet."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_demo_walk import demo, sign_out  # noqa: F401  (demo: a fixture)
from tests.browser.test_review import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
]


def test_the_coordinator_follows_freshness_and_the_jobs(page: Page, live_server: Any) -> None:
    base = live_server.url
    sign_in(page, base, "cio")
    page.get_by_role("link", name="Freshness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Freshness")
    planning = page.locator("section").filter(has_text="Planning and Development")
    rows = planning.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Building permits")  # overdue first
    expect(rows.nth(1)).to_contain_text("19 days")
    page.get_by_role("link", name="Overdue").click()
    expect(page.get_by_role("link", name="Land-use parcels")).to_have_count(0)
    page.get_by_role("link", name="Jobs", exact=True).click()
    job = page.get_by_role("row").filter(has_text="Evaluate every dataset's freshness")
    expect(job).to_contain_text("every hour")
    job.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("runs at the workers' next look")).to_be_visible()
    sign_out(page)


def test_a_steward_refreshes_from_a_source_and_reads_the_changes(
    page: Page, live_server: Any, settings: Any
) -> None:
    base = live_server.url
    settings.DEMO_SOURCES = True
    settings.DATASTORE_ALLOW_HOSTS = [base.split("//", 1)[1]]
    sign_in(page, base, "pw-steward")
    page.goto(f"{base}/datasets/street-light-outages")
    page.get_by_role("link", name="refresh it from a source on a schedule").click()
    page.get_by_label("Address").fill(f"{base}/demo/sources/street-light-outages.csv")
    page.get_by_label("When").select_option("hours")
    page.get_by_label("Every how many hours").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("every hour. Next refresh")).to_be_visible()
    page.get_by_role("button", name="Refresh now").click()
    history = page.get_by_role("table").filter(has_text="Why, or the error")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Published")
    history.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Changes from version 2")).to_be_visible()
    page.get_by_role("link", name="changed", exact=True).click()
    expect(page.locator("table.diff del").first).to_be_visible()
    page.goto(f"{base}/datasets/street-light-outages")
    page.get_by_text("Versions (3)").click()
    page.get_by_role("button", name="Make it current again (version 1)").click()
    expect(page.get_by_text("Version 1 is in the working copy")).to_be_visible()
    sign_out(page)


def test_mail_choices_and_the_public_badge(page: Page, live_server: Any) -> None:
    base = live_server.url
    sign_in(page, base, "pw-steward")
    page.get_by_role("link", name="pw-steward").click()
    page.get_by_role("link", name="Which mails you get").click()
    page.get_by_label("The weekly digest", exact=False).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your mail choices are saved.")).to_be_visible()
    expect(page.get_by_label("The weekly digest", exact=False)).not_to_be_checked()
    sign_out(page)
    page.goto(f"{base}/datasets?freshness=overdue")
    card = page.get_by_role("listitem").filter(has_text="Building permits")
    expect(card.locator(".badge-freshness-overdue")).to_be_visible()
    page.get_by_role("link", name="Building permits").first.click()
    expect(page.locator(".badge-freshness-overdue")).to_contain_text("Overdue")
