"""Every write to the datastore: creating versions from uploads and URLs (the worker then
ingests them: loading.py), re-ingesting with an edited schema, refreshing, publishing, and
cleaning up after failures."""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename

from townsquare.audit import services as audit
from townsquare.catalog import services as catalog_services
from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import PermissionDenied
from townsquare.datastore import files, policies
from townsquare.datastore.errors import IngestError
from townsquare.datastore.loading import same_content, version_folder_of
from townsquare.datastore.loading import version_ingest as version_ingest
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.datastore.readers.detect import FORMATS
from townsquare.datastore.readers.url import check_url
from townsquare.datastore.selectors import published_version
from townsquare.datastore.table_schema import validate as validate_table_schema
from townsquare.datastore.tasks import ingest_version

READER_OPTIONS = {"format", "encoding", "delimiter", "sheet", "header", "primary_key"}


@dataclass
class Created:
    """A new queued version, or the existing one whose content is identical."""

    version: DataVersion
    duplicate_of: DataVersion | None = None


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    """The reading options, checked before anything is stored: each wrong one is named."""
    unknown = set(options) - READER_OPTIONS
    if unknown:
        raise ValidationError({name: "Unknown reader option." for name in sorted(unknown)})
    given = {key: value for key, value in options.items() if value not in ("", None)}
    problems = {}
    for name, value in given.items():
        problem = _option_problem(name, value)
        if problem:
            problems[name] = problem
    if problems:
        raise ValidationError(problems)
    return given


def _option_problem(name: str, value: Any) -> str | None:
    if name == "header":
        return None if isinstance(value, bool) else "Say true or false."
    if not isinstance(value, str):
        return "Give it as text."
    if name == "format" and value not in FORMATS:
        return f"Choose one of {', '.join(FORMATS)}, or leave it empty to detect."
    if name == "delimiter" and (len(value) != 1 or value in ('"', "\n", "\r")):
        return "A delimiter is one character, such as , ; | or a tab; leave it empty to detect."
    if name == "encoding":
        try:
            codecs.lookup(value)
        except LookupError:
            return f"{value[:40]!r} is not a text encoding this portal knows (utf-8, latin-1, …)."
    if name == "sheet" and len(value) > 100:
        return "A sheet's name has at most 100 characters."
    if name == "primary_key" and not all(part.strip() for part in value.split(",")):
        return "Name the columns that identify a row, separated by commas (permit, year)."
    return None


def _next_number(dataset: Dataset) -> int:
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()  # one number at a time
    latest = DataVersion.objects.filter(dataset=dataset).aggregate(n=Max("number"))["n"]
    return (latest or 0) + 1


def _hash(upload: File[Any]) -> str:
    known = getattr(upload, "sha256", None)
    if known:
        return str(known)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def version_create(
    *,
    actor: Actor,
    dataset: Dataset,
    upload: File[Any],
    options: dict[str, Any] | None = None,
    enqueue: bool = True,
    refresh: bool = False,
    override: bool = False,
) -> Created:
    """Keep the uploaded file as a new version's original and queue its ingest. Identical
    content to the newest ready or pending version is reported instead of ingested again.
    ``refresh``: a scheduled update of the same data (the approval policy may publish it
    without review); ``override``: the operator publishes it without the policy's review
    (``townsquare ingest --publish``; the publication decision honours and audits it)."""
    _check_may_load(actor, dataset, override)
    options = _arrival(_check_options(options or {}), refresh=refresh, override=override)
    return _created(actor, dataset, upload, options, enqueue)


def version_create_refresh(
    *,
    actor: Actor,
    dataset: Dataset,
    upload: File[Any],
    options: dict[str, Any],
    refresh_of: DataVersion | None,
    enqueue: bool = True,
) -> Created:
    """A scheduled refresh's file (upkeep fetched it) as a new version, read with the table
    schema of ``refresh_of``, the published version it refreshes, so withheld columns stay
    withheld; the approval policy may publish it without review."""
    _check_may_load(actor, dataset, override=False)
    options = _arrival(_check_options(options), refresh=True, override=False)
    if refresh_of is not None and refresh_of.options.get("schema") is not None:
        options["schema"] = refresh_of.options["schema"]
    key = refresh_of.table_schema.get("primaryKey") if refresh_of is not None else None
    if key and not options.get("primary_key"):  # rows stay matched by the same key
        options["primary_key"] = ",".join(key)
    return _created(actor, dataset, upload, options, enqueue)


def _created(
    actor: Actor, dataset: Dataset, upload: File[Any], options: dict[str, Any], enqueue: bool
) -> Created:
    content_hash = _hash(upload)
    same = same_content(dataset, content_hash, options)
    if same is not None:
        return Created(same, duplicate_of=same)
    with transaction.atomic():
        version = _stored_version(actor, dataset, upload, content_hash, options)
        audit.record(actor, "data_version.created", version, after=_described(version))
        if enqueue:
            _enqueue(version)
    return Created(version)


def _stored_version(
    actor: Actor, dataset: Dataset, upload: File[Any], content_hash: str, options: dict[str, Any]
) -> DataVersion:
    """The new version with its upload stored as the original (removed if the row fails)."""
    filename = get_valid_filename(os.path.basename(upload.name or "data"))[-150:] or "data"
    number = _next_number(dataset)
    folder = files.version_folder(dataset.pk, number)
    original = files.store_upload(upload, f"{folder}/original/{filename}")
    try:
        return DataVersion.objects.create(
            dataset=dataset,
            number=number,
            source_name=filename,
            original=original,
            original_size=upload.size,
            content_hash=content_hash,
            options=options,
            created_by=user_or_none(actor),
        )
    except BaseException:
        files.delete_folder(folder)
        raise


def _check_may_load(actor: Actor, dataset: Dataset, override: bool) -> None:
    if not policies.can_ingest(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators load data.")
    if override and not policies.can_publish_without_review(actor):
        raise PermissionDenied(
            "Only the operator and coordinators publish a version without the approval "
            "policy's review (--publish).",
            attempt="data_version.override",
            target=dataset,
        )


def _arrival(options: dict[str, Any], *, refresh: bool, override: bool) -> dict[str, Any]:
    """How the version came, kept with its reading options for the publication decision."""
    return (
        options | ({"refresh": True} if refresh else {}) | ({"override": True} if override else {})
    )


def _described(version: DataVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "source": version.source_url or version.source_name,
        "content_hash": version.content_hash,
    }


def version_create_from_url(
    *,
    actor: Actor,
    dataset: Dataset,
    url: str,
    options: dict[str, Any] | None = None,
    enqueue: bool = True,
    refresh_of: DataVersion | None = None,
    override: bool = False,
) -> Created:
    """Queue a version whose source is fetched from ``url`` by the worker. ``refresh_of``: the
    published version this one refreshes (it is read with that version's table schema);
    ``override`` as for ``version_create``."""
    _check_may_load(actor, dataset, override)
    refresh = refresh_of is not None
    options = _arrival(_check_options(options or {}), refresh=refresh, override=override)
    if refresh_of is not None and refresh_of.options.get("schema") is not None:
        options["schema"] = refresh_of.options["schema"]
    check_url(url)
    with transaction.atomic():
        number = _next_number(dataset)
        name = get_valid_filename(url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])[-150:]
        version = DataVersion.objects.create(
            dataset=dataset,
            number=number,
            source_name=name or "download",
            source_url=url,
            options=options,
            created_by=user_or_none(actor),
        )
        if enqueue:
            _enqueue(version)
    return Created(version)


def version_reingest(
    *, actor: Actor, version: DataVersion, table_schema: dict[str, Any], enqueue: bool = True
) -> DataVersion:
    """A new version from the same original file, read with the steward's table schema."""
    dataset = version.dataset
    if not policies.can_ingest(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators load data.")
    if not version.original:
        raise IngestError("This version has no stored original to read again.")
    cleaned = validate_table_schema(table_schema, version.table_schema)
    with transaction.atomic():
        number = _next_number(dataset)
        folder = files.version_folder(dataset.pk, number)
        original = files.copy_stored(version.original, f"{folder}/original/{version.source_name}")
        again = DataVersion.objects.create(
            dataset=dataset,
            number=number,
            source_name=version.source_name,
            source_url=version.source_url,
            original=original,
            original_size=version.original_size,
            content_hash=version.content_hash,
            options={**version.options, "schema": cleaned},
            created_by=user_or_none(actor),
        )
        if enqueue:
            _enqueue(again)
    return again


def _enqueue(version: DataVersion) -> None:
    transaction.on_commit(lambda: ingest_version.enqueue(version_id=version.pk))


# Who reacts when a version is published, with the number of the one it replaces (the
# datastore's change history; upkeep: the dataset's freshness).
VERSION_PUBLISHED: list[Callable[[DataVersion, int | None], None]] = []


def version_publish(version: DataVersion, actor: Actor) -> None:
    """Move the published pointer (the governance workflow decided it may)."""
    before = published_version_number(version.dataset_id)
    PublishedVersion.objects.update_or_create(
        dataset_id=version.dataset_id, defaults={"version": version, "published_at": timezone.now()}
    )
    DataVersion.objects.filter(pk=version.pk, first_published_at__isnull=True).update(
        first_published_at=timezone.now()
    )
    for react in VERSION_PUBLISHED:
        react(version, before)
    audit.record(
        actor,
        "data_version.published",
        version,
        before={"published": before},
        after={"published": version.number},
    )


def published_version_number(dataset_id: int) -> int | None:
    return (
        PublishedVersion.objects.filter(dataset_id=dataset_id)
        .values_list("version__number", flat=True)
        .first()
    )


def storage_cleanup(*, stale_after: timedelta = timedelta(minutes=15)) -> dict[str, int]:
    """After crashes: mark ingests that stopped reporting (their process died) as failed, and
    delete every stored file no version refers to (a Parquet file stored just before a crash,
    folders of deleted datasets) and abandoned scratch folders. Originals stay: a failed
    version can be ingested again with other options."""
    cutoff = timezone.now() - stale_after
    interrupted = DataVersion.objects.filter(
        status=DataVersion.Status.INGESTING, heartbeat_at__lt=cutoff
    ).update(
        status=DataVersion.Status.FAILED,
        phase="failed",
        finished_at=timezone.now(),
        error="The ingest was interrupted (its process stopped) and was abandoned.",
    )
    keep: dict[str, set[str]] = {}
    for version in DataVersion.objects.exclude(original=""):
        folder = version_folder_of(version)
        kept = keep.setdefault(folder, set())
        kept.add(version.original)
        if version.status == DataVersion.Status.READY:
            kept.update({version.parquet, version.words, f"{folder}/exports/"})
    removed = 0
    for folder in files.stored_folders():
        for name in files.list_files(folder):
            kept = keep.get(folder, set())
            if name not in kept and not any(k.endswith("/") and name.startswith(k) for k in kept):
                files.delete(name)
                removed += 1
        files.remove_empty(folder)
    scratch = files.remove_stale_scratch(cutoff)
    return {"interrupted": interrupted, "files_removed": removed, "scratch_removed": scratch}


def dataset_forget(dataset: Dataset) -> None:
    """The dataset is being deleted: its versions go with it, and their stored files once the
    deletion commits."""
    folders = {version_folder_of(v) for v in DataVersion.objects.filter(dataset=dataset)}
    for folder in folders:
        transaction.on_commit(partial(files.delete_folder, folder))


def version_refresh(*, actor: Actor, dataset: Dataset, enqueue: bool = True) -> Created:
    """Fetch the published version's source URL again, as a refresh: the approval policy may
    publish it without review when its checks pass (for example from a nightly schedule). It
    is read with the published version's table schema, so withheld columns stay withheld."""
    published = published_version(dataset)
    if published is None or not published.source_url:
        raise ValidationError(
            "Only data loaded from a URL can be refreshed; load the new file as a new version."
        )
    options = {k: v for k, v in published.options.items() if k in READER_OPTIONS}
    return version_create_from_url(
        actor=actor,
        dataset=dataset,
        url=published.source_url,
        options=options,
        enqueue=enqueue,
        refresh_of=published,
    )


catalog_services.DATASET_DELETED.append(dataset_forget)  # the catalog's hook: see catalog.services
