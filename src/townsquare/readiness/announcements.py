"""Announcements ("celebrate successes"): Markdown written by coordinators, shown from their
publish date on the announcements page, the home page and the Atom feed. A milestone's draft is
published or dismissed like any other."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.core.actors import Actor
from townsquare.core.errors import PermissionDenied
from townsquare.readiness import policies
from townsquare.readiness.models import Announcement

# Markdown may carry raw HTML; an announcement refuses what would run in a reader's browser
# (pages also render Markdown through the sanitizer, so nothing would run in any case).
ACTIVE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|form)\b|javascript\s*:|\son\w+\s*=",
    re.IGNORECASE,
)


def _check_may(actor: Actor) -> None:
    if not policies.can_run_program(actor):
        raise PermissionDenied(
            "Only coordinators write announcements.", attempt="announcement.change"
        )


def _clean(title: str, body: str) -> tuple[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Give the announcement a title."
    if not body.strip():
        errors["body"] = "Write the announcement."
    for field, text in (("title", title), ("body", body)):
        found = ACTIVE.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            errors[field] = (
                f"Announcements are Markdown without scripts: {found.group(0).strip()!r} on "
                f"line {line} would run in readers' browsers. Remove it."
            )
    if errors:
        raise ValidationError(errors)
    return title.strip(), body.strip()


@transaction.atomic
def announcement_create(
    *,
    actor: Actor,
    title: str,
    body: str,
    publish_at: datetime | None = None,
    publish: bool = True,
) -> Announcement:
    _check_may(actor)
    title, body = _clean(title, body)
    entry = Announcement(
        title=title,
        body=body,
        publish_at=publish_at or timezone.now(),
        state=Announcement.State.DRAFT,
        created_by=audit.actor_label(actor)[1],
    )
    if publish:
        entry.state = Announcement.State.PUBLISHED
    entry.full_clean()
    entry.save()
    audit.record(actor, "announcement.created", entry, after=_described(entry))
    return entry


@transaction.atomic
def announcement_update(*, actor: Actor, entry: Announcement, **values: Any) -> Announcement:
    _check_may(actor)
    entry = Announcement.objects.select_for_update().get(pk=entry.pk)
    unknown = set(values) - {"title", "body", "publish_at", "state"}
    if unknown:
        raise ValidationError({name: "There is no such field." for name in sorted(unknown)})
    before = _described(entry)
    title, body = _clean(values.get("title", entry.title), values.get("body", entry.body))
    entry.title, entry.body = title, body
    entry.publish_at = values.get("publish_at") or entry.publish_at
    entry.state = values.get("state", entry.state)
    entry.updated_at = timezone.now()
    entry.full_clean()
    entry.save()
    after = _described(entry)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        before = {k: before[k] for k in changed}
        audit.record(actor, "announcement.updated", entry, before=before, after=changed)
    return entry


def _described(entry: Announcement) -> dict[str, Any]:
    return {
        "title": entry.title,
        "body": entry.body,
        "state": entry.state,
        "publish_at": entry.publish_at.isoformat(),
    }
