"""Editing under the approval policy: a draft dataset is edited freely by its stewards; a
published dataset's edits go into its working copy (the public keeps seeing the published
copy) unless the policy lets them apply at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.audit.chain import canonical
from townsquare.catalog import services as catalog
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.policies import can_edit_dataset
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import Actor
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.governance import decision, notices
from townsquare.governance.models import Change
from townsquare.quality import services as quality


@dataclass
class Edited:
    dataset: Dataset
    change: Change | None  # the working copy the edit went to, or None: applied at once


def open_change(dataset: Dataset, *, lock: bool = False) -> Change | None:
    found = Change.objects.filter(dataset=dataset, status__in=Change.OPEN)
    if lock:
        found = found.select_for_update()
    return found.first()


def edit_token(dataset: Dataset, change: Change | None) -> str:
    """What an editor saw: the dataset's revision and its working copy's. A save based on an
    older token is refused, so the second of two simultaneous editors loses nothing silently."""
    return f"{dataset.revision}.{change.revision if change else 0}"


@transaction.atomic
def dataset_create(*, actor: Actor, organization: Organization, **values: Any) -> Dataset:
    """A new dataset: a draft to submit for review, or published at once when the policy does
    not review new datasets."""
    dataset = catalog.dataset_create(actor=actor, organization=organization, **values)
    quality.links_recheck(dataset.pk)
    if dataset.state == State.DRAFT and decision.new_dataset(organization.pk).at_once:
        catalog.dataset_set_state(actor=actor, dataset=dataset, state=State.PUBLISHED)
    return dataset


@transaction.atomic
def dataset_edit(
    *,
    actor: Actor,
    dataset: Dataset,
    based_on: str | None = None,
    organization: Organization | None = None,
    **values: Any,
) -> Edited:
    if "state" in values:
        raise PermissionDenied(
            "A dataset is published by approving it: submit it for review instead.",
            attempt="dataset.publish",
            target=dataset,
        )
    dataset = Dataset.objects.select_for_update().select_related("organization").get(pk=dataset.pk)
    change = open_change(dataset, lock=True)
    _ensure_not_overtaken(dataset, change, based_on)
    if dataset.state != State.PUBLISHED:
        catalog.dataset_update(actor=actor, dataset=dataset, organization=organization, **values)
        quality.links_recheck(dataset.pk)
        return Edited(dataset, None)
    proposal = canonical(
        catalog.dataset_check_proposal(
            actor=actor, dataset=dataset, organization=organization, **values
        )
    )
    merged = {**(change.metadata if change else {}), **proposal}
    merged = {k: v for k, v in merged.items() if v != published_value(dataset, k)}
    if decision.metadata_edit(dataset, merged).at_once:
        if proposal:
            catalog.dataset_update(
                actor=actor, dataset=dataset, organization=organization, **values
            )
            quality.links_recheck(dataset.pk)
        return Edited(dataset, None)
    change = working_copy(actor, dataset, change)
    change.metadata = merged
    record_edit(actor, change, {"metadata": proposal})
    return Edited(dataset, change)


def _ensure_not_overtaken(dataset: Dataset, change: Change | None, based_on: str | None) -> None:
    """Refuse an edit made on a form opened before someone else's save (``based_on``: the
    edit token the form was opened with)."""
    if based_on is not None and based_on != edit_token(dataset, change):
        raise Conflict(
            "Someone else saved this dataset after you opened it, so your changes were not "
            "saved. They are still in the form: compare them with the current version and "
            "save again.",
            attempt="dataset.edit",
            target=dataset,
        )


def published_value(dataset: Dataset, name: str) -> Any:
    if name == "organization":
        return dataset.organization.slug
    return canonical(getattr(dataset, name, None))


def locked_for_edit(actor: Actor, dataset: Dataset, attempt: str, doing: str) -> Dataset:
    """The dataset, locked for this transaction, if the actor edits it; else a refusal."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if not can_edit_dataset(actor, dataset):
        raise PermissionDenied(
            f"Only the organization's stewards and coordinators {doing}.",
            attempt=attempt,
            target=dataset,
        )
    return dataset


def working_copy(actor: Actor, dataset: Dataset, change: Change | None) -> Change:
    if change is None:
        change = Change(dataset=dataset, created_at=timezone.now(), revision=0)
    return change


def record_edit(actor: Actor, change: Change, what: dict[str, Any]) -> None:
    """Count an edit of the working copy; an edit after review started resets the review."""
    change.revision += 1
    change.updated_at = timezone.now()
    pk = getattr(actor, "pk", None)
    if pk is not None and pk not in change.contributors:
        change.contributors = [*change.contributors, pk]
    reset = change.status in (Change.Status.IN_REVIEW, Change.Status.APPROVED)
    if reset:
        change.status, change.step = Change.Status.IN_REVIEW, 0
        set_review(change)
    elif change.status == Change.Status.REJECTED:
        change.status = Change.Status.DRAFT
    change.save()
    audit.record(actor, "change.edited", change.dataset, after={"change": change.pk, **what})
    if reset:
        audit.record(
            actor,
            "change.review_reset",
            change.dataset,
            after={"change": change.pk, "revision": change.revision},
        )
        notices.review_requested(change)


def set_review(change: Change) -> None:
    """The steps and the reasons of a change going (back) to review, from the decision."""
    verdict = decision.for_change(change)
    change.steps, change.step = decision.steps(change), 0
    change.reasons = [*verdict.reasons, *verdict.privacy]
