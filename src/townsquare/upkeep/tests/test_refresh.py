"""Scheduled refresh from a source: an unchanged source is a no-op (304, or the same content);
a changed one is published when the refresh rule allows and held for review otherwise, with the
reason told to the stewards; failures are retried with backoff and pause the schedule; every
fault ends in a clear state, the published version serving throughout."""

from __future__ import annotations

import io
from datetime import time, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from openpyxl import Workbook

from townsquare.core.actors import SYSTEM
from townsquare.core.errors import PermissionDenied
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import published_number
from townsquare.datastore.tests.test_ingest import _shapefile
from townsquare.governance.models import Change
from townsquare.governance.tests.helpers import load
from townsquare.upkeep import refresh, schedules, sources
from townsquare.upkeep.models import RefreshRun, Source
from townsquare.upkeep.tests.sources import ASKED, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads(public_works: Any, make_dataset: Any, steward: Any) -> Any:
    dataset = make_dataset(public_works, slug="roads", title="Road repairs")
    load(SYSTEM, dataset, b"road,km\nMain,3\n", publish=True)
    return dataset


def with_source(actor: Any, dataset: Any, url: str, **values: Any) -> Source:
    return sources.source_set(actor=actor, dataset=dataset, url=url, **values)


def run_once(dataset: Any) -> RefreshRun:
    """The scheduler's job, then the queued refresh (the test's tasks run at once)."""
    Source.objects.filter(dataset=dataset).update(next_run_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        claimed = sources.claim_due()
    assert len(claimed) == 1
    return RefreshRun.objects.get(pk=claimed[0])


def test_an_unchanged_source_makes_no_version(roads: Any, steward: Any, origin: str) -> None:
    with_source(steward, roads, f"{origin}/roads.csv")
    first = run_once(roads)
    assert (first.status, first.changed, first.version) == ("unchanged", False, None)
    assert Source.objects.get().etag == '"v1"'  # the same content as the published version
    second = run_once(roads)
    assert (second.status, second.http_status) == ("unchanged", 304)
    assert ASKED[-1]["if-none-match"] == '"v1"'
    serve(etag="")  # a server without validators: the content hash decides
    assert run_once(roads).status == "unchanged"
    assert DataVersion.objects.filter(dataset=roads).count() == 1


def test_a_changed_source_with_the_same_columns_is_published(
    roads: Any, steward: Any, origin: str
) -> None:
    with_source(steward, roads, f"{origin}/roads.csv")
    serve(b"road,km\nMain,3\nElm,5\n", etag='"v2"')
    done = run_once(roads)
    assert (done.status, done.changed, done.bytes) == ("published", True, 21)
    now = published_version(roads)
    assert now is not None and (now.number, now.row_count) == (2, 2)
    assert now.source_url == f"{origin}/roads.csv"
    assert mail.outbox == []  # nothing to tell


def test_a_changed_column_type_is_held_with_the_reason_told(
    roads: Any, steward: Any, origin: str, django_capture_on_commit_callbacks: Any
) -> None:
    with_source(steward, roads, f"{origin}/roads.csv")
    serve(b"road,km\nMain,three\n", etag='"v2"')
    with django_capture_on_commit_callbacks(execute=True):
        done = run_once(roads)
    assert done.status == "held"
    assert done.reason == "column `km` changed from whole number to text"
    assert published_number(roads) == 1  # the published version keeps serving
    assert Change.objects.get(dataset=roads).data_version == done.version
    told = mail.outbox[-1]
    assert told.to == ["steward@town.example"]
    assert told.subject == "A refresh of Road repairs waits for review"
    assert "column `km` changed from whole number to text" in told.body


def test_the_first_data_from_a_source_waits_for_review(
    public_works: Any, make_dataset: Any, steward: Any, origin: str
) -> None:
    empty = make_dataset(public_works, slug="empty")
    with_source(steward, empty, f"{origin}/roads.csv")
    done = run_once(empty)
    assert done.status == "held" and "first data is reviewed" in done.reason


@pytest.mark.parametrize(
    ("served", "error"),
    [
        ({"status": 500}, "The server answered 500 Internal Server Error."),
        ({"content_type": "text/html", "body": b"<html>Sign in</html>"}, "a web page"),
        ({"location": "http://169.254.169.254/latest/meta-data/"}, "link-local or metadata"),
        ({"delay": 3.0}, "did not answer within 1 s"),
        ({"body": b"x" * 5000}, "larger than this portal's limit"),
        (
            {"body": b"\x00\x01\x02garbage", "content_type": "application/octet-stream"},
            "could not be read",
        ),
    ],
    ids=["500", "html", "redirect-to-metadata", "hangs", "too-large", "unreadable"],
)
def test_each_fault_ends_failed_with_its_reason_and_the_data_keeps_serving(
    roads: Any, steward: Any, origin: str, settings: Any, served: dict[str, Any], error: str
) -> None:
    settings.DATASTORE_READ_TIMEOUT = 1
    settings.UPLOAD_MAX_BYTES = 4096
    with_source(steward, roads, f"{origin}/roads.csv")
    serve(etag='"broken"', **served)
    done = run_once(roads)
    assert done.status == "failed" and error in done.error
    assert published_number(roads) == 1
    source = Source.objects.get()
    assert source.failures == 1 and not source.paused
    assert source.next_run_at <= timezone.now() + timedelta(minutes=5, seconds=5)  # backoff


def test_failures_back_off_then_pause_the_schedule_and_tell_the_stewards(
    roads: Any, steward: Any, origin: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REFRESH_MAX_FAILURES = 3
    source = with_source(steward, roads, f"{origin}/roads.csv", schedule="daily", at=time(6))
    serve(status=503)
    now = timezone.now()
    waits = []
    for _ in range(2):
        run_once(roads)
        waits.append(Source.objects.get().next_run_at - now)
    assert timedelta(minutes=4) < waits[0] < timedelta(minutes=6)  # 5 minutes
    assert timedelta(minutes=9) < waits[1] < timedelta(minutes=11)  # then 10
    with django_capture_on_commit_callbacks(execute=True):
        run_once(roads)
    source.refresh_from_db()
    assert source.paused and "3 refreshes failed in a row" in source.paused_reason
    assert mail.outbox[-1].subject == "Refreshes paused: Road repairs"
    Source.objects.update(next_run_at=timezone.now())
    assert sources.claim_due() == []  # a paused schedule is not run
    serve()
    sources.source_resume(actor=steward, dataset=roads)
    assert run_once(roads).status == "unchanged"
    assert Source.objects.get().failures == 0


def test_a_run_whose_worker_died_ends_failed_and_the_next_one_runs(
    roads: Any, steward: Any, origin: str
) -> None:
    with_source(steward, roads, f"{origin}/roads.csv")
    stuck = RefreshRun.objects.create(
        source=Source.objects.get(), started_at=timezone.now() - timedelta(hours=1)
    )
    assert run_once(roads).status == "unchanged"
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "The worker stopped during the refresh" in stuck.error
    assert published_number(roads) == 1
    reading = RefreshRun.objects.create(
        source=Source.objects.get(),
        started_at=timezone.now() - timedelta(hours=1),
        version=published_version(roads),
    )
    assert sources.interrupted(timezone.now()) == 1
    reading.refresh_from_db()
    assert "Version 1, which it was reading, is the datastore's" in reading.error


def test_two_workers_claiming_at_once_queue_one_refresh(
    roads: Any, steward: Any, origin: str
) -> None:
    source = with_source(steward, roads, f"{origin}/roads.csv")
    Source.objects.update(next_run_at=timezone.now())
    source.refresh_from_db()
    first = Source.objects.filter(pk=source.pk, next_run_at=source.next_run_at).update(
        next_run_at=timezone.now() + timedelta(days=1)
    )
    assert first == 1
    assert sources.claim_due() == []  # the other worker's claim finds it taken


def test_an_arcgis_layer_is_read_page_by_page_and_its_edit_date_says_unchanged(
    public_works: Any, make_dataset: Any, steward: Any, coordinator: Any, origin: str
) -> None:
    hydrants = make_dataset(public_works, slug="hydrants", title="Hydrants")
    url = f"{origin}/arcgis/rest/services/Hydrants/FeatureServer/0"
    with_source(steward, hydrants, url, kind="arcgis", schedule="hours", every_hours=6)
    first = run_once(hydrants)
    assert first.status == "held" and first.version is not None
    version = first.version
    assert (version.row_count, version.is_geographic) == (7, True)
    pages = [a["path"] for a in ASKED if "/query?" in a["path"]]
    assert len(pages) == 3 and "resultOffset=6" in pages[-1] and "f=geojson" in pages[0]
    assert run_once(hydrants).status == "unchanged"  # the same last edit date: no query
    assert len([a for a in ASKED if "/query?" in a["path"]]) == 3


def test_a_source_is_checked_when_it_is_set(roads: Any, steward: Any, viewer: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        with_source(steward, roads, "http://10.0.0.1/x.csv")
    assert "private" in str(refused.value)
    with pytest.raises(ValidationError) as arcgis:
        with_source(steward, roads, "https://example.com/data.csv", kind="arcgis")
    assert "/FeatureServer/" in str(arcgis.value)
    with pytest.raises(ValidationError):
        with_source(steward, roads, "https://example.com/x.csv", schedule="hours", every_hours=0)
    with pytest.raises(PermissionDenied):
        with_source(viewer, roads, "https://example.com/x.csv")


def test_schedules_in_the_site_time_zone(roads: Any, steward: Any, origin: str) -> None:
    weekly = with_source(
        steward, roads, f"{origin}/r.csv", schedule="weekly", weekday=2, at=time(5)
    )
    assert str(schedules.period_of(weekly)) == "every Wednesday at 05:00"
    hourly = with_source(steward, roads, f"{origin}/r.csv", schedule="hours", every_hours=6)
    assert str(schedules.period_of(hourly)) == "every 6 hours"
    assert refresh.retry_at(hourly, timezone.now()) <= timezone.now() + timedelta(hours=6)


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["road", "km"])
    sheet.append(["Main", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"road": ["Main"], "km": [3]}), buffer)
    return buffer.getvalue()


GEOJSON = (
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"road": '
    b'"Main"}, "geometry": {"type": "Point", "coordinates": [-72.5, 42.3]}}]}'
)


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        (
            "roads.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("roads.json", b'[{"road": "Main", "km": 3}]', "application/json"),
        ("roads.geojson", GEOJSON, "application/geo+json"),
        ("roads.parquet", _parquet(), "application/octet-stream"),
        ("places.zip", None, "application/zip"),
    ],
    ids=["xlsx", "json", "geojson", "parquet", "shapefile"],
)
def test_every_format_refreshes_through_the_same_ingest(
    public_works: Any,
    make_dataset: Any,
    steward: Any,
    origin: str,
    tmp_path: Any,
    name: str,
    body: bytes | None,
    content_type: str,
) -> None:
    dataset = make_dataset(public_works, slug="roads")
    content = body if body is not None else _shapefile(tmp_path, "EPSG:4326", -72.5, 42.3)
    serve(content, content_type=content_type)
    with_source(steward, dataset, f"{origin}/{name}")
    done = run_once(dataset)
    assert done.status == "held" and done.version is not None, done.error
    assert done.version.status == "ready" and done.version.row_count == 1
