"""Review and sign-off: a working copy is submitted, approvers sign off step by step (nobody
approves their own change), the last sign-off publishes; a change can be rejected or withdrawn,
a published dataset archived. Every step is in the audit trail, and each decision is emailed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.catalog import distributions
from townsquare.catalog import services as catalog
from townsquare.catalog.models import Dataset, Distribution
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import SYSTEM, Actor, user_or_none
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance import approval, decision, notices
from townsquare.governance.models import Change, SignOff
from townsquare.governance.policies import can_withdraw_change
from townsquare.governance.workflow.editing import (
    locked_for_edit,
    open_change,
    set_review,
)
from townsquare.quality import gate as privacy
from townsquare.quality import services as quality


@transaction.atomic
def change_submit(*, actor: Actor, dataset: Dataset) -> Change:
    """Send the working copy (or a draft dataset's first publication) to review."""
    dataset = locked_for_edit(actor, dataset, "change.submit", "submit changes")
    change = open_change(dataset, lock=True)
    if change is None:
        if dataset.state == State.PUBLISHED:
            raise ValidationError("There is nothing to submit: the working copy is empty.")
        change = Change(dataset=dataset, new_dataset=True, revision=1)
        pk = getattr(actor, "pk", None)
        change.contributors = [pk] if pk is not None else []
    if change.status not in (Change.Status.DRAFT, Change.Status.REJECTED):
        raise Conflict(f"This change is already {change.get_status_display().lower()}.")
    if change.data_version is not None:
        decision.ensure_no_errors(change.data_version, attempt="change.submit")
    set_review(change)
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
def change_approve(*, actor: Actor, change: Change, revision: int, comment: str = "") -> Change:
    change = Change.objects.select_for_update().select_related("dataset").get(pk=change.pk)
    step = _check_decision(actor, change, revision, "approve")
    _sign(actor, change, step, SignOff.Decision.APPROVE, comment)
    if step["role"] == approval.PRIVACY:  # accepts what it would publish: findings and files
        version = decision.data_made_public(change)
        if version is not None and not privacy.cleared(version):
            quality.privacy_accept(actor=actor, version=version, comment=comment)
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
def change_reject(*, actor: Actor, change: Change, revision: int, comment: str) -> Change:
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
        datastore.version_publish(version, actor)
    for added in Distribution.objects.filter(pk__in=change.files_added, pending=True):
        distributions.distribution_release(actor=actor, distribution=added)
    for removed in Distribution.objects.filter(pk__in=change.files_removed):
        distributions.distribution_delete(actor=SYSTEM, distribution=removed)
    if change.new_dataset:
        catalog.dataset_set_state(actor=actor, dataset=dataset, state=State.PUBLISHED)
    change.status = Change.Status.PUBLISHED
    change.save(update_fields=["status", "replaced_version"])
    quality.links_recheck(dataset.pk)
    audit.record(actor, "change.published", dataset, after={"change": change.pk})


@transaction.atomic
def dataset_archive(*, actor: Actor, dataset: Dataset) -> Dataset:
    """Take a published dataset out of public view (publishing it again needs review)."""
    dataset = locked_for_edit(actor, dataset, "dataset.archive", "archive datasets")
    if dataset.state != State.PUBLISHED:
        raise Conflict(f"Only a published dataset can be archived; this one is {dataset.state}.")
    return catalog.dataset_set_state(actor=actor, dataset=dataset, state=State.ARCHIVED)


@transaction.atomic
def change_withdraw(*, actor: Actor, change: Change) -> Change:
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
