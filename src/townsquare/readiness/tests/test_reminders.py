"""The coordinators are reminded of a document's review a month before it is due and once it
is overdue, each reminder once, however often the workers look."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from townsquare.governance import services as governance
from townsquare.governance.models import Document
from townsquare.readiness import reminders
from townsquare.upkeep import digests, scheduler

pytestmark = pytest.mark.django_db(transaction=True)  # the mail goes once the row commits


def _purpose_taking_effect_days_ago(coordinator: Any, days: int) -> None:
    governance.document_revise(actor=coordinator, kind="purpose", title="Why", body="To share.")
    Document.objects.filter(kind="purpose").update(
        effective_at=timezone.now() - timedelta(days=days)
    )


def test_a_review_due_within_a_month_is_told_once_then_again_when_overdue(
    coordinator: Any,
) -> None:
    _purpose_taking_effect_days_ago(coordinator, 350)  # due in about two weeks
    assert reminders.review_reminders() == [f"review:{Document.objects.get().pk}:soon"]
    assert reminders.review_reminders() == []  # never twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "The purpose statement is due for review on" in message.subject
    assert "/purpose/edit" in message.body
    later = timezone.now() + timedelta(days=30)
    assert reminders.review_reminders(now=later) == [f"review:{Document.objects.get().pk}:overdue"]
    assert mail.outbox[1].subject.startswith("Overdue: the review of the purpose statement")


def test_a_review_far_off_sends_nothing_and_the_scheduler_looks_daily(
    coordinator: Any,
) -> None:
    _purpose_taking_effect_days_ago(coordinator, 100)
    assert reminders.review_reminders() == []
    assert scheduler.DEFINITIONS["program-reviews"] is reminders.PROGRAM_REVIEWS
    assert scheduler.DEFINITIONS["on-time-years"] is reminders.ON_TIME_YEARS
    assert not mail.outbox


def test_the_coordinators_digest_carries_the_launch_readiness(coordinator: Any) -> None:
    glance = digests.coordinator_digest(timezone.now())
    titles = [title for title, _ in glance["sections"]]
    assert "Launch readiness" in titles
    lines = dict(glance["sections"])["Launch readiness"]
    assert lines[0].startswith("Readiness ") and "item(s) to do" in lines[0]
