"""The program's governance documents: the purpose statement and the governance policy, each
versioned. A version takes effect once every signatory role the coordinator named for its kind
has signed it (at once, when none are named). Versions are never edited: a change is a new
version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Document(models.Model):
    class Kind(models.TextChoices):
        PURPOSE = "purpose", "Purpose statement"
        POLICY = "policy", "Governance policy"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The signatory roles named for this kind when the version was written: [{"role", "user_id",
    # "username"}]. The version takes effect when each has signed.
    required = models.JSONField(default=list, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="document_kind_version")
        ]
        ordering = ["kind", "-version"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Signatory(models.Model):
    """A role whose holder must sign new versions of a kind of document, for example
    'Chief Information Officer' held by one account."""

    kind = models.CharField(max_length=20, choices=Document.Kind.choices)
    role = models.CharField(max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "role"], name="signatory_kind_role")]
        ordering = ["kind", "role"]

    def __str__(self) -> str:
        return f"{self.role} ({self.kind})"


class Signature(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer = models.CharField(max_length=150, help_text="The signer's username, kept.")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "role"], name="signature_document_role")
        ]
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"{self.document} signed as {self.role}"
