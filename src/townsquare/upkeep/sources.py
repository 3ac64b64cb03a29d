"""A dataset's source and its schedule: set, changed, removed, resumed after a pause, and
refreshed now; and the scheduler's job that claims the sources due and queues their refresh
(one conditional UPDATE per source, so two workers never refresh one source twice)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.datastore import policies as datastore_policies
from townsquare.datastore import services as datastore
from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers.url import check_url
from townsquare.upkeep import arcgis, schedules
from townsquare.upkeep.models import RefreshRun, Source
from townsquare.upkeep.tasks import refresh_source

# A run not finished by then: its worker died (downloads are limited well below this).
STALE = timedelta(minutes=30)


def _check_may(actor: Actor, dataset: Dataset) -> None:
    if not datastore_policies.can_ingest(actor, dataset):
        raise PermissionDenied(
            "Only the organization's stewards and coordinators set a dataset's source.",
            attempt="source.set",
            target=dataset,
        )


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind") or Source.Kind.URL
    url = str(values.get("url") or "").strip()
    problems: dict[str, str] = {}
    if kind not in Source.Kind.values:
        problems["kind"] = "Choose a file at a URL or an ArcGIS layer."
    try:
        if kind == Source.Kind.ARCGIS:
            arcgis.check_layer_url(url)
        check_url(url)
    except IngestError as exc:
        problems["url"] = exc.message
    schedule = values.get("schedule") or Source.Schedule.DAILY
    if schedule not in Source.Schedule.values:
        problems["schedule"] = "Choose every few hours, daily or weekly."
    hours = 24 if values.get("every_hours") is None else values["every_hours"]
    if not isinstance(hours, int) or not 1 <= hours <= 24 * 31:
        problems["every_hours"] = "Give a whole number of hours from 1 to 744."
    weekday = 0 if values.get("weekday") is None else values["weekday"]
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        problems["weekday"] = "Give a day from 0 (Monday) to 6 (Sunday)."
    at = values.get("at")
    if at is not None and not isinstance(at, time):
        problems["at"] = "Give a time such as 06:00."
    options = {k: v for k, v in (values.get("options") or {}).items() if v not in ("", None)}
    unknown = set(options) - datastore.READER_OPTIONS
    if unknown:
        problems["options"] = f"Unknown reader option(s): {', '.join(sorted(unknown))}."
    if problems:
        raise ValidationError(problems)
    return {
        "kind": kind,
        "url": url,
        "schedule": schedule,
        "every_hours": hours,
        "weekday": weekday,
        "at": at,
        "options": options,
    }


@transaction.atomic
def source_set(*, actor: Actor, dataset: Dataset, **values: Any) -> Source:
    """Set or change the dataset's source and schedule; the first refresh runs at once."""
    _check_may(actor, dataset)
    cleaned = _cleaned(values)
    source = Source.objects.select_for_update().filter(dataset=dataset).first()
    before = _described(source) if source else None
    if source is None:
        source = Source(dataset=dataset, created_by=user_or_none(actor))
    moved = source.url != cleaned["url"] or source.kind != cleaned["kind"]
    for name, value in cleaned.items():
        setattr(source, name, value)
    if moved:  # a new address: nothing it said before applies
        source.etag = source.last_modified = source.content_hash = ""
    source.paused, source.paused_reason, source.failures = False, "", 0
    source.next_run_at = timezone.now() if moved or before is None else _next(source)
    source.updated_at = timezone.now()
    source.full_clean(exclude=["dataset", "created_by"])
    source.save()
    audit.record(actor, "source.set", dataset, before=before, after=_described(source))
    return source


def _next(source: Source) -> datetime:
    return schedules.period_of(source).next_after(timezone.now())


def _described(source: Source) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "url": source.url,
        "schedule": str(schedules.period_of(source)),
        "paused": source.paused,
    }


@transaction.atomic
def source_remove(*, actor: Actor, dataset: Dataset) -> None:
    _check_may(actor, dataset)
    source = Source.objects.filter(dataset=dataset).first()
    if source is None:
        return
    audit.record(actor, "source.removed", dataset, before=_described(source))
    source.delete()  # the published version and every version stay


@transaction.atomic
def source_resume(*, actor: Actor, dataset: Dataset) -> Source:
    """After a pause: the failures are forgotten and a refresh runs at once."""
    _check_may(actor, dataset)
    source = _locked(dataset)
    source.paused, source.paused_reason, source.failures = False, "", 0
    source.next_run_at = timezone.now()
    source.save()
    audit.record(actor, "source.resumed", dataset, after=_described(source))
    return source


@transaction.atomic
def refresh_now(*, actor: Actor, dataset: Dataset) -> RefreshRun:
    """Fetch the source at once (a paused one too), beside its schedule."""
    _check_may(actor, dataset)
    source = _locked(dataset)
    if _running(source).exists():
        raise ValidationError("A refresh of this source is running; wait for it to finish.")
    run = RefreshRun.objects.create(source=source)
    audit.record(actor, "source.refresh_requested", dataset, after={"run": run.pk})
    transaction.on_commit(lambda: refresh_source.enqueue(run_id=run.pk))
    return run


def _locked(dataset: Dataset) -> Source:
    source = Source.objects.select_for_update().filter(dataset=dataset).first()
    if source is None:
        raise NotFound("This dataset has no source to refresh from: set one first.")
    return source


def _running(source: Source) -> Any:
    return RefreshRun.objects.filter(
        source=source, status=RefreshRun.Status.RUNNING, started_at__gte=timezone.now() - STALE
    )


def claim_due(now: datetime | None = None) -> list[int]:
    """The scheduler's job: mark runs whose worker died as failed, then claim each due source
    (one conditional UPDATE: exactly one worker wins it) and queue its refresh."""
    now = now or timezone.now()
    interrupted(now)
    runs = []
    due = Source.objects.filter(paused=False, next_run_at__lte=now).select_related("dataset")
    for source in due:
        if _running(source).exists():
            continue
        claimed = Source.objects.filter(pk=source.pk, next_run_at=source.next_run_at).update(
            next_run_at=schedules.period_of(source).next_after(now)
        )
        if claimed != 1:
            continue
        run = RefreshRun.objects.create(source=source, started_at=now)
        runs.append(run.pk)
        transaction.on_commit(partial(_enqueue, run.pk))
    return runs


def _enqueue(run_id: int) -> None:
    refresh_source.enqueue(run_id=run_id)


def interrupted(now: datetime) -> int:
    """Runs whose worker stopped in the middle: failed, with that said (the published version
    kept serving; a version left ingesting is the datastore's recovery's)."""
    stale = RefreshRun.objects.filter(
        status=RefreshRun.Status.RUNNING, started_at__lt=now - STALE
    ).select_related("version")
    count = 0
    for run in stale:
        error = "The worker stopped during the refresh; it runs again at its next time."
        if run.version is not None:
            error += (
                f" Version {run.version.number}, which it was reading, is the datastore's: "
                "retried once, then checked and decided like any other."
            )
        updated = RefreshRun.objects.filter(pk=run.pk, status=RefreshRun.Status.RUNNING).update(
            status=RefreshRun.Status.FAILED, finished_at=now, error=error
        )
        if updated:
            Source.objects.filter(pk=run.source_id).update(failures=F("failures") + 1)
            count += 1
    return count


def history(dataset: Dataset, limit: int = 50) -> list[RefreshRun]:
    return list(
        RefreshRun.objects.filter(source__dataset=dataset).select_related("version")[:limit]
    )


def max_failures() -> int:
    return int(settings.REFRESH_MAX_FAILURES)
