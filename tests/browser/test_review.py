from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, dataset_values
from townsquare.catalog.models import Dataset
from townsquare.governance import workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_steward_submits_and_approver_signs_off(
    page: Page, live_server: Any, public_works: Any, steward: Any, approver: Any
) -> None:
    base = live_server.url
    workflow.dataset_create(
        actor=steward,
        organization=public_works,
        **dataset_values(slug="trees", title="Street trees"),
    )
    sign_in(page, base, "steward")
    page.goto(f"{base}/datasets/trees")
    expect(page.get_by_text("Draft: only Public Works")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of “Street trees”")
    expect(page.get_by_text("Submitted for review; the approvers were told.")).to_be_visible()
    expect(page.get_by_role("button", name="Record my decision")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "approver")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for your sign-off")
    page.get_by_role("link", name="Street trees").click()
    page.get_by_role("combobox", name="Decision").select_option("approve")
    page.get_by_role("textbox", name="Comment").fill("Complete and clear.")
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text("Your decision was recorded: Published.")).to_be_visible()
    expect(page.get_by_text("Complete and clear.")).to_be_visible()
    assert Dataset.objects.get(slug="trees").state == "published"

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/datasets/trees")
    expect(page.get_by_role("heading", level=1)).to_have_text("Street trees")
