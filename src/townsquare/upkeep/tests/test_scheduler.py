"""The scheduler: each job once per period, with several workers at once; a failure recorded
and retried at the next period; a run whose worker died taken over; staff see and start jobs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.core import watchdogs
from townsquare.upkeep import jobs, scheduler
from townsquare.upkeep.models import Job
from townsquare.upkeep.periods import Daily, Every, Weekly

RUNS: list[str] = []


def _counted(now: datetime) -> str:
    RUNS.append(threading.current_thread().name)
    return "counted"


def _broken(now: datetime) -> str:
    raise RuntimeError("the source answered 500")


@pytest.fixture
def only(request: Any) -> Iterator[Any]:
    """The scheduler with only the given test jobs defined."""
    saved = dict(scheduler.DEFINITIONS)
    scheduler.DEFINITIONS.clear()
    RUNS.clear()

    def define(*definitions: scheduler.Definition) -> None:
        for definition in definitions:
            scheduler.define(definition)

    yield define
    scheduler.DEFINITIONS.clear()
    scheduler.DEFINITIONS.update(saved)


HOURLY = scheduler.Definition("counted", "Count", Every(timedelta(hours=1)), _counted)


@pytest.mark.django_db
def test_a_due_job_runs_once_per_period(only: Any) -> None:
    only(HOURLY)
    now = timezone.now()
    assert scheduler.tick(now, background=False) == ["counted"]
    assert scheduler.tick(now + timedelta(minutes=59), background=False) == []
    assert scheduler.tick(now + timedelta(minutes=61), background=False) == ["counted"]
    job = Job.objects.get(name="counted")
    assert (job.runs, job.last_status, job.last_result) == (2, "ok", "counted")
    assert job.next_run_at == now + timedelta(minutes=121)
    assert len(RUNS) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_with_its_error_and_runs_again_next_period(only: Any) -> None:
    only(scheduler.Definition("broken", "Break", Every(timedelta(hours=1)), _broken), HOURLY)
    now = timezone.now()
    assert scheduler.tick(now, background=False) == ["broken", "counted"]  # the next still ran
    job = Job.objects.get(name="broken")
    assert job.last_status == "failed" and "RuntimeError: the source answered 500" in job.last_error
    assert job.failures == 1 and job.next_run_at == now + timedelta(hours=1)
    assert scheduler.tick(now + timedelta(minutes=30), background=False) == []
    scheduler.tick(now + timedelta(hours=1), background=False)
    assert Job.objects.get(name="broken").failures == 2


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_taken_over_and_said(only: Any) -> None:
    only(HOURLY)
    now = timezone.now()
    scheduler.sync(now)
    Job.objects.filter(name="counted").update(
        last_status="running", last_started_at=now - timedelta(hours=2), next_run_at=now
    )
    assert scheduler.tick(now + timedelta(minutes=1), background=False) == ["counted"]
    assert Job.objects.get(name="counted").last_status == "ok"
    Job.objects.filter(name="counted").update(
        last_status="running", last_started_at=now, next_run_at=now
    )
    assert scheduler.tick(now + timedelta(minutes=1), background=False) == []  # still running
    assert scheduler.mark_interrupted(now + timedelta(hours=1)) == 1
    assert Job.objects.get(name="counted").get_last_status_display() == (
        "Interrupted (its worker stopped)"
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_job_once(only: Any) -> None:
    """Two workers (threads with their own database connections) look at the same moment, many
    times over: every period's run is claimed by exactly one of them. PostgreSQL, as deployed
    with several workers (SQLite's in-memory test database cannot be shared by writing threads;
    its write transactions are IMMEDIATE, one at a time by construction)."""
    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is in memory: threads cannot write to it")
    only(HOURLY, scheduler.Definition("other", "Other", Every(timedelta(hours=1)), _counted))
    start = timezone.now()
    claimed: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            for period in range(10):
                barrier.wait(timeout=20)
                claimed.extend(scheduler.tick(start + timedelta(hours=period), background=False))
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,), name=n) for n in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == sorted(["counted", "other"] * 10)
    assert len(RUNS) == 20 and {j.runs for j in Job.objects.all()} == {10}


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_due_jobs_in_a_thread_beside_its_tasks(only: Any, settings: Any) -> None:
    only(HOURLY)
    settings.SCHEDULER_ENABLED = True
    watchdogs.run_all()  # what `townsquare worker` does every 10 seconds
    for thread in threading.enumerate():
        if thread.name == "job-counted":
            thread.join(timeout=10)
    assert RUNS == ["job-counted"]
    assert Job.objects.get(name="counted").last_status == "ok"
    settings.SCHEDULER_ENABLED = False
    Job.objects.update(next_run_at=timezone.now())
    watchdogs.run_all()
    assert Job.objects.get(name="counted").runs == 1  # a worker told not to schedule does not


def test_periods_in_the_site_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "America/New_York"
    before_dst_ends = datetime(2026, 10, 31, 12, tzinfo=UTC)  # 08:00 in New York (EDT)
    six = Daily(time(6)).next_after(before_dst_ends)
    assert six == datetime(2026, 11, 1, 11, tzinfo=UTC)  # 06:00 EST, after the change
    monday = Weekly(0, time(7)).next_after(datetime(2026, 12, 1, 12, tzinfo=UTC))  # a Tuesday
    assert monday == datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert Every(timedelta(hours=6)).next_after(before_dst_ends) == before_dst_ends + timedelta(
        hours=6
    )
    assert (str(Daily(time(6))), str(Weekly(0, time(7))), str(Every(timedelta(hours=6)))) == (
        "daily at 06:00",
        "every Monday at 07:00",
        "every 6 hours",
    )


def test_every_periodic_job_is_defined_in_one_registry() -> None:
    assert {"freshness", "reminders", "digests", "link-checks"} <= set(scheduler.DEFINITIONS)
    assert {"program-reviews", "on-time-years"} <= set(scheduler.DEFINITIONS)  # the program's
    assert scheduler.DEFINITIONS["freshness"] is jobs.FRESHNESS


@pytest.mark.django_db
def test_staff_see_the_jobs_and_run_one_now(coordinator: Any, steward: Any) -> None:
    page = Client()
    page.force_login(coordinator)
    html = page.get("/upkeep/jobs").content.decode()
    assert "Evaluate every dataset&#x27;s freshness" in html and "every hour" in html
    assert "every Monday at 07:00" in html
    done = page.post("/upkeep/jobs/digests/run", follow=True)
    assert "runs at the workers&#x27; next look" in done.content.decode()
    job = Job.objects.get(name="digests")
    assert job.next_run_at <= timezone.now()
    assert last("job.run_requested").actor == "coordinator"
    assert page.post("/upkeep/jobs/nonsense/run").status_code == 404
    refused = Client()
    refused.force_login(steward)
    assert refused.get("/upkeep/jobs").status_code == 403
    assert refused.post("/upkeep/jobs/digests/run").status_code == 403


@pytest.mark.django_db
def test_the_jobs_over_the_api(coordinator: Any, steward: Any, only: Any) -> None:
    only(scheduler.Definition("broken", "Break", Every(timedelta(hours=1)), _broken))
    scheduler.tick(background=False)
    secret = token_create(actor=coordinator, user=coordinator, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = api.get("/api/v1/jobs").json()
    assert [(j["name"], j["last_status"], j["failures"]) for j in body] == [("broken", "failed", 1)]
    assert "the source answered 500" in body[0]["last_error"]
    assert api.post("/api/v1/jobs/broken/run").json()["name"] == "broken"
    theirs = token_create(actor=steward, user=steward, name="t")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {theirs}").get("/api/v1/jobs").status_code == 403
