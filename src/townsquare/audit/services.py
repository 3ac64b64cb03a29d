"""Writing to the audit trail. ``record`` joins the caller's transaction: an event exists if
and only if what it describes happened. Refused attempts are recorded by the boundary that
reports them (API, pages, command line) after the refused work was rolled back."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from townsquare.audit import heads
from townsquare.audit.chain import GENESIS, canonical, digest
from townsquare.audit.context import current_actor, current_address
from townsquare.audit.models import AuditEvent
from townsquare.core.actors import Actor, is_system

LOCK = 7_420_011  # the PostgreSQL advisory lock that orders appends to the chain


def actor_label(actor: Actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    if is_system(actor):
        return None, "system"
    return actor.pk, actor.get_username()


def _target(target: Any) -> dict[str, Any]:
    """Object fields, and the dataset and organization the object belongs to."""
    if target is None:
        return {}
    meta = target._meta
    found: dict[str, Any] = {
        "object_type": meta.label_lower,
        "object_id": str(target.pk),
        "object_label": str(target)[:300],
    }
    if meta.label_lower == "catalog.dataset":
        found["dataset_id"] = target.pk
    elif getattr(target, "dataset_id", None) is not None:
        found["dataset_id"] = target.dataset_id
    if meta.label_lower == "catalog.organization":
        found["organization_id"] = target.pk
    elif getattr(target, "organization_id", None) is not None:
        found["organization_id"] = target.organization_id
    elif found.get("dataset_id") is not None:  # a dataset's file, version or change
        found["organization_id"] = getattr(target.dataset, "organization_id", None)
    return found


def record(
    actor: Actor,
    action: str,
    target: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    address: str | None = None,
    **where: Any,
) -> AuditEvent:
    """Append one event. ``where`` may name ``dataset_id`` or ``organization_id`` directly."""
    actor_id, label = actor_label(actor)
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor_id": actor_id,
        "actor": label[:150],
        "action": action,
        "object_type": "",
        "object_id": "",
        "object_label": "",
        "dataset_id": None,
        "organization_id": None,
        "before": canonical(before),
        "after": canonical(after),
        "address": current_address() if address is None else address,
        **_target(target),
        **where,
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        # SQLite: every write transaction is IMMEDIATE, so appends are already one at a time.
        last = AuditEvent.objects.order_by("-number").values_list("number", "hash").first()
        fields["number"], fields["previous_hash"] = (last[0] + 1, last[1]) if last else (1, GENESIS)
        fields["hash"] = digest(fields)
        event = AuditEvent.objects.create(**fields)
    number, hash_ = event.number, event.hash
    transaction.on_commit(lambda: heads.keep(number, hash_), robust=True)
    return event


def changes(
    instance: Any, names: list[str], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before and after of the fields ``values`` changes on ``instance``."""
    before = {n: getattr(instance, n) for n in names if n in values}
    after = {n: values[n] for n in before if values[n] != before[n]}
    return {n: before[n] for n in after}, after


def record_refusal(
    error: Any, actor: Actor = None, address: str | None = None
) -> AuditEvent | None:
    """The refused attempt a domain error describes, if it names one (``attempt``); by the
    request's actor unless another is given."""
    attempt = getattr(error, "attempt", None)
    if not attempt:
        return None
    return record(
        actor if actor is not None else current_actor(),
        f"{attempt}.refused",
        getattr(error, "target", None),
        after={"reason": getattr(error, "message", str(error))},
        address=address,
    )
