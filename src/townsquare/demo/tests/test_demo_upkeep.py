"""The demo town keeps its data current: street light outages refreshed hourly from a source
the portal serves itself, with a diff of added, removed and changed rows between its versions;
one dataset overdue, one due this week, and the reminders that follow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from townsquare.catalog.models import Dataset
from townsquare.datastore import changes, keydiff
from townsquare.datastore.models import DataVersion
from townsquare.demo import sources
from townsquare.demo.tests.test_demo import demo  # noqa: F401  (the fixture)
from townsquare.upkeep import reminders
from townsquare.upkeep.models import Source

pytestmark = pytest.mark.django_db


def test_the_outages_have_two_versions_whose_diff_adds_removes_and_changes(
    demo: str,  # noqa: F811
) -> None:
    old, new = DataVersion.objects.filter(dataset__slug="street-light-outages").order_by("number")
    assert new.table_schema["primaryKey"] == ["outage_id"]
    found = keydiff.compare(old, new)
    assert found.key == ["outage_id"]
    assert found.added > 0 and found.removed > 0 and found.changed > 0
    changed = keydiff.rows(found, change="changed")[0]
    assert changed["changed"][0] in ("status", "crew")
    changes.count_published(new.pk, old.number)  # the worker's count, after the publication
    latest = changes.history(new.dataset)[0]
    assert latest.diff is not None and latest.diff.changed == found.changed
    html = Client().get("/datasets/street-light-outages").content.decode()
    assert "Change history" in html and "being counted" not in html


def test_the_outages_refresh_hourly_from_the_demo_source(demo: str, settings: Any) -> None:  # noqa: F811
    assert "refresh every hour from http://127.0.0.1:8000/demo/sources/" in demo
    source = Source.objects.get(dataset__slug="street-light-outages")
    assert (source.schedule, source.every_hours, source.options) == (
        "hours",
        1,
        {"primary_key": "outage_id"},
    )
    url = "/demo/sources/street-light-outages.csv"
    assert Client().get(url).status_code == 404  # off outside the demo
    settings.DEMO_SOURCES = True
    served = Client().get(url)
    assert served.status_code == 200 and served.content.startswith(b"outage_id,street,pole")
    assert Client(HTTP_IF_NONE_MATCH=served["ETag"]).get(url).status_code == 304
    now = timezone.now()
    assert sources.csv_at(now) == sources.csv_at(now)  # the same hour, the same bytes
    assert sources.csv_at(now) != sources.csv_at(now - timedelta(hours=1))


def test_one_dataset_is_overdue_one_due_this_week_and_the_stewards_hear(demo: str) -> None:  # noqa: F811
    states = dict(Dataset.objects.values_list("slug", "freshness"))
    assert states["building-permits"] == "overdue"
    parcels = Dataset.objects.get(slug="land-use-parcels")
    assert parcels.freshness == "fresh" and parcels.update_due_at is not None
    assert parcels.update_due_at - timezone.now() < timedelta(days=7)
    with TestCase.captureOnCommitCallbacks(execute=True):
        reminders.send_reminders()
    subjects = {m.subject for m in mail.outbox}
    assert "Overdue: Building permits (19 days late)" in subjects
    assert any(
        s.startswith("Due ") and s.endswith("an update of Land-use parcels") for s in subjects
    )
