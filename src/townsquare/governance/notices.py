"""Emails of the workflow: to the approvers of the step that waits, and to the submitter on
each decision. Sent by the worker once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from townsquare.accounts import mailing
from townsquare.accounts.models import User
from townsquare.governance import approval
from townsquare.governance.models import Change


def _review_link(change: Change) -> str:
    return f"{settings.SITE_URL}{reverse('governance:review', args=[change.pk])}"


def approvers_of_step(change: Change) -> list[User]:
    return approval.signers(change)


def coordinators() -> list[User]:
    found = User.objects.filter(is_active=True, is_coordinator=True) | User.objects.filter(
        is_active=True, is_superuser=True
    )
    return list(found.distinct())


def review_requested(change: Change) -> None:
    """Tell the people who may sign the step that waits; when nobody (or too few) may, tell the
    submitter and the coordinators at once what is missing and where to fix it."""
    step = approval.current_step(change)
    if step is None:
        return
    for person in approvers_of_step(change):
        mailing.send(
            users=[person],
            kind="reviews",
            template="review_requested",
            context=_context(
                change, step_number=change.step + 1, role=approval.role_name(step["role"])
            ),
        )
    missing = approval.missing_signers(change)
    if missing is None:
        return
    told = coordinators()
    if change.submitted_by is not None:
        told.append(change.submitted_by)
    mailing.send(
        users=told,
        kind="reviews",
        template="review_stuck",
        context=_context(
            change,
            missing=missing,
            members_link=f"{settings.SITE_URL}"
            f"{reverse('accounts:members', args=[change.dataset.organization.slug])}",
        ),
    )


def decided(change: Change, actor: Any, decision: str, comment: str) -> None:
    submitter = change.submitted_by
    if submitter is None:
        return
    mailing.send(
        users=[submitter],
        kind="reviews",
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
