"""Freshness reminders. The stewards of a dataset's department hear a configurable number of
days before its update is due (TOWNSQUARE_FRESHNESS_REMINDER_DAYS), on the due date, and when it
becomes overdue; its approvers and the coordinators when it becomes delinquent. Each once per
state of each due date (notices.py): an update starts the next cycle."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import State
from townsquare.upkeep import people
from townsquare.upkeep.notices import once

STAGES = ("soon", "due", "overdue", "delinquent")


def stage(found: freshness.Freshness, now: datetime, period: timedelta | None) -> str | None:
    """Which reminder the dataset's freshness calls for now, if any. The notice before the due
    date goes only for updates at least twice as far apart as the notice (a weekly dataset
    is not reminded a week ahead)."""
    if found.state == freshness.State.FRESH:
        before = timedelta(days=settings.FRESHNESS_REMINDER_DAYS)
        if not before or found.due_at is None or period is None or period < 2 * before:
            return None
        return "soon" if now >= found.due_at - before else None
    return {"due": "due", "overdue": "overdue", "delinquent": "delinquent"}.get(found.state)


def send_reminders(now: datetime | None = None) -> str:
    """Send the reminders that are due; says how many went."""
    now = now or timezone.now()
    sent = 0
    rows = (
        Dataset.objects.filter(state=State.PUBLISHED)
        .exclude(accrual_periodicity="")
        .select_related("organization", "published_data")
    )
    for dataset in rows.iterator(chunk_size=500):
        published = getattr(dataset, "published_data", None)
        last = published.published_at if published is not None else dataset.modified
        found = freshness.freshness(dataset.accrual_periodicity, last, now)
        which = stage(found, now, freshness.period_of(dataset.accrual_periodicity))
        if which is None or found.due_at is None:
            continue
        key = f"freshness:{dataset.pk}:{found.due_at:%Y%m%dT%H%M%S}:{which}"
        if once(key, partial(_send, dataset, found, which, now)):
            sent += 1
    return f"{sent} reminder{'s' if sent != 1 else ''} sent"


def _send(dataset: Dataset, found: freshness.Freshness, which: str, now: datetime) -> list[str]:
    org = dataset.organization_id
    delinquent = which == "delinquent"
    users = people.approvers(org) + people.coordinators() if delinquent else people.stewards(org)
    link = f"{settings.SITE_URL}{reverse('catalog:dataset', args=[dataset.slug])}"
    return mailing.send(
        users=users,
        kind="delinquent" if delinquent else "freshness",
        template="freshness_reminder",
        context={
            "stage": which,
            "dataset": dataset.title,
            "organization": dataset.organization.name,
            "due": found.due_at,
            "days_late": found.days_late(now),
            "frequency": dataset.accrual_periodicity,
            "link": link,
            "dashboard": f"{settings.SITE_URL}{reverse('upkeep:freshness')}",
        },
    )
