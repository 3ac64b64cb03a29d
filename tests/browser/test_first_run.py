"""The guided first run on an empty portal, in a real browser: the first admin signs in, is led
from the readiness page through each real page — the purpose, a department and its people, the
governance policy and its signatory, the inventory, the shortlist, a dataset prepared and
signed off — to the launch, and the launch announcement in the feed."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.test_review import sign_in
from townsquare.accounts.models import Membership, User
from townsquare.catalog.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = (
    "Every zoning district of the town with its code and the uses it allows, as adopted by "
    "the council; updated when the zoning map changes."
)


def step(page: Page, base: str, title: str) -> None:
    """Back to the readiness page, then into the named step's real page."""
    page.goto(f"{base}/program/readiness")
    page.get_by_role("list").filter(has_text="Write the purpose").get_by_role(
        "link", name=title, exact=True
    ).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_the_first_admin_is_guided_from_nothing_to_the_launch_announcement(
    page: Page, live_server: Any, settings: Any
) -> None:
    settings.BEFORE_LAUNCH = "coming-soon"
    base = live_server.url
    User.objects.filter(username="admin").delete()
    admin = make_user("admin", is_superuser=True, is_staff=True)
    sign_in(page, base, "admin")
    expect(page.get_by_text("This portal is preparing its launch")).to_be_visible()
    page.get_by_role("link", name="The steps to launch").click()
    expect(page.get_by_role("heading", level=2, name="Getting started")).to_be_visible()

    step(page, base, "Write the purpose")
    page.get_by_label("Title").fill("Why Alder Falls shares data")
    page.get_by_label("Text").fill("To show residents how their town works.")
    page.get_by_role("button", name="Save").click()

    step(page, base, "Add the departments and their people")
    page.get_by_role("link", name="New organization").click()
    page.get_by_role("textbox", name="Name:", exact=True).fill("Planning")
    page.get_by_label("Short name in the address").fill("planning")
    page.get_by_role("button", name="Save").click()
    people = {name: make_user(name) for name in ("sam", "ana", "pat", "mia", "cora")}
    page.goto(f"{base}/people")
    page.get_by_label("Site role of cora").select_option("coordinator")
    page.get_by_role("button", name="Set site role of cora").click()
    page.goto(f"{base}/organizations/planning/members")
    for username, role in (("sam", "steward"), ("ana", "approver"), ("pat", "privacy")):
        page.get_by_label("Username").fill(username)
        page.get_by_role("combobox", name="Role").select_option(role)
        page.get_by_role("button", name="Add").click()
    assert Membership.objects.filter(organization__slug="planning").count() == 3

    step(page, base, "Draft the governance policy and name its signatories")
    page.get_by_label("Document").select_option("policy")
    page.get_by_label("Role").fill("Mayor")
    page.get_by_label("Held by (username)").fill("mia")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Mayor", exact=True)).to_be_visible()
    page.goto(f"{base}/governance-policy/edit")
    page.get_by_label("Title").fill("Data governance policy")
    page.get_by_label("Text").fill("Every dataset is checked and signed off before it is public.")
    page.get_by_role("button", name="Save").click()
    sign_out(page)
    sign_in(page, base, "mia")
    page.goto(f"{base}/governance-policy/versions/1")
    page.get_by_role("button", name="Sign as Mayor").click()
    sign_out(page)

    sign_in(page, base, "admin")
    page.goto(f"{base}/governance/approval")
    page.get_by_role("button", name="Save the policy").click()

    step(page, base, "Build the inventory")
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Identifier").fill("PL-001")
    page.get_by_label("Title").fill("Zoning districts")
    page.get_by_label("Description").fill(DESCRIPTION)
    page.get_by_label("Steward").fill("sam")
    page.get_by_label("License").select_option("CC-BY-4.0")
    page.get_by_label("Update frequency").fill("R/P1Y")
    page.get_by_label("Public requests and nominations (count)").fill("12")
    page.get_by_role("button", name="Add to the inventory").click()

    step(page, base, "Choose the launch shortlist")
    ranking = page.get_by_role("table", name="Inventory items by priority")
    ranking.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Zoning districts is on the launch shortlist.")).to_be_visible()

    step(page, base, "Prepare and publish the shortlisted datasets through sign-off")
    page.get_by_role("link", name="Zoning districts").click()
    page.get_by_role("button", name="Start its dataset as a draft").click()
    page.get_by_label("Keywords").fill("zoning, land use")
    page.get_by_label("Temporal coverage").fill("2020-01-01/2026-12-31")
    page.get_by_label("Spatial coverage").fill("Alder Falls")
    page.get_by_label("Data dictionary URL").fill("https://alderfalls.example/zoning-codes")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for review").click()
    sign_out(page)
    sign_in(page, base, "ana")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name="Zoning districts").click()
    page.get_by_role("combobox", name="Decision").select_option("approve")
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text("Your decision was recorded: Published.")).to_be_visible()
    sign_out(page)

    assert "is coming soon" in Client().get("/datasets").content.decode()
    sign_in(page, base, "admin")
    step(page, base, "Launch")
    expect(page.get_by_role("heading", level=1)).to_have_text("Launch readiness: 100%")
    page.get_by_role("button", name="Launch the portal").click()
    expect(page.get_by_text("The portal is launched")).to_be_visible()
    sign_out(page)

    page.goto(f"{base}/datasets")
    expect(page.get_by_role("link", name="Zoning districts")).to_be_visible()
    feed = feedparser.parse(page.request.get(f"{base}/announcements/feed.atom").body())
    assert not feed.bozo and [e.title for e in feed.entries][0] == "Our open data portal is live"
    assert Organization.objects.count() == 1 and admin.pk and people
