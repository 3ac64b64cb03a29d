"""Celebrating successes: milestones recognized by themselves, once, each with a draft the
coordinator publishes or dismisses; announcements on their page, the home page and an Atom feed
that validates; scripts refused with a clear message."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import dataset_values
from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.catalog import services as catalog
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import PermissionDenied
from townsquare.datastore.models import DataVersion
from townsquare.readiness import announcements, milestones, services
from townsquare.readiness.models import Announcement, InventoryItem, Milestone

pytestmark = pytest.mark.django_db


def publish(organization: Any, slug: str, **values: Any) -> Any:
    return catalog.dataset_create(
        actor=SYSTEM,
        organization=organization,
        state="published",
        **dataset_values(slug=slug, title=slug.replace("-", " ").title(), **values),
    )


def test_a_departments_first_dataset_is_a_milestone_with_a_draft_once(public_works: Any) -> None:
    first = publish(public_works, "street-trees")
    publish(public_works, "potholes")
    milestone = Milestone.objects.get()
    assert milestone.key == f"first-dataset:{public_works.pk}" and milestone.dataset == first
    draft = milestone.announcement
    assert draft.state == "draft" and "[Street Trees](/datasets/street-trees)" in draft.body
    assert not Announcement.objects.filter(state="published").exists()  # a draft, not news


def test_the_tenth_dataset_is_a_milestone_and_non_public_ones_are_not_announced(
    public_works: Any,
) -> None:
    publish(public_works, "hidden-roster", access_level="non-public", rights="Internal.")
    assert not Milestone.objects.exists()
    for number in range(10):
        publish(public_works, f"set-{number}")
    assert set(Milestone.objects.values_list("key", flat=True)) == {
        f"first-dataset:{public_works.pk}",
        "datasets:10",
    }


def test_an_items_dataset_published_publishes_the_item(public_works: Any) -> None:
    dataset = catalog.dataset_create(
        actor=SYSTEM, organization=public_works, **dataset_values(slug="zoning")
    )
    item = InventoryItem.objects.create(
        identifier="PW-1",
        title="Zoning",
        organization=public_works,
        dataset=dataset,
        state="in preparation",
    )
    catalog.dataset_set_state(actor=SYSTEM, dataset=dataset, state="published")
    item.refresh_from_db()
    assert item.state == "published"


def test_the_launch_is_a_milestone_and_publishes_its_announcement(
    public_works: Any, coordinator: Any
) -> None:
    services.program_launch(actor=coordinator, override="Council meeting tonight.")
    announcement = Milestone.objects.get(key="launch").announcement
    assert announcement.state == "published"
    assert "Our open data portal is live" in Client().get("/").content.decode()  # latest news
    assert "Our open data portal is live" in Client().get("/announcements").content.decode()
    publish(public_works, "street-trees")  # a later milestone's draft waits for the coordinator
    client = Client()
    client.force_login(coordinator)
    page = client.get("/program/announcements").content.decode()
    assert "Public Works publishes its first dataset" in page
    draft = Milestone.objects.get(key=f"first-dataset:{public_works.pk}").announcement
    client.post(f"/program/announcements/{draft.pk}/publish")
    draft.refresh_from_db()
    assert draft.state == "published"


def test_the_feed_is_valid_atom_with_what_is_shown(coordinator: Any) -> None:
    announcements.announcement_create(actor=coordinator, title="Budget data", body="**New**.")
    announcements.announcement_create(
        actor=coordinator,
        title="Later",
        body="Not yet.",
        publish_at=timezone.now() + timedelta(days=3),
    )
    announcements.announcement_create(actor=coordinator, title="Draft", body="x", publish=False)
    response = Client().get("/announcements/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Budget data"]
    entry = feed.entries[0]
    assert entry.id and entry.updated and entry.link.endswith("/announcements/1") is not None
    assert "<strong>New</strong>" in entry.summary


def test_an_announcement_with_script_is_refused_with_where_it_is(coordinator: Any) -> None:
    for body in (
        "Hello\n<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        'Hi <img src=x onerror="alert(1)">',
    ):
        with pytest.raises(ValidationError) as refused:
            announcements.announcement_create(actor=coordinator, title="News", body=body)
        assert "without scripts" in refused.value.message_dict["body"][0]
    assert not Announcement.objects.exists()
    client = Client()
    client.force_login(coordinator)
    page = client.post(
        "/program/announcements", {"title": "News", "body": "<script>x</script>"}
    ).content.decode()
    assert "without scripts" in page and "&lt;script&gt;" in page


def test_only_coordinators_write_and_drafts_stay_private(
    public_works: Any, steward: Any, coordinator: Any
) -> None:
    with pytest.raises(PermissionDenied):
        announcements.announcement_create(actor=steward, title="Mine", body="x")
    draft = announcements.announcement_create(
        actor=coordinator, title="Soon", body="x", publish=False
    )
    assert Client().get(f"/announcements/{draft.pk}").status_code == 404
    mine = Client()
    mine.force_login(steward)
    assert mine.get("/program/announcements").status_code == 403
    announcements.announcement_update(
        actor=coordinator, entry=draft, title="Now", state="published"
    )
    assert Client().get(f"/announcements/{draft.pk}").status_code == 200
    assert last("announcement.updated").after == {"title": "Now", "state": "published"}


def test_announcements_and_milestones_over_the_api(public_works: Any, coordinator: Any) -> None:
    secret = token_create(actor=coordinator, user=coordinator, name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    refused = client.post(
        "/api/v1/announcements",
        json.dumps({"title": "x", "body": "<iframe src=evil>"}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "body"
    made = client.post(
        "/api/v1/announcements",
        json.dumps({"title": "Budget", "body": "The adopted budget.", "state": "draft"}),
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["state"] == "draft"
    assert Client().get("/api/v1/announcements").json() == []
    client.patch(
        f"/api/v1/announcements/{made.json()['id']}",
        json.dumps({"state": "published"}),
        content_type="application/json",
    )
    assert [a["title"] for a in Client().get("/api/v1/announcements").json()] == ["Budget"]
    publish(public_works, "street-trees")
    milestones = client.get("/api/v1/program/milestones").json()
    assert milestones[0]["key"] == f"first-dataset:{public_works.pk}"
    assert Client().get("/api/v1/program/milestones").status_code in (401, 403)


def test_a_year_of_on_time_updates_is_a_milestone_once(public_works: Any) -> None:
    dataset = publish(public_works, "street-lights", accrual_periodicity="R/P1M")
    now = timezone.now()
    for number, days_ago in enumerate(range(380, 0, -30), start=1):
        DataVersion.objects.create(
            dataset=dataset,
            number=number,
            status="ready",
            source_name="a.csv",
            finished_at=now - timedelta(days=days_ago),
        )
    assert milestones.on_time_years() == [f"on-time-year:{dataset.pk}"]
    assert milestones.on_time_years() == []  # once
    draft = Milestone.objects.get(key=f"on-time-year:{dataset.pk}").announcement
    assert draft.state == "draft" and "every time it said it would" in draft.body


def test_a_late_update_in_the_year_is_no_milestone() -> None:
    now = timezone.now()
    monthly = timedelta(days=30.4)
    steady = [now - timedelta(days=d) for d in range(380, 0, -30)]
    assert milestones.on_time(steady, monthly, now)
    gap = [u for u in steady if not (now - timedelta(days=200) < u < now - timedelta(days=140))]
    assert not milestones.on_time(gap, monthly, now)
    assert not milestones.on_time(steady[1:], monthly, now)  # not a whole year yet
    assert not milestones.on_time(steady[:-2], monthly, now)  # late now
