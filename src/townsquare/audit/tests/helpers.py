from __future__ import annotations

from typing import Any

from django.db import connection

from townsquare.audit import triggers
from townsquare.audit.models import AuditEvent


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("number").values_list("action", flat=True))


def last(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-number").first()
    assert event is not None, f"no {action} event; the trail has {actions()}"
    return event


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
