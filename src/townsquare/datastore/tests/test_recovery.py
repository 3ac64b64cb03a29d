"""An ingest whose worker died is noticed by the workers' watchdog, retried once, then marked
failed with the reason, without anyone running anything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from townsquare.audit.tests.helpers import last
from townsquare.core import watchdogs
from townsquare.core.actors import SYSTEM
from townsquare.datastore import recovery, services
from townsquare.datastore.models import DataVersion
from townsquare.datastore.tasks import ingest_version

pytestmark = pytest.mark.django_db


def _stalled(dataset: Any, attempts: int) -> DataVersion:
    created = services.version_create(
        actor=SYSTEM,
        dataset=dataset,
        upload=ContentFile(b"a,b\n1,2\n", name="a.csv"),
        enqueue=False,
    )
    DataVersion.objects.filter(pk=created.version.pk).update(
        status="ingesting",
        phase="typing",
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=45),
    )
    return created.version


def test_a_silent_ingest_is_retried_once_then_failed_with_the_reason(
    public_works: Any, make_dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(public_works, slug="roads")
    first = _stalled(dataset, attempts=1)
    assert recovery.recover_stalled in watchdogs.WATCHDOGS  # every worker runs it
    with django_capture_on_commit_callbacks(execute=True):  # the retry's task runs here
        watchdogs.run_all()
    first.refresh_from_db()
    assert (first.status, first.attempts, first.row_count) == ("ready", 2, 1)
    assert last("data_version.retried").after == {"stopped_at": "typing"}
    second = _stalled(make_dataset(public_works, slug="trees"), attempts=2)
    watchdogs.run_all()
    second.refresh_from_db()
    assert second.status == "failed" and "stopped 2 times (while typing)" in second.error
    beating = _stalled(make_dataset(public_works, slug="parks"), attempts=1)
    DataVersion.objects.filter(pk=beating.pk).update(heartbeat_at=timezone.now())
    assert recovery.recover_stalled() == {"retried": 0, "failed": 0}  # alive: left alone


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_noticed_and_its_ingest_retried(
    public_works: Any, make_dataset: Any, tmp_path: Path, settings: Any
) -> None:
    """A real worker process, killed in the middle of an ingest; a new worker finds the ingest
    silent and retries it."""
    if connection.vendor != "postgresql":  # SQLite's test database lives in this process
        pytest.skip("needs a database the worker processes share (the PostgreSQL run)")
    dataset = make_dataset(public_works, slug="big")
    rows = b"id,name,amount\n" + b"".join(
        f"{i},name {i},{i * 3}\n".encode() for i in range(600_000)
    )
    created = services.version_create(
        actor=SYSTEM, dataset=dataset, upload=ContentFile(rows, name="big.csv"), enqueue=False
    )
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    ingest_version.enqueue(version_id=created.version.pk)  # into the queue the workers read
    environ = _worker_environment(settings, tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "townsquare.cli", "worker", "--no-reload"], env=environ
    )
    try:
        _until(lambda: DataVersion.objects.get(pk=created.version.pk).status == "ingesting", 30)
        os.kill(worker.pid, signal.SIGKILL)  # the worker dies mid-ingest
        worker.wait(10)
        worker = subprocess.Popen(
            [sys.executable, "-m", "townsquare.cli", "worker", "--no-reload"], env=environ
        )
        started = time.monotonic()
        _until(lambda: DataVersion.objects.get(pk=created.version.pk).status == "ready", 120)
        version = DataVersion.objects.get(pk=created.version.pk)
        assert version.attempts == 2 and version.row_count == 600_000
        assert time.monotonic() - started < 90  # noticed within the stall time and retried
    finally:
        worker.kill()
        worker.wait(10)


def _worker_environment(settings: Any, tmp_path: Path) -> dict[str, str]:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TOWNSQUARE_DATA_DIR": str(settings.MEDIA_ROOT.parent),
        "TOWNSQUARE_DATASTORE_STALLED_SECONDS": "10",
        "TOWNSQUARE_STORAGE": "local",
    }


def _until(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_every_worker_runs_the_recovery_and_the_scheduler() -> None:
    """Registered when the apps are ready (an unused-looking import must not be dropped)."""
    names = {f"{check.__module__}.{check.__name__}" for check in watchdogs.WATCHDOGS}
    assert "townsquare.datastore.recovery.recover_stalled" in names
    assert "townsquare.upkeep.scheduler._watchdog" in names
