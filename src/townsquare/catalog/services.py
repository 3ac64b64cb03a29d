"""Every write to the catalog: one function per use case, called by pages, API, command line and
the demo loader alike. Each checks its policy, validates with ``full_clean`` and owns its
transaction; files are written to storage before the database row and removed again if the row
cannot be saved, so a failure never leaves a half-written distribution."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from townsquare.audit import services as audit
from townsquare.catalog import policies, search
from townsquare.catalog.models import (
    METADATA_FIELDS,
    Dataset,
    Distribution,
    Organization,
    distribution_file_path,
)
from townsquare.catalog.vocabularies import State, format_for_filename
from townsquare.core.actors import Actor, is_system, user_or_none
from townsquare.core.errors import Conflict, PermissionDenied, UploadTooLarge
from townsquare.core.uploads import limit_message

DATASET_FIELDS = frozenset(METADATA_FIELDS)
ORGANIZATION_FIELDS = frozenset({"slug", "name", "description", "email", "homepage"})
DISTRIBUTION_FIELDS = frozenset(
    {
        "title",
        "description",
        "download_url",
        "access_url",
        "format",
        "media_type",
        "license",
        "conforms_to",
        "described_by",
        "described_by_type",
        "position",
        "availability",
    }
)
_LIST_FIELDS = ("keywords", "themes", "language", "references", "bureau_code", "program_code")


def _check_fields(values: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError({name: "This field is unknown or cannot be set." for name in unknown})


def _normalize_lists(values: dict[str, Any]) -> dict[str, Any]:
    """Strip list entries, drop empty ones and repeats (keywords compare case-insensitively)."""
    for name in _LIST_FIELDS:
        items = values.get(name)
        if isinstance(items, list):
            seen: set[str] = set()
            cleaned = []
            for item in items:
                if not isinstance(item, str):
                    cleaned.append(item)  # left for the validator to refuse
                    continue
                text = item.strip()
                key = text.lower() if name == "keywords" else text
                if text and key not in seen:
                    seen.add(key)
                    cleaned.append(text)
            values[name] = cleaned
    for name, value in list(values.items()):
        if isinstance(value, str) and name not in ("description",):
            values[name] = value.strip()
    return values


def _unique_slug(model: type[Dataset] | type[Organization], text: str) -> str:
    base = (slugify(text)[:90].strip("-") or "item").lower()
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# --- Organizations ------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *, actor: Actor, parent: Organization | None = None, **values: Any
) -> Organization:
    if not policies.can_create_organization(actor):
        raise PermissionDenied("Only coordinators and admins create organizations.")
    _check_fields(values, ORGANIZATION_FIELDS)
    values = _normalize_lists(values)
    if not values.get("slug") and values.get("name"):
        values["slug"] = _unique_slug(Organization, values["name"])
    organization = Organization(parent=parent, **values)
    organization.full_clean()
    organization.save()
    audit.record(actor, "organization.created", organization, after={"slug": organization.slug})
    return organization


@transaction.atomic
def organization_update(*, actor: Actor, organization: Organization, **values: Any) -> Organization:
    if not policies.can_edit_organization(actor, organization):
        raise PermissionDenied("Only coordinators and admins edit organizations.")
    parent_given = "parent" in values
    parent = values.pop("parent", None)
    _check_fields(values, ORGANIZATION_FIELDS)
    values = _normalize_lists(values)
    renamed = "name" in values and values["name"] != organization.name
    before, after = audit.changes(organization, list(values), values)
    for name, value in values.items():
        setattr(organization, name, value)
    if parent_given:
        _check_parent(organization, parent)
        organization.parent = parent
    organization.updated_at = timezone.now()
    organization.full_clean()
    organization.save()
    if after or parent_given:
        audit.record(actor, "organization.updated", organization, before=before, after=after)
    if renamed:
        for dataset in organization.datasets.select_related("organization"):
            search.index_dataset(dataset)
    return organization


def _check_parent(organization: Organization, parent: Organization | None) -> None:
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == organization.pk:
            raise ValidationError({"parent": "An organization cannot be part of itself."})
        ancestor = ancestor.parent


@transaction.atomic
def organization_delete(*, actor: Actor, organization: Organization) -> None:
    if not policies.can_delete_organization(actor, organization):
        raise PermissionDenied("Only coordinators and admins delete organizations.")
    if organization.datasets.exists():
        raise Conflict("This organization still publishes datasets; move or delete them first.")
    if organization.children.exists():
        raise Conflict("Other organizations are part of this one; change them first.")
    audit.record(actor, "organization.deleted", organization, before={"slug": organization.slug})
    organization.delete()


# --- Datasets -----------------------------------------------------------------------------


@transaction.atomic
def dataset_create(*, actor: Actor, organization: Organization, **values: Any) -> Dataset:
    """A new dataset, as a draft only its organization sees (governance submits it for review
    or publishes it). The operator at the command line creates it published."""
    if not policies.can_create_dataset(actor, organization):
        raise PermissionDenied(f"You cannot publish datasets for {organization.name}.")
    _check_fields(values, DATASET_FIELDS)
    values = _normalize_lists(values)
    if values.get("featured") and not policies.can_feature_dataset(actor):
        raise PermissionDenied("Only coordinators choose featured datasets.")
    if not values.get("slug") and values.get("title"):
        values["slug"] = _unique_slug(Dataset, values["title"])
    if not values.get("identifier"):
        values.pop("identifier", None)
    now = timezone.now()
    dataset = Dataset(
        organization=organization,
        created_by=user_or_none(actor),
        created_at=now,
        updated_at=now,
        modified=now,
        state=State.PUBLISHED if is_system(actor) else State.DRAFT,
        **values,
    )
    dataset.full_clean()
    dataset.save()
    search.index_dataset(dataset)
    audit.record(
        actor,
        "dataset.created",
        dataset,
        after={"slug": dataset.slug, "access_level": dataset.access_level, "state": dataset.state},
    )
    return dataset


def _prepare(
    actor: Actor, dataset: Dataset, organization: Organization | None, values: dict[str, Any]
) -> tuple[dict[str, Any], Organization | None]:
    """Checked, normalized values of an edit, and the organization to move to (if any)."""
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied(
            "Only the organization's stewards and coordinators edit this dataset.",
            attempt="dataset.edit",
            target=dataset,
        )
    _check_fields(values, DATASET_FIELDS)
    values = _normalize_lists(values)
    for name in ("identifier", "slug"):  # left empty: keep the current one
        if name in values and not values[name]:
            del values[name]
    if "featured" in values and values["featured"] != dataset.featured:
        if not policies.can_feature_dataset(actor):
            raise PermissionDenied("Only coordinators choose featured datasets.")
    if organization is not None and organization.pk != dataset.organization_id:
        if not policies.can_create_dataset(actor, organization):
            raise PermissionDenied(f"You cannot move datasets to {organization.name}.")
        return values, organization
    return values, None


@transaction.atomic
def dataset_update(
    *,
    actor: Actor,
    dataset: Dataset,
    organization: Organization | None = None,
    based_on: int | None = None,
    **values: Any,
) -> Dataset:
    """Change the dataset itself (governance decides when that is allowed without review).
    ``based_on``: the revision the editor saw; a newer one means someone else saved since."""
    values, organization = _prepare(actor, dataset, organization, values)
    if based_on is not None and based_on != dataset.revision:
        raise Conflict(
            "Someone else saved this dataset after you opened it. Your changes were not saved: "
            "compare them with the current version and save again.",
            attempt="dataset.edit",
            target=dataset,
        )
    return _save(actor, dataset, organization, values)


def dataset_check_proposal(
    *, actor: Actor, dataset: Dataset, organization: Organization | None = None, **values: Any
) -> dict[str, Any]:
    """Validate an edit without saving it (for a working copy): the values as they would be
    stored, the organization as ``organization`` (its slug) when it moves."""
    values, organization = _prepare(actor, dataset, organization, values)
    trial = Dataset.objects.get(pk=dataset.pk)
    for name, value in values.items():
        setattr(trial, name, value)
    if organization is not None:
        trial.organization = organization
    trial.full_clean()
    checked = {name: getattr(trial, name) for name in values}
    if organization is not None:
        checked["organization"] = organization.slug
    return checked


@transaction.atomic
def dataset_apply(*, actor: Actor, dataset: Dataset, values: dict[str, Any]) -> Dataset:
    """Apply an approved working copy's values (sign-offs were checked by governance)."""
    values = dict(values)
    slug = values.pop("organization", None)
    organization = Organization.objects.get(slug=slug) if slug else None
    return _save(actor, dataset, organization, values)


def dataset_set_state(*, actor: Actor, dataset: Dataset, state: str) -> Dataset:
    """Publish or archive (governance decides who may, and when)."""
    before = dataset.state
    if before != state:
        dataset.state = state
        _touch(dataset)
        dataset.save(update_fields=["state", "modified", "updated_at", "revision"])
        search.index_dataset(dataset)
        audit.record(
            actor, f"dataset.{state}", dataset, before={"state": before}, after={"state": state}
        )
    return dataset


def _save(
    actor: Actor, dataset: Dataset, organization: Organization | None, values: dict[str, Any]
) -> Dataset:
    before, after = audit.changes(dataset, list(values), values)
    if organization is not None and organization.pk != dataset.organization_id:
        before["organization"], after["organization"] = dataset.organization.slug, organization.slug
        dataset.organization = organization
    for name, value in values.items():
        setattr(dataset, name, value)
    _touch(dataset)
    dataset.full_clean()
    dataset.save()
    search.index_dataset(dataset)
    _record_update(actor, dataset, before, after)
    return dataset


def _record_update(actor: Actor, dataset: Dataset, before: dict, after: dict) -> None:  # type: ignore[type-arg]
    if after:
        audit.record(actor, "dataset.updated", dataset, before=before, after=after)
    if "access_level" in after:
        audit.record(
            actor,
            "dataset.access_level_changed",
            dataset,
            before={"access_level": before["access_level"]},
            after={"access_level": after["access_level"]},
        )


def _touch(dataset: Dataset) -> None:
    now = timezone.now()
    dataset.modified = now
    dataset.updated_at = now
    dataset.revision += 1


# Apps above the catalog that keep things of a dataset register here what to remove with it
# (the datastore: its versions' files); called inside the deleting transaction.
DATASET_DELETED: list[Callable[[Dataset], None]] = []


@transaction.atomic
def dataset_delete(*, actor: Actor, dataset: Dataset) -> None:
    """Delete a draft or archived dataset with its files and data; a published one is
    archived first (taking it out of public view), so nothing disappears by accident."""
    if not policies.can_delete_dataset(actor, dataset):
        raise PermissionDenied(
            "Only the organization's stewards and coordinators delete this dataset."
        )
    if dataset.state == State.PUBLISHED:
        raise Conflict(
            "A published dataset cannot be deleted: archive it first (that takes it out of "
            "public view), then delete it.",
            attempt="dataset.delete",
            target=dataset,
        )
    names = [d.file.name for d in dataset.distributions.all() if d.file]
    search.unindex(Dataset.objects.filter(pk=dataset.pk))
    audit.record(
        actor, "dataset.deleted", dataset, before={"slug": dataset.slug, "title": dataset.title}
    )
    for forget in DATASET_DELETED:
        forget(dataset)
    dataset.delete()
    _delete_files_after_commit(names)


def _delete_files_after_commit(names: Iterable[str]) -> None:
    for name in names:
        transaction.on_commit(lambda name=name: default_storage.delete(name))


# --- Distributions ------------------------------------------------------------------------


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
    stored = default_storage.save(distribution_file_path(None, safe_name), upload)  # type: ignore[arg-type]
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
    guessed_format, guessed_type = format_for_filename(filename)
    stored, size, checksum = _store(upload, filename)
    try:
        with transaction.atomic():
            distribution = Distribution(
                dataset=dataset,
                kind=Distribution.Kind.FILE,
                file=stored,
                byte_size=size,
                checksum_sha256=checksum,
                title=values.pop("title", "") or filename,
                format=values.pop("format", "") or guessed_format,
                media_type=values.pop("media_type", "")
                or guessed_type
                or "application/octet-stream",
                position=values.pop("position", None) or _next_position(dataset),
                pending=pending,
                privacy=privacy,
                **values,
            )
            distribution.full_clean()
            distribution.save()
            _after_distribution_change(actor, "distribution.added", distribution)
    except BaseException:
        default_storage.delete(stored)
        raise
    return distribution


@transaction.atomic
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
    stored = None
    old_name = distribution.file.name if distribution.file else None
    if upload is not None:
        if distribution.kind != Distribution.Kind.FILE:
            raise ValidationError({"file": "A link distribution has no file to replace."})
        stored, size, checksum = _store(upload, os.path.basename(upload.name or "file"))
        distribution.file.name = stored
        distribution.byte_size = size
        distribution.checksum_sha256 = checksum
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
    copy = Distribution(
        dataset=dataset,
        kind=distribution.kind,
        file=distribution.file.name if distribution.file else None,
        byte_size=distribution.byte_size,
        checksum_sha256=distribution.checksum_sha256,
        pending=True,
        **{**described, **_normalize_lists(values)},
    )
    if privacy is None or privacy == distribution.privacy:
        copy.privacy = distribution.privacy
        copy.privacy_accepted_by = distribution.privacy_accepted_by
        copy.privacy_accepted_at = distribution.privacy_accepted_at
    else:
        _set_privacy(copy, privacy)
    copy.full_clean()
    copy.save()
    _after_distribution_change(actor, "distribution.added", copy)
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
