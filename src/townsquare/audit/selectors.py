"""Reading the audit trail: filtered by what the actor may read and by what they ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.core.errors import PermissionDenied


@dataclass(frozen=True)
class EventFilter:
    dataset: str = ""  # a dataset's slug
    user: str = ""  # the username of the actor
    action: str = ""  # an action or its start, for example "dataset." or "auth.sign_in_failed"
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(
    *,
    organizations: list[int] | None,
    where: EventFilter,
    dataset_ids: list[int] | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first; ``organizations``: those whose events the reader may read (None: all, as
    accounts.policies.audit_organizations says); ``dataset_ids``: the datasets ``where`` names."""
    if organizations == []:
        raise PermissionDenied(
            "The audit trail is for coordinators, admins and organizations' stewards and approvers."
        )
    found = AuditEvent.objects.all()
    if organizations is not None:
        found = found.filter(organization_id__in=organizations)
    if where.dataset:
        found = found.filter(dataset_id__in=dataset_ids or [])
    if where.user:
        found = found.filter(actor=where.user)
    if where.action:
        found = found.filter(action__startswith=where.action)
    if where.since:
        found = found.filter(at__gte=_day_start(where.since))
    if where.until:
        found = found.filter(at__lt=_day_start(where.until) + timedelta(days=1))
    return found.order_by("-number")


def chain(**filters: Any) -> QuerySet[AuditEvent]:
    """Every event in order, for verification (no permission check: the operator's command)."""
    return AuditEvent.objects.filter(**filters).order_by("number")
