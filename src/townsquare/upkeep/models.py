"""The scheduler's jobs (one row each: when it runs next, how its last run went) and the notices
already sent (a unique key each, so a reminder goes once whatever the number of workers)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        NEVER = "", "Not run yet"
        RUNNING = "running", "Running"
        OK = "ok", "Done"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted (its worker stopped)"

    name = models.CharField(max_length=60, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=12, choices=Status.choices, blank=True, default="")
    last_result = models.TextField(blank=True, help_text="What the last run did, in a line.")
    last_error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0, help_text="Failed runs in a row.")
    worker = models.CharField(max_length=100, blank=True, help_text="Who ran it last.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A reminder or an alert that was sent: its key says what and for which state."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.key
