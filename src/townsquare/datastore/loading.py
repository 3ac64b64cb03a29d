"""The worker's job: ingest a queued data version (download its source, read, type and store
it), then tell the app above that it is ready (VERSION_READY). Creating versions and publishing
them are in services.py, which enqueues this job (tasks.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM
from townsquare.datastore import files, ingest
from townsquare.datastore.errors import IngestError
from townsquare.datastore.heartbeat import Heartbeat
from townsquare.datastore.models import DataVersion
from townsquare.datastore.readers.url import download

# What happens once a version is ready is not the datastore's call: the app above that decides
# publication registers here (governance/workflow/versions.py: the workflow checks it, then
# publishes it or holds it for review).
VERSION_READY: list[Callable[[DataVersion], None]] = []


def version_ingest(version_id: int, listener: Any = None) -> DataVersion:
    """Do the ingest of a queued version (the worker's job). Never raises for a bad file:
    the version ends failed with the reason, and the published version keeps serving. A source
    fetched again unchanged makes no new version: the identical one is returned."""
    version = DataVersion.objects.select_related("dataset").get(pk=version_id)
    if version.status != DataVersion.Status.QUEUED:
        return version
    DataVersion.objects.filter(pk=version_id).update(
        status=DataVersion.Status.INGESTING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        phase="starting",
        attempts=F("attempts") + 1,
    )
    progress = ingest.Progress(version_id, listener)
    work = ingest.scratch()
    with Heartbeat(version_id):
        return _ingest(version, progress, work)


def _ingest(version: DataVersion, progress: ingest.Progress, work: Path) -> DataVersion:
    version_id = version.pk
    try:
        try:
            source = _source(version, work, progress)
        except Unchanged as unchanged:
            return _unchanged(version, unchanged.version)
        folder = version_folder_of(version)
        outcome = ingest.run(version, source, work, progress)
        progress.phase("storing", outcome.rows)
        stored = ingest.store(version, outcome, folder)
        with transaction.atomic():
            version = DataVersion.objects.select_for_update().get(pk=version_id)
            ingest.finish(version, outcome, stored)
            audit.record(
                SYSTEM,
                "data_version.ready",
                version,
                after={"rows": version.row_count, "columns": len(version.fields)},
            )
        # Checked outside that transaction (seconds on millions of rows: SQLite would stay
        # locked), then the workflow publishes it or holds it for review.
        for react in VERSION_READY:
            react(version)
        DataVersion.objects.filter(pk=version_id, phase="checking").update(phase="done")
    except IngestError as exc:
        _failed(version, exc.message)
    except Exception as exc:  # noqa: BLE001  (anything else is reported on the version too)
        _failed(version, f"Unexpected error while ingesting: {type(exc).__name__}: {exc}")
        raise
    finally:
        ingest.discard(work)
    return DataVersion.objects.get(pk=version_id)


class Unchanged(Exception):
    """The source fetched again is byte for byte a version the dataset has."""

    def __init__(self, version: DataVersion) -> None:
        super().__init__(f"identical to version {version.number}")
        self.version = version


def _unchanged(version: DataVersion, same: DataVersion) -> DataVersion:
    """Nothing new: the placeholder version goes, and the identical one is the answer."""
    with transaction.atomic():
        audit.record(
            SYSTEM,
            "data_version.unchanged",
            same,
            after={"source": version.source_url, "same_as": same.number},
        )
        DataVersion.objects.filter(pk=version.pk).delete()
    return same


def _failed(version: DataVersion, message: str) -> None:
    ingest.fail(version.pk, message)
    audit.record(SYSTEM, "data_version.failed", version, after={"reason": message[:500]})


def version_folder_of(version: DataVersion) -> str:
    if version.original:
        return version.original.rsplit("/original/", 1)[0]
    return files.version_folder(version.dataset_id, version.number)


def _source(version: DataVersion, work: Path, progress: ingest.Progress) -> Path:
    if version.original:
        return files.local_path(version.original)
    progress.phase("downloading")
    local = download(version.source_url, work / "download")
    content_hash, size = _hash_path(local)
    same = same_content(version.dataset, content_hash, version.options, besides=version.pk)
    if same is not None:
        raise Unchanged(same)
    folder = files.version_folder(version.dataset_id, version.number)
    original = files.save(local, f"{folder}/original/{version.source_name}")
    DataVersion.objects.filter(pk=version.pk).update(
        original=original, content_hash=content_hash, original_size=size
    )
    version.original = original
    return local


def _hash_path(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest(), path.stat().st_size


def same_content(
    dataset: Dataset, content_hash: str, options: dict[str, Any], besides: int | None = None
) -> DataVersion | None:
    """The dataset's version with this content read the same way (ready or on its way), if any."""
    candidates = (
        DataVersion.objects.exclude(pk__in=[besides] if besides is not None else [])
        .filter(
            dataset=dataset,
            content_hash=content_hash,
            status__in=[
                DataVersion.Status.READY,
                DataVersion.Status.QUEUED,
                DataVersion.Status.INGESTING,
            ],
        )
        .order_by("-number")
    )

    def reading(options: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in options.items() if k not in ("schema", "refresh", "override")}

    for candidate in candidates:
        if reading(candidate.options) == reading(options):
            return candidate
    return None
