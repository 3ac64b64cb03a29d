"""One refresh of a dataset's source, in the worker. A conditional request (``If-None-Match``,
``If-Modified-Since``; an ArcGIS layer's last edit date) and then the content hash make an
unchanged source a no-op that creates no version. A changed one becomes a new version through
the normal ingest, quality and privacy checks, and the publication decision publishes it when
the policy's refresh rule allows, else holds it in the working copy — the stewards are told
why. A failure is retried with backoff; after TOWNSQUARE_REFRESH_MAX_FAILURES in a row the
schedule pauses and the stewards are told. The published version keeps serving throughout."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.core.actors import SYSTEM
from townsquare.datastore import services as datastore
from townsquare.datastore.errors import IngestError
from townsquare.datastore.models import DataVersion
from townsquare.datastore.readers.url import Fetched, fetch
from townsquare.datastore.selectors import published_version
from townsquare.governance import decision
from townsquare.upkeep import arcgis, people, schedules
from townsquare.upkeep.models import RefreshRun, Source

Status = RefreshRun.Status
NOT_DATA = {"text/html", "application/xhtml+xml"}


class RefreshFailed(Exception):
    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message, self.http_status = message, http_status


def refresh(run_id: int) -> RefreshRun:
    """Do a claimed run (sources.claim made it): fetch, compare, ingest, decide, record."""
    run = RefreshRun.objects.select_related("source", "source__dataset").get(pk=run_id)
    if run.status != Status.RUNNING:
        return run
    work = Path(tempfile.mkdtemp(prefix="townsquare-refresh-"))
    try:
        _refresh(run, work)
    except (IngestError, RefreshFailed) as exc:
        _failed(run, exc.message, getattr(exc, "http_status", None))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    run.refresh_from_db()
    return run


def _refresh(run: RefreshRun, work: Path) -> None:
    source = run.source
    fetched, path = _fetch(source, work)
    run.http_status, run.bytes = fetched.status, fetched.size or None
    if fetched.status == 304:
        _finish(run, Status.UNCHANGED, changed=False)
        _succeeded(source, fetched, source.content_hash)
        return
    content_hash = _sha256(path)
    published = published_version(source.dataset)
    if published is not None and content_hash in (source.content_hash, published.content_hash):
        _finish(run, Status.UNCHANGED, changed=False)
        _succeeded(source, fetched, content_hash)
        return
    version = _ingested(run, path, published)
    run.version = version
    _decided(run, version, published)
    _succeeded(source, fetched, content_hash)


def _fetch(source: Source, work: Path) -> tuple[Fetched, Path]:
    target = work / ("layer.geojson" if source.kind == Source.Kind.ARCGIS else _name(source))
    if source.kind == Source.Kind.ARCGIS:
        return arcgis.fetch_layer(source.url, target, source.last_modified), target
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    fetched = fetch(source.url, target, headers)
    expected = str(source.options.get("format") or "").lower()
    if fetched.status == 200 and fetched.content_type in NOT_DATA and expected != "html":
        raise RefreshFailed(
            f"The source answered with a web page ({fetched.content_type}), not a data file: "
            "check its address (a download link, not the page around it).",
            200,
        )
    return fetched, target


def _name(source: Source) -> str:
    name = source.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isalnum() or c in "._-")[-150:] or "download"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _ingested(run: RefreshRun, path: Path, published: DataVersion | None) -> DataVersion:
    """The new version, ingested and checked; the publication decision has run. The run knows
    its version before the ingest starts: should the worker die, the history says which."""
    source = run.source
    with path.open("rb") as data:
        created = datastore.version_create_refresh(
            actor=SYSTEM,
            dataset=source.dataset,
            upload=File(data, name=path.name),
            options=dict(source.options),
            refresh_of=published,
            enqueue=False,
        )
    if created.duplicate_of is not None:
        return created.duplicate_of  # an earlier version's content, read the same way
    DataVersion.objects.filter(pk=created.version.pk).update(source_url=source.url[:2000])
    RefreshRun.objects.filter(pk=run.pk).update(version=created.version)
    version = datastore.version_ingest(created.version.pk)
    if version.status == DataVersion.Status.FAILED:
        raise RefreshFailed(f"Version {version.number} could not be read: {version.error}")
    return version


def _decided(run: RefreshRun, version: DataVersion, published: DataVersion | None) -> None:
    now_published = published_version(run.source.dataset)
    if now_published is not None and now_published.pk == version.pk:
        _finish(run, Status.PUBLISHED, changed=True)
        return
    verdict = decision.data_version(version)
    if verdict.blocked:
        reason = f"its quality report has {verdict.errors} error(s) that block publication"
        _finish(run, Status.BLOCKED, changed=True, reason=reason)
    else:
        _finish(
            run, Status.HELD, changed=True, reason=decision.why_held(version, published, verdict)
        )
    _tell(run)


def _finish(
    run: RefreshRun, status: str, *, changed: bool | None, reason: str = "", error: str = ""
) -> None:
    run.status, run.changed, run.reason, run.error = status, changed, reason, error
    run.finished_at = timezone.now()
    run.save()


def _succeeded(source: Source, fetched: Fetched, content_hash: str) -> None:
    Source.objects.filter(pk=source.pk).update(
        etag=(fetched.etag or source.etag) if fetched.status == 304 else fetched.etag,
        last_modified=fetched.last_modified or source.last_modified,
        content_hash=content_hash,
        failures=0,
    )


@transaction.atomic
def _failed(run: RefreshRun, message: str, http_status: int | None) -> None:
    run.http_status = http_status if http_status is not None else run.http_status
    _finish(run, Status.FAILED, changed=None, error=message)
    source = Source.objects.select_for_update().get(pk=run.source_id)
    source.failures += 1
    now = timezone.now()
    if source.failures >= settings.REFRESH_MAX_FAILURES:
        source.paused = True
        source.paused_reason = f"{source.failures} refreshes failed in a row; the last: {message}"
        _tell(run, paused=source)
    else:
        source.next_run_at = retry_at(source, now)
    source.save()


def retry_at(source: Source, now: datetime) -> datetime:
    """Backoff: the first retry after TOWNSQUARE_REFRESH_RETRY_MINUTES, doubled at each failure
    in a row, never past the schedule's own next run."""
    minutes = int(settings.REFRESH_RETRY_MINUTES) * 2 ** max(0, source.failures - 1)
    wait = timedelta(minutes=minutes)
    scheduled: datetime = schedules.period_of(source).next_after(now)
    return min(now + wait, scheduled)


def _tell(run: RefreshRun, paused: Source | None = None) -> None:
    dataset = run.source.dataset
    mailing.send(
        users=people.stewards(dataset.organization_id),
        kind="refresh",
        template="refresh_problem",
        context={
            "dataset": dataset.title,
            "status": run.get_status_display(),
            "held": run.status == Status.HELD,
            "reason": run.reason,
            "error": run.error,
            "paused": paused is not None,
            "paused_reason": paused.paused_reason if paused else "",
            "version": run.version.number if run.version else None,
            "link": f"{settings.SITE_URL}{reverse('upkeep:source', args=[dataset.slug])}",
        },
    )
