"""Reminders that the purpose statement or the governance policy is due for its review: to the
coordinators a month before the date, and again once it is overdue. Each is sent once, whatever
the number of workers (a unique key per document version and stage). The scheduler runs the
reminders daily, and the milestones that come with time (a year of on-time updates)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.governance.models import Document
from townsquare.governance.notices import coordinators
from townsquare.governance.selectors import current_document
from townsquare.readiness import checklist, milestones, selectors
from townsquare.readiness.checklist import add_months
from townsquare.readiness.models import InventoryItem, Program, Reminder
from townsquare.upkeep import digests, scheduler
from townsquare.upkeep.periods import Daily
from townsquare.upkeep.scheduler import Definition

BEFORE = timedelta(days=30)


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
    mailing.send(
        users=coordinators(),
        kind="program",
        template="review_due",
        context={
            "document": document.get_kind_display().lower(),
            "version": document.version,
            "due": due.date(),
            "overdue": stage == "overdue",
            "edit_url": f"{settings.SITE_URL}{path}",
        },
    )


def _program_reviews(now: datetime) -> str:
    sent = review_reminders(now)
    return f"{len(sent)} review reminder{'s' if len(sent) != 1 else ''} sent"


def _on_time_years(now: datetime) -> str:
    found = milestones.on_time_years(now)
    return f"{len(found)} dataset{'s' if len(found) != 1 else ''} recognized"


# The launch program's periodic jobs, on the scheduler beside upkeep's own (upkeep/jobs.py).
PROGRAM_REVIEWS = scheduler.define(
    Definition(
        "program-reviews",
        "Remind the coordinators of the purpose's and the policy's reviews",
        Daily(time(8)),
        _program_reviews,
    )
)
ON_TIME_YEARS = scheduler.define(
    Definition(
        "on-time-years",
        "Recognize datasets updated on time for a whole year (a milestone)",
        Daily(time(4)),
        _on_time_years,
    )
)


def _digest_section() -> tuple[str, list[str]]:
    """The launch program's lines in the coordinators' weekly digest."""
    if selectors.launched():
        published = InventoryItem.objects.filter(state=InventoryItem.State.PUBLISHED).count()
        total = InventoryItem.objects.count()
        return "Launch program", [f"{total:,} inventory items, {published:,} published"]
    readiness = checklist.evaluate()
    lines = [f"Readiness {readiness.percent}%: {len(readiness.blocking)} item(s) to do"]
    lines += [f"{c.label}: {c.why}" for c in readiness.blocking[:5]]
    return "Launch readiness", lines


digests.DIGEST_SECTIONS.append(_digest_section)  # upkeep's digest, to the coordinators
