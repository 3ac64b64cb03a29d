"""Reminders that the purpose statement or the governance policy is due for its review: to the
coordinators a month before the date, and again once it is overdue. Each is sent once, whatever
the number of workers (a unique key per document version and stage). The workers' watchdog
looks every hour (and recognizes the milestones that come with time)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare.core import mail, watchdogs
from townsquare.governance.models import Document
from townsquare.governance.notices import coordinators
from townsquare.governance.selectors import current_document
from townsquare.readiness import milestones
from townsquare.readiness.checklist import add_months
from townsquare.readiness.models import Program, Reminder

BEFORE = timedelta(days=30)
EVERY_SECONDS = 3600
_last: list[float] = []


def review_reminders(now: datetime | None = None) -> list[str]:
    """Send the reminders that are due; the keys of those sent."""
    now = now or timezone.now()
    program = Program.objects.order_by("pk").first() or Program()
    sent = []
    for kind in (Document.Kind.PURPOSE, Document.Kind.POLICY):
        document = current_document(kind)
        if document is None or document.effective_at is None:
            continue
        due = add_months(document.effective_at, program.review_months)
        stage = "overdue" if now >= due else "soon" if now >= due - BEFORE else None
        if stage is None:
            continue
        key = f"review:{document.pk}:{stage}"
        if _once(key):
            _send(document, due, stage)
            sent.append(key)
    return sent


def _once(key: str) -> bool:
    if Reminder.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key)
    except IntegrityError:  # another worker sent it a moment ago
        return False
    return True


def _send(document: Document, due: datetime, stage: str) -> None:
    path = "/purpose/edit" if document.kind == Document.Kind.PURPOSE else "/governance-policy/edit"
    mail.send_later(
        to=[person.email for person in coordinators()],
        template="review_due",
        context={
            "document": document.get_kind_display().lower(),
            "version": document.version,
            "due": due.date(),
            "overdue": stage == "overdue",
            "edit_url": f"{settings.SITE_URL}{path}",
        },
    )


def hourly() -> None:
    """The watchdog's call, at most once an hour in each worker: the reminders due, and the
    milestones that come with time (a year of on-time updates)."""
    if _last and time.monotonic() - _last[0] < EVERY_SECONDS:
        return
    _last[:] = [time.monotonic()]
    review_reminders()
    milestones.on_time_years()


watchdogs.register(hourly)
