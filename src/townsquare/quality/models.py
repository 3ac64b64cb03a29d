"""The quality report of each data version: what validation found, with the severity
(``quality.severity``) of each finding. Errors block publication."""

from __future__ import annotations

from django.conf import settings
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


class PrivacySignOff(models.Model):
    """A privacy officer's acceptance of a version's privacy findings: with it, the version
    may be published with those columns as they are. The findings accepted are kept."""

    version = models.ForeignKey(
        "datastore.DataVersion", on_delete=models.CASCADE, related_name="privacy_sign_offs"
    )
    findings = models.JSONField(default=list, help_text="The findings accepted.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Privacy sign-off of {self.version} by {self.username}"


class LinkCheck(models.Model):
    """The last check of one address a dataset links to (its landing page, data dictionary,
    files' download and access addresses): reachable or not, and why."""

    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="link_checks"
    )
    url = models.URLField(max_length=2000)
    ok = models.BooleanField(default=False)
    status = models.PositiveIntegerField(null=True, blank=True, help_text="HTTP status.")
    error = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "url"], name="link_check_dataset_url")
        ]

    def __str__(self) -> str:
        return f"{self.url}: {'ok' if self.ok else self.error or self.status}"
