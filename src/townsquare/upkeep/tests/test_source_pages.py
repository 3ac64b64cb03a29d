"""A dataset's source on its page and over the API: set, refresh now, the history, resume, and
remove; refused to those who do not load the dataset's data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.core.actors import SYSTEM
from townsquare.datastore.models import DataVersion
from townsquare.governance.tests.helpers import load
from townsquare.upkeep.models import Source
from townsquare.upkeep.tests.sources import serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="roads", title="Road repairs")
    load(SYSTEM, dataset, b"road,km\nMain,3\n", publish=True)
    return dataset


def test_a_steward_sets_a_source_refreshes_it_and_reads_the_history(
    roads: Any, steward: Any, origin: str
) -> None:
    page = Client()
    page.force_login(steward)
    assert "refresh it from a source on a schedule" in page.get("/datasets/roads").content.decode()
    form = {"kind": "url", "url": f"{origin}/roads.csv", "schedule": "daily", "at": "06:00"}
    saved = page.post("/datasets/roads/source", form, follow=True).content.decode()
    assert "The source is saved" in saved and "daily at 06:00" in saved
    assert last("source.set").actor == "steward"
    serve(b"road,km\nMain,3\nElm,5\n", etag='"v2"')
    with TestCase.captureOnCommitCallbacks(execute=True):
        page.post("/datasets/roads/source/refresh")
    dataset_page = page.get("/datasets/roads").content.decode()
    assert f"Refreshed from <code>{origin}/roads.csv</code>" in dataset_page
    history = page.get("/datasets/roads/source").content.decode()
    assert "Refresh history" in history and "Published" in history and "(HTTP 200)" in history
    assert DataVersion.objects.filter(dataset=roads).count() == 2
    bad = page.post("/datasets/roads/source", {**form, "url": "http://10.1.2.3/x.csv"})
    assert bad.status_code == 200 and "private" in bad.content.decode()
    assert Source.objects.get().url == f"{origin}/roads.csv"  # nothing lost
    gone = page.post("/datasets/roads/source/remove", follow=True).content.decode()
    assert "every version stays" in gone and not Source.objects.exists()
    assert DataVersion.objects.filter(dataset=roads).count() == 2


def test_a_paused_source_is_said_and_resumed_on_the_page(
    roads: Any, steward: Any, origin: str
) -> None:
    page = Client()
    page.force_login(steward)
    page.post(
        "/datasets/roads/source", {"kind": "url", "url": f"{origin}/r.csv", "schedule": "daily"}
    )
    Source.objects.update(paused=True, paused_reason="5 refreshes failed in a row; the last: 503")
    html = page.get("/datasets/roads/source").content.decode()
    assert "Paused." in html and "5 refreshes failed in a row" in html
    page.post("/datasets/roads/source/resume")
    assert not Source.objects.get().paused


def test_others_may_not_see_or_set_the_source(
    roads: Any, viewer: Any, outsider: Any, origin: str
) -> None:
    for person in (viewer, outsider):
        page = Client()
        page.force_login(person)
        assert page.get("/datasets/roads/source").status_code == 403
        url = f"{origin}/r.csv"
        assert page.post("/datasets/roads/source", {"url": url}).status_code == 403
    assert Client().get("/datasets/roads/source").status_code == 302


def test_the_source_over_the_api(roads: Any, steward: Any, viewer: Any, origin: str) -> None:
    secret = token_create(actor=steward, user=steward, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/datasets/roads/source").status_code == 404
    body = {"url": f"{origin}/roads.csv", "schedule": "hours", "every_hours": 6}
    put = api.put("/api/v1/datasets/roads/source", body, content_type="application/json")
    assert put.status_code == 200 and put.json()["period"] == "every 6 hours"
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = api.post("/api/v1/datasets/roads/source/refresh")
    assert started.status_code == 202
    runs = api.get("/api/v1/datasets/roads/refreshes").json()
    assert [(r["status"], r["changed"], r["version"]) for r in runs] == [("unchanged", False, None)]
    bad = api.put(
        "/api/v1/datasets/roads/source",
        {**body, "every_hours": 0},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "every_hours" in str(bad.json())
    assert api.delete("/api/v1/datasets/roads/source").status_code == 204
    theirs = token_create(actor=viewer, user=viewer, name="t")[1]
    other = Client(HTTP_AUTHORIZATION=f"Bearer {theirs}")
    assert other.get("/api/v1/datasets/roads/refreshes").status_code == 403
