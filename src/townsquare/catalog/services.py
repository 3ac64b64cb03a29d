"""Every write to the catalog: one function per use case, called by pages, API, command line and
the demo loader alike. Each checks its policy, validates with ``full_clean`` and owns its
transaction; files are written to storage before the database row and removed again if the row
cannot be saved, so a failure never leaves a half-written distribution."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from townsquare.audit import services as audit
from townsquare.catalog import policies, search
from townsquare.catalog.models import (
    METADATA_FIELDS,
    Dataset,
    Organization,
)
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import Conflict, PermissionDenied

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
def dataset_create(
    *, actor: Actor, organization: Organization, state: str = State.DRAFT, **values: Any
) -> Dataset:
    """A new dataset, as a draft only its organization sees: governance's publication decision
    publishes it at once or after review. ``state``: only for seeding a catalog as it already
    stands (the demo town, test fixtures); no page, API or command passes it."""
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
        state=state,
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
    if dataset.state == State.PUBLISHED:
        for react in DATASET_PUBLISHED:
            react(dataset)
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
        if state == State.PUBLISHED:
            for react in DATASET_PUBLISHED:
                react(dataset)
        for react in DATASET_SAVED:
            react(dataset)
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
    for react in DATASET_SAVED:
        react(dataset)
    return dataset


def _record_update(
    actor: Actor, dataset: Dataset, before: dict[str, Any], after: dict[str, Any]
) -> None:
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
# ... and what follows a dataset's publication (the launch program: its inventory item and the
# milestones it reaches); called inside the publishing transaction.
DATASET_PUBLISHED: list[Callable[[Dataset], None]] = []
# ... and what follows any change of its metadata or state (upkeep: its freshness, from its
# update frequency and modified date).
DATASET_SAVED: list[Callable[[Dataset], None]] = []


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
        transaction.on_commit(partial(default_storage.delete, name))
