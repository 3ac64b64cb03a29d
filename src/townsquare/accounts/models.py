from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person with an account. Site roles: ``is_superuser`` is the admin role and
    ``is_coordinator`` the data coordinator role; organization roles live in ``Membership``."""

    is_coordinator = models.BooleanField(
        "coordinator",
        default=False,
        help_text="Owns the data program: sets policies, assigns roles, sees every dataset.",
    )
    mail_unwanted = models.JSONField(
        default=list,
        blank=True,
        help_text="The kinds of mail (accounts/mailing.py) the person turned off.",
    )

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        swappable = "AUTH_USER_MODEL"

    @property
    def site_role(self) -> str:
        if self.is_superuser:
            return "admin"
        if self.is_coordinator:
            return "coordinator"
        return ""

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class OrgRole(models.TextChoices):
    STEWARD = "steward", "Steward (publishes)"
    APPROVER = "approver", "Approver (signs off)"
    VIEWER = "viewer", "Viewer (sees non-public data)"
    PRIVACY = "privacy", "Privacy officer (accepts privacy findings)"


class Membership(models.Model):
    """A user's role in an organization. A user may hold several roles in one organization."""

    organization = models.ForeignKey(
        "catalog.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=OrgRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="membership_unique_role"
            )
        ]
        ordering = ["organization_id", "user_id", "role"]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organization}"


class ApiToken(models.Model):
    """A secret a program presents instead of a password. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"
