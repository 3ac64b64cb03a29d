"""A walk through the demo town in chromium, as each person who uses the portal: the public, a
resident who creates an account and asks for restricted data, the department's steward who
loads data with personal information in it, the privacy officer, the approver and the
coordinator. What the issue's new user tripped over must not happen on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.test_review import sign_in
from townsquare.accounts.models import User
from townsquare.catalog.models import Dataset
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import published_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: Any) -> None:
    settings.MAP_TILES_URL = ""  # no internet here: the map draws its features only
    call_command("demo", verbosity=0)
    for user in User.objects.exclude(username="admin"):
        user.set_password(PASSWORD)
        user.save()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def decide(page: Page, base: str, username: str, title: str, expected: str) -> None:
    sign_in(page, base, username)
    page.goto(f"{base}/review")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_text("Nobody can sign this step")).to_have_count(0)
    page.get_by_role("combobox", name="Decision").select_option("approve")
    page.get_by_role("textbox", name="Comment").fill("Checked.")
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text(f"Your decision was recorded: {expected}.")).to_be_visible()
    sign_out(page)


def test_each_person_walks_through_the_demo_town(
    page: Page, live_server: Any, demo: None, tmp_path: Path
) -> None:
    base = live_server.url
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # The public: the purpose, a search, a map, and restricted data that shows no values.
    page.goto(base)
    expect(page.get_by_text("Open data for Alder Falls")).to_be_visible()
    page.get_by_label("Search datasets").fill("zoning")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Zoning districts").first.click()
    expect(page.locator("#data-map-status")).to_contain_text("The map shows all")
    expect(page.get_by_text("Download the original zoning-districts.geojson")).to_be_visible()
    page.goto(f"{base}/datasets/land-use-parcels")
    expect(page.get_by_role("link", name="sign in to ask for access")).to_be_visible()
    parcels = Dataset.objects.get(slug="land-use-parcels")
    some_address = published_version(parcels).profile["columns"]["address"]["top"][0]["value"]
    expect(page.get_by_text(some_address)).to_have_count(0)  # no values of data it may not read
    assert page.goto(f"{base}/datasets/plow-route-assignments").status == 404

    # A resident creates an account, confirms it and asks for the parcels.
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Username").fill("resident")
    page.get_by_label("Email address").fill("resident@example.org")
    page.get_by_label("Password").first.fill(PASSWORD)
    page.get_by_label("Password, again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"/account/verify/\S+", mail.outbox[-1].body).group(0)
    page.goto(base + link)
    expect(page.get_by_text("Your email address is confirmed, resident")).to_be_visible()
    sign_in(page, base, "resident")
    page.goto(f"{base}/datasets/land-use-parcels")
    page.get_by_label("What do you need the data for?").fill("A study of vacant lots.")
    page.get_by_role("button", name="Request access").click()
    expect(page.get_by_text("Your request was sent; an approver will decide.")).to_be_visible()
    sign_out(page)

    # The planning department's approver grants it; the resident reads the rows.
    sign_in(page, base, "planning-director")
    page.goto(f"{base}/review/access")
    expect(page.get_by_text("A study of vacant lots.")).to_be_visible()
    page.get_by_role("button", name="Grant").first.click()
    sign_out(page)
    sign_in(page, base, "resident")
    page.goto(f"{base}/datasets/land-use-parcels/data")
    expect(page.get_by_role("table").first).to_be_visible()
    sign_out(page)

    # The planner loads permits with the applicants' email addresses in them: held for the
    # privacy officer; the planner withholds the column instead, and it goes to review.
    permits = Dataset.objects.get(slug="building-permits")
    rows = ["permit_number,issued_date,valuation,applicant_email"] + [
        f"BP-2026-9{n:04d},2026-10-{n % 28 + 1:02d},{1000 + n * 37},owner{n}@example.org"
        for n in range(60)
    ]
    upload = tmp_path / "permits-with-emails.csv"
    upload.write_text("\n".join(rows) + "\n")
    sign_in(page, base, "planner")
    page.goto(f"{base}/datasets/building-permits")
    page.get_by_role("link", name="Upload a file", exact=True).click()
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("It is a table: it becomes version 2")).to_be_visible()
    page.get_by_text("Versions (2)").click()
    page.get_by_role("link", name="2 (the version's page: its checks and columns)").click()
    expect(page.get_by_text("1 privacy finding needs a privacy officer's sign-off")).to_be_visible()
    page.get_by_label("Publication of applicant_email").select_option("exclude")
    page.get_by_role("button", name="Make a new version with these columns").click()
    page.goto(f"{base}/datasets/building-permits")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review; the approvers were told.")).to_be_visible()
    sign_out(page)
    decide(page, base, "planning-director", "Building permits", "In review")
    decide(page, base, "cio", "Building permits", "Published")
    permits.refresh_from_db()
    assert published_number(permits) == 3
    assert "applicant_email" not in [f["name"] for f in published_version(permits).fields]
    exported = page.request.get(f"{base}/api/v1/datasets/building-permits/export.csv")
    assert exported.ok and "BP-2026-90001" in exported.text()  # the public's download…
    assert "@example.org" not in exported.text()  # …without the withheld addresses

    # A document for the zoning: the privacy officer looks at it first, then the approvers.
    document = tmp_path / "zoning-map-notes.pdf"
    document.write_bytes(b"%PDF-1.4 notes on the zoning map")
    sign_in(page, base, "planner")
    page.goto(f"{base}/datasets/zoning-districts/files/new")
    page.get_by_label("File").set_input_files(str(document))
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("A privacy officer signs it off before the public sees it")
    ).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    sign_out(page)
    decide(page, base, "records-officer", "Zoning districts", "In review")
    decide(page, base, "planning-director", "Zoning districts", "In review")
    decide(page, base, "cio", "Zoning districts", "Published")
    page.goto(f"{base}/datasets/zoning-districts")
    expect(page.get_by_role("link", name="Download zoning-map-notes.pdf")).to_be_visible()

    # The coordinator: every department has its people; the policy is chosen, not typed.
    sign_in(page, base, "cio")
    page.goto(f"{base}/organizations/public-works/members")
    expect(page.get_by_text("every role is held")).to_be_visible()
    page.goto(f"{base}/governance/approval")
    expect(page.get_by_label("Sign-off 2: who")).to_have_value("coordinator")
    page.goto(f"{base}/audit/")
    expect(page.get_by_text("{'")).to_have_count(0)
    page.goto(f"{base}/review/submitted")
    expect(page.get_by_text("{'role'")).to_have_count(0)
    assert violations == []
