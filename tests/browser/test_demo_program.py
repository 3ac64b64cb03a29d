"""The demo town's launch program in a real browser, as each role sees it: the coordinator's
overview, checklist, inventory, ranking and the milestones' drafts; a steward's own department;
the public's announcements."""

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


def test_each_role_sees_the_demo_towns_program(page: Page, live_server: Any) -> None:
    base = live_server.url
    sign_in(page, base, "cio")
    page.get_by_role("link", name="Program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The launch program")
    expect(page.get_by_text("5 datasets on the shortlist (target 5).")).to_be_visible()
    expect(page.get_by_role("heading", name="Public Works")).to_be_visible()
    page.get_by_role("link", name="Readiness", exact=True).click()
    expect(page.get_by_text("The portal launched on")).to_be_visible()
    page.get_by_role("link", name="Inventory", exact=True).click()
    expect(page.get_by_text("30 items.")).to_be_visible()
    expect(page.get_by_role("link", name="Employee payroll records")).to_be_visible()
    page.get_by_role("link", name="Priorities and shortlist").click()
    expect(page.get_by_role("heading", name="The launch shortlist (5 of 5)")).to_be_visible()
    page.get_by_role("link", name="Announcements", exact=True).click()
    draft = page.get_by_role("listitem").filter(
        has_text="Office of the Town Manager publishes its first dataset"
    )
    draft.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published.")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "pw-steward")
    page.goto(f"{base}/program/inventory")
    expect(page.get_by_role("link", name="Street tree inventory")).to_be_visible()
    expect(page.get_by_role("link", name="Zoning districts")).to_have_count(0)  # Planning's
    page.goto(f"{base}/program/priorities")
    expect(page.get_by_text("Coordinators set the weights.")).to_be_visible()
    sign_out(page)

    page.goto(f"{base}/announcements")
    for title in (
        "Our open data portal is live",
        "Office of the Town Manager publishes its first dataset",
    ):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    page.goto(f"{base}/program")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
