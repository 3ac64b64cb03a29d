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


class Source(models.Model):
    """Where a dataset's data comes from, and when it is fetched again: a file at a URL (CSV,
    XLSX, JSON, GeoJSON, zipped Shapefile, Parquet) or an ArcGIS Feature Service layer."""

    class Kind(models.TextChoices):
        URL = "url", "A file at a URL"
        ARCGIS = "arcgis", "An ArcGIS Feature Service layer"

    class Schedule(models.TextChoices):
        HOURS = "hours", "Every few hours"
        DAILY = "daily", "Daily at a time"
        WEEKLY = "weekly", "Weekly on a day at a time"

    dataset = models.OneToOneField(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="source"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.URL)
    url = models.URLField(max_length=2000)
    options = models.JSONField(default=dict, blank=True, help_text="Reader options (format…).")
    schedule = models.CharField(max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    every_hours = models.PositiveSmallIntegerField(default=24)
    at = models.TimeField(null=True, blank=True, help_text="In the site's time zone.")
    weekday = models.PositiveSmallIntegerField(default=0, help_text="0 is Monday.")
    next_run_at = models.DateTimeField(default=timezone.now)
    # What the source said last time: sent back so that an unchanged source answers 304.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    failures = models.PositiveSmallIntegerField(default=0, help_text="Failed runs in a row.")
    paused = models.BooleanField(default=False)
    paused_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["paused", "next_run_at"], name="source_due")]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.url}"


class RefreshRun(models.Model):
    """One scheduled (or requested) fetch of a dataset's source, and what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        UNCHANGED = "unchanged", "Unchanged"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for review"
        BLOCKED = "blocked", "Blocked by quality errors"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes = models.BigIntegerField(null=True, blank=True)
    changed = models.BooleanField(null=True, blank=True)
    version = models.ForeignKey(
        "datastore.DataVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was held or blocked.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "-started_at"], name="refresh_run_source")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
