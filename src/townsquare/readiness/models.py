"""The launch program's records. The inventory holds every data asset the organization keeps,
published or not, including those that can never be public, with the factors its priority is
scored from (``priority.py``)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from townsquare.catalog import validators as v
from townsquare.catalog.vocabularies import LICENSE_CHOICES, AccessLevel
from townsquare.readiness.factors import default_weights

# The value and risk factors are marked 0 (none) to 3 (high); demand factors are counts.
SCALE = [MaxValueValidator(3)]


class InventoryItem(models.Model):
    class State(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        SHORTLISTED = "shortlisted", "Shortlisted"
        PREPARING = "in preparation", "In preparation"
        PUBLISHED = "published", "Published"
        NOT_RELEASABLE = "not releasable", "Not releasable"

    class Reason(models.TextChoices):
        """Why an asset cannot be released (in full): Project Open Data's documented reasons."""

        PRIVACY = "privacy", "Privacy"
        SECURITY = "security", "Security"
        LEGAL = "legal", "Legal"
        CONTRACT = "contract", "Contract"
        QUALITY = "quality", "Quality"

    class Privacy(models.TextChoices):
        NONE = "none", "No personal information"
        INDIRECT = "indirect", "Could identify people combined with other data"
        PERSONAL = "personal", "Names people, their addresses or identifiers"
        SENSITIVE = "sensitive", "Sensitive personal information (health, finances, children)"

    identifier = models.CharField(
        max_length=100,
        unique=True,
        help_text="The item's key in the spreadsheet: re-imports match on it.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(
        "catalog.Organization", on_delete=models.PROTECT, related_name="inventory_items"
    )
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inventory_items",
    )
    source_system = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=100, blank=True)
    update_frequency = models.CharField(
        max_length=40, blank=True, validators=[v.validate_frequency]
    )
    access_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.PUBLIC
    )
    reason = models.CharField(
        "cannot release because", max_length=20, choices=Reason.choices, blank=True
    )
    reason_note = models.TextField("reason, in words", blank=True)
    privacy = models.CharField(
        "privacy classification", max_length=20, choices=Privacy.choices, default=Privacy.NONE
    )
    license = models.CharField(max_length=40, blank=True, choices=LICENSE_CHOICES)
    state = models.CharField(max_length=20, choices=State.choices, default=State.CANDIDATE)
    dataset = models.OneToOneField(
        "catalog.Dataset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inventory_item",
    )
    # Demand (counts)
    public_requests = models.PositiveIntegerField(
        default=0, help_text="Public requests and nominations."
    )
    failed_searches = models.PositiveIntegerField(
        default=0, help_text="Searches on the portal that found nothing this would answer."
    )
    records_requests = models.PositiveIntegerField(
        default=0, help_text="Public records (FOIA) requests it would answer."
    )
    # Value (0–3)
    transparency = models.PositiveSmallIntegerField(default=0, validators=SCALE)
    services = models.PositiveSmallIntegerField("better services", default=0, validators=SCALE)
    economic = models.PositiveSmallIntegerField("economic opportunity", default=0, validators=SCALE)
    purpose = models.PositiveSmallIntegerField(
        "serves the stated purpose", default=0, validators=SCALE
    )
    # Effort and risk (0–3)
    effort = models.PositiveSmallIntegerField(default=0, validators=SCALE)
    sensitivity = models.PositiveSmallIntegerField(default=0, validators=SCALE)
    source_quality_risk = models.PositiveSmallIntegerField(
        "source quality risk", default=0, validators=SCALE
    )
    risk_resolved = models.BooleanField(
        default=False, help_text="The risks marked were reviewed and are handled."
    )
    verified = models.BooleanField(
        default=False, help_text="Reviewed with the working group: the entry is right."
    )
    on_shortlist = models.BooleanField(
        "on the launch shortlist", default=False, help_text="Chosen by a coordinator."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name", "title"]
        indexes = [models.Index(fields=["organization", "state"], name="inventory_org_state")]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.state == self.State.NOT_RELEASABLE and not self.reason:
            errors["reason"] = (
                "Say why it cannot be released: privacy, security, legal, contract or quality."
            )
        elif self.access_level != AccessLevel.PUBLIC and not (self.reason or self.reason_note):
            errors["reason"] = f"Say why its access is {self.access_level}."
        if self.state == self.State.PUBLISHED and self.dataset_id is None:
            errors["dataset"] = "A published item names its dataset."
        if errors:
            raise ValidationError(errors)


class Program(models.Model):
    """The launch program's settings, one row: the weights of the prioritization factors and
    the size of the launch shortlist."""

    weights = models.JSONField(default=default_weights)
    shortlist_target = models.PositiveSmallIntegerField(default=5)
    review_months = models.PositiveSmallIntegerField(
        "months between reviews of the purpose and the policy",
        default=12,
        validators=[MaxValueValidator(60)],
    )
    min_score = models.PositiveSmallIntegerField(
        "lowest metadata score for a launch dataset",
        default=70,
        validators=[MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Until launched the portal is preparing: staff work, the public sees the purpose and
    # "coming soon" (TOWNSQUARE_BEFORE_LAUNCH).
    launched_at = models.DateTimeField(null=True, blank=True)
    launched_by = models.CharField(max_length=150, blank=True)
    launch_override = models.TextField(
        blank=True, help_text="Why it launched before every readiness item was done."
    )

    def __str__(self) -> str:
        return "Launch program"


class ChecklistItem(models.Model):
    """A readiness item the portal cannot evaluate by itself ("Town Council briefed"): the
    coordinator adds it, the person it names ticks it."""

    label = models.CharField(max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checklist_items"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label


class Milestone(models.Model):
    """A success the portal recognized by itself (the launch, a department's first dataset, the
    tenth and fiftieth dataset), once; each offers a draft announcement."""

    key = models.CharField(max_length=100, unique=True)
    label = models.CharField(max_length=300)
    reached_at = models.DateTimeField(default=timezone.now)
    dataset = models.ForeignKey(
        "catalog.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reached_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class Announcement(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DISMISSED = "dismissed", "Dismissed"

    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField(
        default=timezone.now, help_text="Shown to the public from this moment once published."
    )
    milestone = models.OneToOneField(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcement"
    )
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["state", "publish_at"], name="announcement_shown")]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A reminder mail sent once (the key names what and which stage): several workers never
    send it twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
