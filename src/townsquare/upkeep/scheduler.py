"""Periodic jobs without cron. Each job (jobs.py) has a row with its next run; every worker's
watchdog looks every few seconds, and a worker runs a due job only after claiming it with one
conditional UPDATE of that row (compare-and-set on ``next_run_at``, which takes the row's lock):
with several workers, on PostgreSQL as on SQLite, exactly one wins each period. The job runs in
a thread of its own, so it never holds up the task queue or the other watchdogs. A job that
fails is recorded with its error and runs again at its next period; a run whose worker died is
taken over once it is STALE, and recorded as interrupted."""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from townsquare.core import watchdogs
from townsquare.upkeep.models import Job
from townsquare.upkeep.periods import Period

logger = logging.getLogger(__name__)
STALE = timedelta(minutes=30)  # a run not finished by then: its worker died


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    period: Period
    run: Callable[[datetime], str]  # does the work, says what it did in a line
    first_at: Callable[[datetime], datetime] | None = None  # default: at once


DEFINITIONS: dict[str, Definition] = {}


def define(definition: Definition) -> Definition:
    DEFINITIONS[definition.name] = definition
    return definition


def sync(now: datetime) -> None:
    """A row for every defined job (a new one runs at once, or at its first time)."""
    known = set(Job.objects.values_list("name", flat=True))
    for name, definition in DEFINITIONS.items():
        if name not in known:
            first = definition.first_at(now) if definition.first_at else now
            Job.objects.get_or_create(name=name, defaults={"next_run_at": first})


def sync_one(name: str) -> None:
    Job.objects.get_or_create(name=name)


def claim(definition: Definition, now: datetime) -> bool:
    """Take this period's run of the job: True for exactly one of the workers that ask."""
    job = Job.objects.filter(name=definition.name).first()
    if job is None or job.next_run_at > now:
        return False
    claimed = (
        Job.objects.filter(pk=job.pk, next_run_at=job.next_run_at)
        .filter(~Q(last_status=Job.Status.RUNNING) | Q(last_started_at__lt=now - STALE))
        .update(
            next_run_at=definition.period.next_after(now),
            last_status=Job.Status.RUNNING,
            last_started_at=now,
            worker=f"{socket.gethostname()}:{os.getpid()}",
        )
    )
    return claimed == 1


def run(definition: Definition) -> None:
    """Run a claimed job and record how it went."""
    try:
        result, error = definition.run(timezone.now()), ""
    except Exception:  # noqa: BLE001  (recorded on the job; it runs again next period)
        logger.exception("The scheduled job %s failed", definition.name)
        result, error = "", traceback.format_exc(limit=5)
    job = Job.objects.get(name=definition.name)
    job.last_finished_at = timezone.now()
    job.last_status = Job.Status.FAILED if error else Job.Status.OK
    job.last_result, job.last_error = result[:2000], error
    job.runs += 1
    job.failures = job.failures + 1 if error else 0
    job.save()


def tick(now: datetime | None = None, *, background: bool = True) -> list[str]:
    """Claim and start every due job; the names of those this worker runs."""
    now = now or timezone.now()
    sync(now)
    mark_interrupted(now)
    started = []
    for definition in DEFINITIONS.values():
        if not claim(definition, now):
            continue
        started.append(definition.name)
        if background:
            threading.Thread(
                target=_in_thread, args=(definition,), name=f"job-{definition.name}"
            ).start()
        else:
            run(definition)
    return started


def _in_thread(definition: Definition) -> None:
    try:
        run(definition)
    finally:
        connection.close()


def mark_interrupted(now: datetime) -> int:
    """Runs whose worker died before they finished."""
    return Job.objects.filter(
        last_status=Job.Status.RUNNING, last_started_at__lt=now - STALE
    ).update(last_status=Job.Status.INTERRUPTED, last_error="Its worker stopped during the run.")


def run_soon(name: str) -> None:
    """Staff's "run now": the job is due at the next look."""
    Job.objects.filter(name=name).update(next_run_at=timezone.now())


def _watchdog() -> None:
    if settings.SCHEDULER_ENABLED:
        tick()


watchdogs.register(_watchdog)  # every worker looks (core.watchdogs, every 10 s)
