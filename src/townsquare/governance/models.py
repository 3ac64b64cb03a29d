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


def default_steps() -> list[dict[str, object]]:
    return [{"role": "approver", "count": 1}]


class ApprovalPolicy(models.Model):
    """Which changes need review and whose sign-offs, in order. One site-wide default (no
    organization) and at most one per organization, which replaces it for that organization."""

    class Role(models.TextChoices):
        APPROVER = "approver", "An approver of the dataset's organization"
        COORDINATOR = "coordinator", "A coordinator"

    organization = models.OneToOneField(
        "catalog.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_policy",
    )
    review_new_dataset = models.BooleanField(default=True)
    review_metadata_edit = models.BooleanField(default=True)
    review_data_version = models.BooleanField(default=True)
    auto_publish_refresh = models.BooleanField(
        default=True,
        help_text="A data refresh from the same source, with the same columns and every value "
        "read, publishes without review.",
    )
    steps = models.JSONField(default=default_steps)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review_new_dataset"],
                condition=models.Q(organization__isnull=True),
                name="one_site_approval_policy",
                violation_error_message="There is one site-wide approval policy.",
            )
        ]

    def __str__(self) -> str:
        return f"Approval policy of {self.organization or 'the site'}"


class Change(models.Model):
    """A dataset's working copy and its review: proposed metadata values and/or a data version
    the public does not see until the change is approved and published. A new dataset's first
    publication is a change too. At most one open change per dataset."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.REJECTED)

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    new_dataset = models.BooleanField(default=False, help_text="The dataset's first publication.")
    metadata = models.JSONField(default=dict, blank=True, help_text="Proposed field values.")
    data_version = models.ForeignKey(
        "datastore.DataVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_put_forward = models.BooleanField(
        default=False,
        help_text=(
            "A person put its data version forward again (a rollback): how the version first "
            "came (a refresh, the operator's --publish) spares it no review."
        ),
    )
    replaced_version = models.ForeignKey(
        "datastore.DataVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The data version its publication replaced (what its diff compares with).",
    )
    files_added = models.JSONField(
        default=list, blank=True, help_text="Pending distributions (ids) it publishes."
    )
    files_removed = models.JSONField(
        default=list, blank=True, help_text="Published distributions (ids) it removes."
    )
    revision = models.PositiveIntegerField(default=1, help_text="Counts edits of the copy.")
    reasons = models.JSONField(default=list, blank=True, help_text="Why it needs review.")
    steps = models.JSONField(
        default=list, blank=True, help_text="The policy's steps, as submitted."
    )
    step = models.PositiveIntegerField(default=0, help_text="The step waiting for sign-offs.")
    contributors = models.JSONField(default=list, blank=True, help_text="Who edited it (ids).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset"],
                condition=models.Q(status__in=["draft", "in_review", "approved", "rejected"]),
                name="one_open_change_per_dataset",
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="change_queue")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Change {self.pk} of {self.dataset}"


class SignOff(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.PositiveIntegerField()
    role = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField(help_text="The change's revision it was given on.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.username} {self.decision} (change {self.change_id}, step {self.step})"
