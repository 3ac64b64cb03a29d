"""Data versions: each ingest of a file makes one, immutable once ready. A dataset's published
version is a pointer that moves in one transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from townsquare.datastore import treatments


class DataVersion(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        INGESTING = "ingesting", "Ingesting"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="data_versions"
    )
    number = models.PositiveIntegerField(help_text="1, 2, 3… within the dataset.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    # The source: an uploaded file (kept) or a URL it was fetched from.
    source_name = models.CharField(max_length=300, help_text="The original file name.")
    source_url = models.URLField(max_length=2000, blank=True)
    original = models.CharField(max_length=500, blank=True, help_text="Stored original file.")
    original_size = models.BigIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the original.")
    options = models.JSONField(
        default=dict, blank=True, help_text="Reader options (format, encoding, sheet…)."
    )
    # What the ingest made.
    parquet = models.CharField(max_length=500, blank=True, help_text="Stored Parquet file.")
    parquet_size = models.BigIntegerField(null=True, blank=True)
    words = models.CharField(
        max_length=500, blank=True, help_text="Stored word index of the text columns (for q)."
    )
    table_schema = models.JSONField(
        default=dict, blank=True, help_text="Frictionless Table Schema."
    )
    row_count = models.BigIntegerField(null=True, blank=True)
    is_geographic = models.BooleanField(default=False)
    bbox = models.JSONField(null=True, blank=True, help_text="[west, south, east, north].")
    report = models.JSONField(default=dict, blank=True, help_text="What the ingest noticed.")
    profile = models.JSONField(default=dict, blank=True, help_text="Per-column statistics.")
    error = models.TextField(blank=True)
    # Progress while ingesting.
    phase = models.CharField(max_length=40, blank=True)
    rows_done = models.BigIntegerField(default=0)
    percent = models.FloatField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Ingests started; one whose worker died is retried once."
    )
    # Who and when.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    first_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the public first saw it (its change history)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="data_version_number")
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="data_version_status")]
        ordering = ["dataset_id", "-number"]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number} ({self.status})"

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The published columns (treated ones as published, excluded ones left out)."""
        return treatments.published(list(self.table_schema.get("fields", [])))

    @property
    def withheld(self) -> dict[str, str]:
        """Columns the steward excluded, masked or coarsened for publication."""
        return treatments.withheld(list(self.table_schema.get("fields", [])))


class PublishedVersion(models.Model):
    """Which version of a dataset the public sees. One row per dataset that has data; the
    pointer changes in one UPDATE, so readers see the old version or the new one, never a mix."""

    dataset = models.OneToOneField(
        "catalog.Dataset", on_delete=models.CASCADE, primary_key=True, related_name="published_data"
    )
    # RESTRICT: a version cannot be deleted while it is published, except with its dataset.
    version = models.ForeignKey(DataVersion, on_delete=models.RESTRICT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.dataset_id} → v{self.version.number}"


class VersionDiff(models.Model):
    """What changed from one version to another, counted (keydiff.py keeps its rows in a
    Parquet file beside the newer version). ``asked``: the key asked for ("" for the table
    schema's primary key); ``key``: the key used ([] when compared by whole row, ``note`` says
    why)."""

    old = models.ForeignKey(DataVersion, on_delete=models.CASCADE, related_name="+")
    new = models.ForeignKey(DataVersion, on_delete=models.CASCADE, related_name="diffs")
    asked = models.CharField(max_length=500, blank=True)
    key = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    columns = models.JSONField(default=list, blank=True, help_text="The columns compared.")
    schema = models.JSONField(
        default=dict, blank=True, help_text="Columns added, removed, retyped."
    )
    added = models.BigIntegerField(default=0)
    removed = models.BigIntegerField(default=0)
    changed = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["old", "new", "asked"], name="version_diff_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.old_id} → v{self.new_id}"
