"""Emails of the workflow: to the approvers of the step that waits, and to the submitter on
each decision. Sent by the worker once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.core import mail
from townsquare.governance import approval
from townsquare.governance.models import ApprovalPolicy, Change


def _review_link(change: Change) -> str:
    return f"{settings.SITE_URL}{reverse('governance:review', args=[change.pk])}"


def approvers_of_step(change: Change) -> list[User]:
    step = approval.current_step(change)
    if step is None:
        return []
    if step["role"] == ApprovalPolicy.Role.COORDINATOR:
        people = User.objects.filter(is_active=True).filter(
            is_coordinator=True
        ) | User.objects.filter(is_active=True, is_superuser=True)
    else:
        role = OrgRole.PRIVACY if step["role"] == approval.PRIVACY else OrgRole.APPROVER
        ids = Membership.objects.filter(
            organization_id=change.dataset.organization_id, role=role
        ).values_list("user_id", flat=True)
        people = User.objects.filter(pk__in=ids, is_active=True)
    return [p for p in people.distinct() if not approval.is_own(p, change)]


def review_requested(change: Change) -> None:
    step = approval.current_step(change)
    if step is None:
        return
    for person in approvers_of_step(change):
        mail.send_later(
            to=[person.email],
            template="review_requested",
            context=_context(change, step_number=change.step + 1, role=step["role"]),
        )


def decided(change: Change, actor: Any, decision: str, comment: str) -> None:
    submitter = change.submitted_by
    if submitter is None:
        return
    mail.send_later(
        to=[submitter.email],
        template="review_decided",
        context=_context(
            change,
            decision=decision,
            decider=actor.get_username(),
            comment=comment,
            status=change.get_status_display(),
        ),
    )


def _context(change: Change, **extra: Any) -> dict[str, Any]:
    return {
        "dataset": {"title": change.dataset.title, "slug": change.dataset.slug},
        "reasons": ", ".join(change.reasons),
        "link": _review_link(change),
        "steps": len(change.steps),
        **extra,
    }
