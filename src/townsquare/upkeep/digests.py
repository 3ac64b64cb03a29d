"""The weekly digest. Each steward: their departments' datasets due soon and late, what waits
for their sign-off, their submissions sent back, and broken links. The coordinators: the program
at a glance (freshness by department, reviews waiting, broken links, this week's publications,
and what the apps above add to DIGEST_SECTIONS: the launch program's readiness). Once per
person per week (notices.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import State
from townsquare.governance.models import Change
from townsquare.governance.selectors import inbox
from townsquare.quality.models import LinkCheck
from townsquare.upkeep import people
from townsquare.upkeep.notices import once

# Apps above add lines to the coordinators' digest: each returns (title, lines).
DIGEST_SECTIONS: list[Callable[[], tuple[str, list[str]]]] = []
WEEK = timedelta(days=7)


def send_digests(now: datetime | None = None) -> str:
    now = now or timezone.now()
    week = now.strftime("%G-W%V")
    sent = 0
    for person in people.all_stewards():
        content = steward_digest(person, now)
        if content["empty"]:
            continue
        if once(f"digest:{week}:{person.pk}", partial(_send, person, content)):
            sent += 1
    glance = coordinator_digest(now)
    for person in people.coordinators():
        if once(f"digest:{week}:coordinator:{person.pk}", partial(_send, person, glance)):
            sent += 1
    return f"{sent} digest{'s' if sent != 1 else ''} sent"


def _send(person: User, content: dict[str, Any]) -> list[str]:
    return mailing.send(users=[person], kind="digest", template="digest", context=content)


def _link(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def _line(dataset: Dataset, now: datetime) -> dict[str, Any]:
    due = dataset.update_due_at
    return {
        "title": dataset.title,
        "state": dataset.get_freshness_display(),
        "due": due,
        "days_late": (now - due).days if due and now >= due else 0,
        "link": _link("catalog:dataset", dataset.slug),
    }


def steward_digest(person: User, now: datetime) -> dict[str, Any]:
    organizations = list(
        Membership.objects.filter(user=person, role=OrgRole.STEWARD).values_list(
            "organization_id", flat=True
        )
    )
    datasets = Dataset.objects.filter(organization_id__in=organizations, state=State.PUBLISHED)
    soon = now + timedelta(days=settings.FRESHNESS_REMINDER_DAYS)
    due = datasets.filter(freshness__in=["fresh", "due"], update_due_at__lte=soon)
    late = datasets.filter(freshness__in=freshness.LATE).order_by("update_due_at")
    content = {
        "coordinator": False,
        "name": person.display_name,
        "due": [_line(d, now) for d in due.order_by("update_due_at")],
        "late": [_line(d, now) for d in late],
        "reviews": [_review(change) for change in inbox(actor=person)],
        "returned": [
            _review(change)
            for change in Change.objects.filter(
                submitted_by=person, status=Change.Status.REJECTED
            ).select_related("dataset")
        ],
        "broken": _broken(datasets),
        "dashboard": _link("upkeep:freshness"),
    }
    content["empty"] = not any(content[k] for k in ("due", "late", "reviews", "returned", "broken"))
    return content


def _review(change: Change) -> dict[str, Any]:
    return {"title": change.dataset.title, "link": _link("governance:review", change.pk)}


def _broken(datasets: Any) -> list[dict[str, Any]]:
    checks = LinkCheck.objects.filter(dataset__in=datasets, ok=False).select_related("dataset")
    return [
        {
            "title": c.dataset.title,
            "url": c.url,
            "error": c.error,
            "link": _link("catalog:dataset", c.dataset.slug),
        }
        for c in checks.order_by("dataset__title", "url")[:50]
    ]


def coordinator_digest(now: datetime) -> dict[str, Any]:
    published = Dataset.objects.filter(state=State.PUBLISHED)
    by_state = Counter(published.exclude(freshness="").values_list("freshness", flat=True))
    late_by_department = Counter(
        published.filter(freshness__in=freshness.LATE).values_list("organization__name", flat=True)
    )
    waiting = Change.objects.filter(status=Change.Status.IN_REVIEW)
    oldest = waiting.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    return {
        "coordinator": True,
        "empty": False,
        "freshness": [
            (str(label), by_state.get(value, 0))
            for value, label in freshness.State.choices
            if value
        ],
        "late_by_department": sorted(
            late_by_department.items(), key=lambda item: (-item[1], item[0])
        ),
        "waiting": waiting.count(),
        "oldest_days": (now - oldest).days if oldest else None,
        "broken": LinkCheck.objects.filter(ok=False, dataset__state=State.PUBLISHED).count(),
        "published_this_week": list(
            published.filter(created_at__gte=now - WEEK).values_list("title", flat=True)[:20]
        ),
        "sections": [section() for section in DIGEST_SECTIONS],
        "dashboard": _link("upkeep:freshness"),
        "reviews_link": _link("governance:inbox"),
    }
