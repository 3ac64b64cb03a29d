from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from townsquare.audit import triggers
from townsquare.audit.models import AuditEvent


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("number").values_list("action", flat=True))


@dataclass(frozen=True)
class Seen:
    """An event as a test reads it: ``before`` and ``after`` empty when the event has none."""

    actor: str
    address: str
    object_id: str
    object_label: str
    dataset_id: int | None
    organization_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


def last(action: str) -> Seen:
    event = AuditEvent.objects.filter(action=action).order_by("-number").first()
    assert event is not None, f"no {action} event; the trail has {actions()}"
    return Seen(
        event.actor,
        event.address,
        event.object_id,
        event.object_label,
        event.dataset_id,
        event.organization_id,
        event.before or {},
        event.after or {},
    )


def tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back, as someone with database access could
    (past the append-only triggers, as the database's owner may)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            drop_sqlite_triggers()
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
        else:
            create_sqlite_triggers()


def drop_sqlite_triggers() -> None:
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_REMOVE:
            cursor.execute(statement)


def create_sqlite_triggers() -> None:
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_APPEND_ONLY:
            cursor.execute(statement)
