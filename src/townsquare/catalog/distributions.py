"""Every write to distributions (a dataset's files and links): adding, changing, copying for a
working copy, releasing, deleting, and a privacy officer's acceptance of a document. The
governance workflow decides which of them wait for review (governance.files)."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from townsquare.audit import services as audit
from townsquare.catalog import policies, search
from townsquare.catalog.models import Dataset, Distribution, distribution_file_path
from townsquare.catalog.services import (
    DISTRIBUTION_FIELDS,
    _check_fields,
    _delete_files_after_commit,
    _normalize_lists,
    _touch,
)
from townsquare.catalog.vocabularies import format_for_filename
from townsquare.core.actors import Actor
from townsquare.core.errors import PermissionDenied, UploadTooLarge
from townsquare.core.uploads import limit_message


def _store(upload: File[Any], filename: str) -> tuple[str, int, str]:
    """Save the file to storage in chunks; return its stored name, size and SHA-256."""
    size = upload.size
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise UploadTooLarge(limit_message(), field="file")
    checksum = getattr(upload, "sha256", None)
    if checksum is None:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        checksum = digest.hexdigest()
        upload.seek(0)
    safe_name = get_valid_filename(os.path.basename(filename))[-150:] or "file"
    stored = default_storage.save(distribution_file_path(None, safe_name), upload)
    return stored, default_storage.size(stored), checksum


def distribution_add_file(
    *,
    actor: Actor,
    dataset: Dataset,
    upload: File[Any],
    pending: bool = False,
    privacy: str = Distribution.Privacy.REQUIRED,
    **values: Any,
) -> Distribution:
    """Store an uploaded file as a new distribution of the dataset (``pending``: in the
    dataset's working copy, not public until approved; ``privacy``: whether a privacy officer
    must sign it off first)."""
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators add files.")
    _check_fields(values, DISTRIBUTION_FIELDS - {"download_url", "access_url"})
    values = _normalize_lists(values)
    filename = os.path.basename(upload.name or "file")
    stored, size, checksum = _store(upload, filename)
    try:
        with transaction.atomic():
            distribution = Distribution(
                dataset=dataset,
                kind=Distribution.Kind.FILE,
                file=stored,
                byte_size=size,
                checksum_sha256=checksum,
                pending=pending,
                privacy=privacy,
                **_described_file(dataset, filename, values),
            )
            distribution.full_clean()
            distribution.save()
            _after_distribution_change(actor, "distribution.added", distribution)
    except BaseException:
        default_storage.delete(stored)
        raise
    return distribution


@transaction.atomic
def _described_file(dataset: Dataset, filename: str, values: dict[str, Any]) -> dict[str, Any]:
    """The new file's description: what the steward gave, else guessed from its name."""
    guessed_format, guessed_type = format_for_filename(filename)
    return {
        **values,
        "title": values.get("title") or filename,
        "format": values.get("format") or guessed_format,
        "media_type": values.get("media_type") or guessed_type or "application/octet-stream",
        "position": values.get("position") or _next_position(dataset),
    }


def distribution_add_link(
    *,
    actor: Actor,
    dataset: Dataset,
    pending: bool = False,
    privacy: str = Distribution.Privacy.NOT_NEEDED,
    **values: Any,
) -> Distribution:
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators add links.")
    _check_fields(values, DISTRIBUTION_FIELDS)
    values = _normalize_lists(values)
    url = values.get("download_url") or values.get("access_url") or ""
    guessed_format, guessed_type = format_for_filename(url.split("?", 1)[0])
    if values.get("download_url"):
        values["media_type"] = values.get("media_type") or guessed_type
    values["format"] = values.get("format") or guessed_format
    values["title"] = values.get("title") or url.rsplit("/", 1)[-1] or "Link"
    values["position"] = values.get("position") or _next_position(dataset)
    distribution = Distribution(
        dataset=dataset, kind=Distribution.Kind.LINK, pending=pending, privacy=privacy, **values
    )
    distribution.full_clean()
    distribution.save()
    _after_distribution_change(actor, "distribution.added", distribution)
    return distribution


def distribution_update(
    *,
    actor: Actor,
    distribution: Distribution,
    upload: File[Any] | None = None,
    privacy: str | None = None,
    **values: Any,
) -> Distribution:
    """Change a distribution's description, and for a file distribution optionally replace
    the file (the old file is removed only once the new one is saved)."""
    dataset = distribution.dataset
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators edit files.")
    allowed = DISTRIBUTION_FIELDS
    if distribution.kind == Distribution.Kind.FILE:
        allowed = DISTRIBUTION_FIELDS - {"download_url", "access_url"}
    _check_fields(values, allowed)
    values = _normalize_lists(values)
    old_name = distribution.file.name if distribution.file else None
    stored = _replace_file(distribution, upload) if upload is not None else None
    try:
        with transaction.atomic():
            for name, value in values.items():
                setattr(distribution, name, value)
            if privacy is not None and privacy != distribution.privacy:
                _set_privacy(distribution, privacy)
            distribution.updated_at = timezone.now()
            distribution.full_clean()
            distribution.save()
            _after_distribution_change(actor, "distribution.updated", distribution)
            if stored and old_name:
                _delete_files_after_commit([old_name])
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return distribution


@transaction.atomic
def _replace_file(distribution: Distribution, upload: File[Any]) -> str:
    """Store the new file of a file distribution (saved with it; returns its name)."""
    if distribution.kind != Distribution.Kind.FILE:
        raise ValidationError({"file": "A link distribution has no file to replace."})
    stored, size, checksum = _store(upload, os.path.basename(upload.name or "file"))
    distribution.file.name = stored
    distribution.byte_size = size
    distribution.checksum_sha256 = checksum
    return stored


def distribution_delete(*, actor: Actor, distribution: Distribution) -> None:
    dataset = distribution.dataset
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators delete files.")
    name = distribution.file.name if distribution.file else None
    _after_distribution_change(actor, "distribution.removed", distribution)
    distribution.delete()
    if name and not Distribution.objects.filter(file=name).exists():  # a pending copy may share it
        _delete_files_after_commit([name])


@transaction.atomic
def distribution_copy(
    *,
    actor: Actor,
    distribution: Distribution,
    upload: File[Any] | None = None,
    privacy: str | None = None,
    **values: Any,
) -> Distribution:
    """A pending copy of a distribution with changes (and optionally a new file), to replace it
    once the dataset's working copy is approved. Without a new file, the copy shares the file."""
    dataset = distribution.dataset
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators edit files.")
    described = {
        name: getattr(distribution, name)
        for name in DISTRIBUTION_FIELDS
        if name not in values and hasattr(distribution, name)
    }
    if distribution.kind == Distribution.Kind.FILE:
        described.pop("download_url", None), described.pop("access_url", None)
    if upload is not None:
        if distribution.kind != Distribution.Kind.FILE:
            raise ValidationError({"file": "A link distribution has no file to replace."})
        described.pop("format", None), described.pop("media_type", None)
        return distribution_add_file(
            actor=actor,
            dataset=dataset,
            upload=upload,
            pending=True,
            privacy=privacy or Distribution.Privacy.REQUIRED,
            **described,
            **values,
        )
    copy = _same_file_copy(distribution, privacy, {**described, **_normalize_lists(values)})
    copy.full_clean()
    copy.save()
    _after_distribution_change(actor, "distribution.added", copy)
    return copy


def _same_file_copy(
    distribution: Distribution, privacy: str | None, described: dict[str, Any]
) -> Distribution:
    """A pending copy sharing the file; its privacy sign-off carries over unless it changes."""
    copy = Distribution(
        dataset=distribution.dataset,
        kind=distribution.kind,
        file=distribution.file.name if distribution.file else None,
        byte_size=distribution.byte_size,
        checksum_sha256=distribution.checksum_sha256,
        pending=True,
        **described,
    )
    if privacy is None or privacy == distribution.privacy:
        copy.privacy = distribution.privacy
        copy.privacy_accepted_by = distribution.privacy_accepted_by
        copy.privacy_accepted_at = distribution.privacy_accepted_at
    else:
        _set_privacy(copy, privacy)
    return copy


def distribution_release(*, actor: Actor, distribution: Distribution) -> Distribution:
    """A pending distribution becomes public (its working copy was approved)."""
    distribution.pending = False
    distribution.save(update_fields=["pending"])
    _after_distribution_change(actor, "distribution.published", distribution)
    return distribution


def _set_privacy(distribution: Distribution, privacy: str) -> None:
    distribution.privacy = privacy
    distribution.privacy_accepted_by, distribution.privacy_accepted_at = "", None


def distribution_accept_privacy(
    *, actor: Actor, distribution: Distribution, comment: str = ""
) -> Distribution:
    """A privacy officer looked at the file (the workflow checked who may) and accepts it for
    publication; audited with the comment."""
    distribution.privacy = Distribution.Privacy.ACCEPTED
    distribution.privacy_accepted_by = actor.get_username()
    distribution.privacy_accepted_at = timezone.now()
    distribution.save(update_fields=["privacy", "privacy_accepted_by", "privacy_accepted_at"])
    audit.record(
        actor,
        "privacy.file_accepted",
        distribution,
        after={
            "title": distribution.title,
            "file": distribution.filename or distribution.download_url,
            "comment": comment.strip(),
        },
    )
    return distribution


def _next_position(dataset: Dataset) -> int:
    last = dataset.distributions.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def _after_distribution_change(actor: Actor, action: str, distribution: Distribution) -> None:
    dataset = distribution.dataset
    described = {"title": distribution.title, "kind": distribution.kind}
    removed = action == "distribution.removed"
    audit.record(
        actor,
        action,
        distribution,
        before=described if removed else None,
        after=None if removed else described,
    )
    _touch(dataset)
    dataset.save(update_fields=["modified", "updated_at", "revision"])
    search.index_dataset(dataset)
