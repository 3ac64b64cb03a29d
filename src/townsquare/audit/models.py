"""The audit trail: append-only events, each carrying the hash of the one before it, so an
edited, inserted or deleted event breaks the chain (``townsquare audit verify``).

Events name people and objects by id and label instead of foreign keys: deleting a user or a
dataset must never touch the trail.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an event through the application."""


class EventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Audit events are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Audit events are never deleted.")


class AuditEvent(models.Model):
    number = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3… with no gaps.")
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="The user, if any.")
    actor = models.CharField(max_length=150, help_text="Username, 'system' or 'anonymous'.")
    action = models.CharField(max_length=80, help_text="For example dataset.published.")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    dataset_id = models.BigIntegerField(null=True, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    address = models.CharField(max_length=64, blank=True, help_text="The client's IP address.")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["dataset_id", "-number"], name="audit_dataset"),
            models.Index(fields=["actor_id", "-number"], name="audit_actor"),
            models.Index(fields=["organization_id", "-number"], name="audit_organization"),
            models.Index(fields=["action", "-number"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.action} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit events are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Audit events are never deleted.")
