"""The quality report of each data version: what validation found, with the severity the
site's quality policy gave each finding. Errors block publication."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Report(models.Model):
    version = models.OneToOneField(
        "datastore.DataVersion", on_delete=models.CASCADE, related_name="quality_report"
    )
    findings = models.JSONField(default=list)
    errors = models.PositiveIntegerField(default=0, help_text="Findings of severity error.")
    warnings = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Quality report of {self.version} ({self.errors} errors)"

    @property
    def blocks_publication(self) -> bool:
        return self.errors > 0
