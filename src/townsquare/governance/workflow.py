"""The publishing workflow: every change to what the public sees passes the approval policy.

A draft dataset is edited freely by its stewards, then submitted; a published dataset's edits
and new data versions go into its working copy (the public keeps seeing the published copy)
unless the policy lets them apply at once. Approvers sign off step by step; nobody approves
their own change; an edit after review started resets the review; the last sign-off
publishes. Every step is in the audit trail, and each decision is emailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.audit.chain import canonical
from townsquare.catalog import distributions
from townsquare.catalog import services as catalog
from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.policies import can_edit_dataset
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import SYSTEM, Actor, user_or_none
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance import approval, decision, notices
from townsquare.governance.models import Change, SignOff
from townsquare.governance.policies import can_withdraw_change
from townsquare.quality import gate as privacy
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
    quality.links_changed(dataset.pk)
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
    if based_on is not None and based_on != edit_token(dataset, change):
        raise Conflict(
            "Someone else saved this dataset after you opened it, so your changes were not "
            "saved. They are still in the form: compare them with the current version and "
            "save again.",
            attempt="dataset.edit",
            target=dataset,
        )
    if dataset.state != State.PUBLISHED:
        catalog.dataset_update(actor=actor, dataset=dataset, organization=organization, **values)
        quality.links_changed(dataset.pk)
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
            quality.links_changed(dataset.pk)
        return Edited(dataset, None)
    change = working_copy(actor, dataset, change)
    change.metadata = merged
    record_edit(actor, change, {"metadata": proposal})
    return Edited(dataset, change)


def published_value(dataset: Dataset, name: str) -> Any:
    if name == "organization":
        return dataset.organization.slug
    return canonical(getattr(dataset, name, None))


def _locked_for_edit(actor: Actor, dataset: Dataset, attempt: str, doing: str) -> Dataset:
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
        _set_review(change)
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


def version_ready(version: DataVersion) -> None:
    """Called by the datastore when a version finished ingesting: check it, then publish it
    or hold it in the working copy, as the publication decision says."""
    quality.check_version(version)
    _decide(version)


@transaction.atomic
def _decide(version: DataVersion) -> None:
    dataset = Dataset.objects.select_related("organization").get(pk=version.dataset_id)
    version.dataset = dataset  # decided on the dataset as it is now, not as the ingest began
    verdict = decision.data_version(version)
    if verdict.blocked:
        report = quality.report_of(version)
        audit.record(
            SYSTEM,
            "data_version.blocked",
            version,
            after={"errors": verdict.errors, "warnings": report.warnings if report else 0},
        )
        return
    if verdict.at_once:
        _publish_version(SYSTEM, version, verdict)
        _supersede(dataset, version)
        return
    actor = version.created_by or SYSTEM
    change = working_copy(actor, dataset, open_change(dataset, lock=True))
    change.data_version, change.data_put_forward = version, False
    held = {"held": ", ".join(verdict.privacy)} if verdict.privacy else {}
    record_edit(actor, change, {"data_version": version.number, **held})


def _publish_version(actor: Actor, version: DataVersion, verdict: decision.Decision) -> None:
    """Publish a version the decision lets through at once; when the operator's override is
    what spared it the review, that is its own event in the audit trail, by whoever loaded it."""
    if verdict.overridden:
        audit.record(
            version.created_by or SYSTEM,
            "data_version.review_overridden",
            version,
            after={"number": version.number, "by": "townsquare ingest --publish"},
        )
    datastore.publish_now(version, actor)


def _supersede(dataset: Dataset, version: DataVersion) -> None:
    """A newer version was published: an older one waiting in the working copy is dropped
    (and the working copy withdrawn when it held nothing else)."""
    change = open_change(dataset, lock=True)
    if change is None or change.data_version is None:
        return
    if change.data_version.number >= version.number:
        return
    dropped = change.data_version.number
    change.data_version, change.data_put_forward = None, False
    if change.metadata or change.files_added or change.files_removed:
        record_edit(
            SYSTEM, change, {"data_version_dropped": dropped, "superseded_by": version.number}
        )
        return
    change.status, change.decided_at = Change.Status.WITHDRAWN, timezone.now()
    change.save()
    audit.record(
        SYSTEM,
        "change.superseded",
        dataset,
        after={"change": change.pk, "data_version": dropped, "published": version.number},
    )


@transaction.atomic
def version_choose(*, actor: Actor, version: DataVersion) -> Change | None:
    """Put a ready version forward to be published (for example to roll back): published at
    once when no review is needed, else held in the working copy."""
    dataset = _locked_for_edit(actor, version.dataset, "data_version.publish", "publish data")
    if version.status != DataVersion.Status.READY:
        raise ValidationError(
            f"Version {version.number} is {version.status}; only a ready version can be published."
        )
    version.dataset = dataset
    decision.ensure_no_errors(version, attempt="data_version.publish")
    verdict = decision.data_version(version, put_forward=True)
    if verdict.at_once:
        _publish_version(actor, version, verdict)
        return None
    change = working_copy(actor, dataset, open_change(dataset, lock=True))
    change.data_version, change.data_put_forward = version, True
    record_edit(actor, change, {"data_version": version.number})
    return change


@transaction.atomic
def submit(*, actor: Actor, dataset: Dataset) -> Change:
    """Send the working copy (or a draft dataset's first publication) to review."""
    dataset = _locked_for_edit(actor, dataset, "change.submit", "submit changes")
    change = open_change(dataset, lock=True)
    if change is None:
        if dataset.state == State.PUBLISHED:
            raise ValidationError("There is nothing to submit: the working copy is empty.")
        change = Change(dataset=dataset, new_dataset=True, revision=1)
        pk = getattr(actor, "pk", None)
        change.contributors = [pk] if pk is not None else []
    if change.status not in (Change.Status.DRAFT, Change.Status.REJECTED):
        raise Conflict(f"This change is already {change.get_status_display().lower()}.")
    if change.data_version_id:
        decision.ensure_no_errors(change.data_version, attempt="change.submit")
    _set_review(change)
    change.status = Change.Status.IN_REVIEW
    change.submitted_by = user_or_none(actor)
    change.submitted_at = timezone.now()
    change.save()
    audit.record(
        actor,
        "change.submitted",
        dataset,
        after={"change": change.pk, "revision": change.revision, "steps": change.steps},
    )
    notices.review_requested(change)
    return change


def _set_review(change: Change) -> None:
    """The steps and the reasons of a change going (back) to review, from the decision."""
    verdict = decision.for_change(change)
    change.steps, change.step = decision.steps(change), 0
    change.reasons = [*verdict.reasons, *verdict.privacy]


def _check_decision(actor: Actor, change: Change, revision: int, action: str) -> dict[str, Any]:
    """The step the actor signs, or a refusal naming why."""

    def refuse(error: type[PermissionDenied] | type[Conflict], message: str) -> None:
        raise error(message, attempt=f"change.{action}", target=change.dataset)

    step = approval.current_step(change)
    if change.status != Change.Status.IN_REVIEW or step is None:
        refuse(Conflict, f"This change is not waiting for review (it is {change.status}).")
    assert step is not None
    if revision != change.revision:
        refuse(
            Conflict,
            "The working copy changed after you opened it; review it again before deciding.",
        )
    if approval.is_own(actor, change):
        refuse(PermissionDenied, "Nobody approves their own change; another approver must.")
    if not approval.may_sign(actor, change, step["role"]):
        refuse(PermissionDenied, f"This step needs the sign-off of a {step['role']}.")
    if step["role"] != approval.PRIVACY and any(
        s.user_id == actor.pk for s in approval.valid_sign_offs(change)
    ):
        refuse(Conflict, "You already approved this change.")
    return step


@transaction.atomic
def approve(*, actor: Actor, change: Change, revision: int, comment: str = "") -> Change:
    change = Change.objects.select_for_update().select_related("dataset").get(pk=change.pk)
    step = _check_decision(actor, change, revision, "approve")
    _sign(actor, change, step, SignOff.Decision.APPROVE, comment)
    if step["role"] == approval.PRIVACY:  # accepts what it would publish: findings and files
        version = decision.data_made_public(change)
        if version is not None and not privacy.cleared(version):
            quality.accept_privacy(actor=actor, version=version, comment=comment)
        for document in decision.files_made_public(change):
            distributions.distribution_accept_privacy(
                actor=actor, distribution=document, comment=comment
            )
    else:
        given = [s for s in approval.valid_sign_offs(change) if s.step == change.step]
        if len(given) >= step["count"]:
            change.step += 1
    if approval.current_step(change) is None:
        change.status, change.decided_at = Change.Status.APPROVED, timezone.now()
        change.save()
        audit.record(actor, "change.approved", change.dataset, after={"change": change.pk})
        _publish(actor, change)
    else:
        change.save()
        notices.review_requested(change)
    notices.decided(change, actor, SignOff.Decision.APPROVE, comment)
    return change


@transaction.atomic
def reject(*, actor: Actor, change: Change, revision: int, comment: str) -> Change:
    change = Change.objects.select_for_update().select_related("dataset").get(pk=change.pk)
    step = _check_decision(actor, change, revision, "reject")
    if not comment.strip():
        raise ValidationError({"comment": "Say why, so the steward knows what to change."})
    _sign(actor, change, step, SignOff.Decision.REJECT, comment)
    change.status, change.decided_at = Change.Status.REJECTED, timezone.now()
    change.save()
    audit.record(
        actor, "change.rejected", change.dataset, after={"change": change.pk, "comment": comment}
    )
    notices.decided(change, actor, SignOff.Decision.REJECT, comment)
    return change


def _sign(actor: Actor, change: Change, step: dict[str, Any], decision: str, comment: str) -> None:
    SignOff.objects.create(
        change=change,
        step=change.step,
        role=step["role"],
        user=actor,
        username=actor.get_username(),
        decision=decision,
        comment=comment.strip(),
        revision=change.revision,
    )
    audit.record(
        actor,
        "change.signed_off",
        change.dataset,
        after={
            "change": change.pk,
            "step": change.step + 1,
            "role": step["role"],
            "decision": decision,
            "revision": change.revision,
        },
    )


def _publish(actor: Actor, change: Change) -> None:
    """The approved change becomes what the public sees, in this transaction."""
    dataset = change.dataset
    decision.ensure_private_data_cleared(decision.data_made_public(change), "change.approve")
    decision.ensure_files_cleared(change, "change.approve")
    if change.metadata:
        catalog.dataset_apply(actor=actor, dataset=dataset, values=change.metadata)
    if change.data_version_id:
        version = DataVersion.objects.get(pk=change.data_version_id)
        decision.ensure_no_errors(version, attempt="change.approve")
        change.replaced_version = published_version(dataset)
        datastore.publish_now(version, actor)
    for added in Distribution.objects.filter(pk__in=change.files_added, pending=True):
        distributions.distribution_release(actor=actor, distribution=added)
    for removed in Distribution.objects.filter(pk__in=change.files_removed):
        distributions.distribution_delete(actor=SYSTEM, distribution=removed)
    if change.new_dataset:
        catalog.dataset_set_state(actor=actor, dataset=dataset, state=State.PUBLISHED)
    change.status = Change.Status.PUBLISHED
    change.save(update_fields=["status", "replaced_version"])
    quality.links_changed(dataset.pk)
    audit.record(actor, "change.published", dataset, after={"change": change.pk})


@transaction.atomic
def archive(*, actor: Actor, dataset: Dataset) -> Dataset:
    """Take a published dataset out of public view (publishing it again needs review)."""
    dataset = _locked_for_edit(actor, dataset, "dataset.archive", "archive datasets")
    if dataset.state != State.PUBLISHED:
        raise Conflict(f"Only a published dataset can be archived; this one is {dataset.state}.")
    return catalog.dataset_set_state(actor=actor, dataset=dataset, state=State.ARCHIVED)


@transaction.atomic
def withdraw(*, actor: Actor, change: Change) -> Change:
    """Discard the working copy: the published copy stays as it is."""
    change = Change.objects.select_for_update().select_related("dataset").get(pk=change.pk)
    if change.status not in Change.OPEN:
        raise Conflict(f"This change is already {change.get_status_display().lower()}.")
    if not can_withdraw_change(actor, change):
        raise PermissionDenied(
            "Only the organization's stewards and coordinators withdraw changes.",
            attempt="change.withdraw",
            target=change.dataset,
        )
    change.status, change.decided_at = Change.Status.WITHDRAWN, timezone.now()
    change.save()
    for pending in Distribution.objects.filter(pk__in=change.files_added, pending=True):
        distributions.distribution_delete(actor=actor, distribution=pending)
    audit.record(actor, "change.withdrawn", change.dataset, after={"change": change.pk})
    return change


# The datastore reports each version ready here (datastore.services.VERSION_READY).
datastore.VERSION_READY.append(version_ready)
