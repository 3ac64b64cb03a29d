"""Every write to accounts, roles and tokens. Each function checks its policy, validates and
owns its transaction; pages, API and command line all call these."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from townsquare.accounts import mailing, policies
from townsquare.accounts.models import ApiToken, Membership, OrgRole, User
from townsquare.audit import services as audit
from townsquare.core import mail
from townsquare.core.actors import Actor, is_system
from townsquare.core.errors import Conflict, NotAuthenticated, PermissionDenied

TOKEN_PREFIX = "tsq_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> tuple[User, str | None]:
    """Create an account. Without a password, one is generated and returned (once)."""
    if not policies.can_create_user(actor):
        raise PermissionDenied("Only coordinators and admins create accounts.")
    generated = None
    if password is None:
        password = generated = generate_password()
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, "user.created", user, after={"username": user.username})
    return user, generated


@transaction.atomic
def password_set(*, actor: Actor, user: User, password: str) -> User:
    """Set ``user``'s password (the operator at the command line, or the person themself);
    the password rules apply, and the change is audited (the password is not)."""
    pk = getattr(actor, "pk", None)
    if not (is_system(actor) or pk == user.pk):
        raise PermissionDenied("Only the account's owner or the operator sets its password.")
    if not password:
        raise ValidationError({"password": "The password is empty."})
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_set", user, after={"username": user.username})
    return user


def password_setup_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-confirm", args=[uid, token])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def user_invite(
    *, actor: Actor, username: str, email: str, first_name: str = "", last_name: str = ""
) -> User:
    """Create an account without a password and email its owner a link to choose one."""
    if not policies.can_create_user(actor):
        raise PermissionDenied("Only coordinators and admins create accounts.")
    if not email:
        raise ValidationError({"email": "An invitation needs an email address."})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Another account already uses this email address."})
    user.save()
    audit.record(actor, "user.invited", user, after={"username": user.username, "email": email})
    inviter = getattr(actor, "display_name", str(actor))
    mail.send_later(
        to=[email],
        template="invitation",
        context={
            "user": {"username": user.username, "name": user.display_name},
            "inviter": inviter,
            "link": password_setup_link(user),
        },
    )
    return user


@transaction.atomic
def user_set_site_role(*, actor: Actor, user: User, role: str) -> User:
    """``role`` is ``admin``, ``coordinator`` or ``""`` (no site role)."""
    if role not in ("admin", "coordinator", ""):
        raise ValidationError({"role": "Choose admin, coordinator or no site role."})
    if not policies.can_set_site_role(actor):
        raise PermissionDenied(
            "Only admins change site roles.", attempt="role.site_role", target=user
        )
    if actor.pk is not None and actor.pk == user.pk and role != "admin":
        raise PermissionDenied(
            "Admins cannot remove their own admin role; ask another admin.",
            attempt="role.site_role",
            target=user,
        )
    before = user.site_role
    user.is_superuser = role == "admin"
    user.is_staff = role == "admin"
    user.is_coordinator = role == "coordinator"
    user.save(update_fields=["is_superuser", "is_staff", "is_coordinator"])
    if before != role:
        audit.record(
            actor, "role.site_role_changed", user, before={"role": before}, after={"role": role}
        )
    return user


@transaction.atomic
def membership_add(*, actor: Actor, organization: Any, user: User, role: str) -> Membership:
    if role not in OrgRole.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(OrgRole.values)}."})
    if not policies.can_assign_org_role(actor, organization.pk, role):
        raise PermissionDenied(
            "Only coordinators and admins assign organization roles.",
            attempt="role.membership",
            target=user,
        )
    if not user.is_active:
        raise ValidationError({"user": "This account is deactivated."})
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, role=role
    )
    if created:
        audit.record(
            actor,
            "role.membership_added",
            user,
            after={"organization": organization.slug, "role": role},
            organization_id=organization.pk,
        )
    user.__dict__.pop("_org_roles", None)
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, organization: Any, user: User, role: str) -> None:
    if not policies.can_manage_members(actor, organization.pk):
        raise PermissionDenied(
            "Only coordinators and admins remove organization roles.",
            attempt="role.membership",
            target=user,
        )
    deleted, _ = Membership.objects.filter(organization=organization, user=user, role=role).delete()
    if not deleted:
        raise Conflict(f"{user.username} is not {role} of {organization.name}.")
    audit.record(
        actor,
        "role.membership_removed",
        user,
        before={"organization": organization.slug, "role": role},
        organization_id=organization.pk,
    )
    user.__dict__.pop("_org_roles", None)


@transaction.atomic
def mail_choose(*, actor: Actor, user: User, wanted: list[str]) -> User:
    """Keep the kinds of mail ``user`` gets (the others are turned off). Only the person
    chooses their own."""
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("Only the person chooses which mails they get.")
    unknown = [kind for kind in wanted if kind not in mailing.KINDS]
    if unknown:
        raise ValidationError({"wanted": f"Unknown kind of mail: {', '.join(unknown)}."})
    before = list(user.mail_unwanted or [])
    user.mail_unwanted = mailing.unwanted_from_choices(wanted)
    user.save(update_fields=["mail_unwanted"])
    audit.record(
        actor, "user.mail_chosen", user, before={"off": before}, after={"off": user.mail_unwanted}
    )
    return user


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Actor, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    if not policies.can_create_token_for(actor, user.pk):
        raise PermissionDenied("You can create tokens only for your own account.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:12],
        key_hash=hash_token(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    try:
        token.save()
    except IntegrityError:  # a 256-bit collision: astronomically unlikely
        raise Conflict("Could not create a unique token; try again.") from None
    audit.record(
        actor,
        "token.created",
        token,
        after={"user": user.username, "name": token.name, "expires_at": expires_at},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if not policies.can_revoke_token(actor, token):
        raise PermissionDenied("You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token, after={"user": token.user.username})
    return token


def token_authenticate(secret: str) -> User:
    """The active user a token belongs to; records when it was last used (to the minute)."""
    secret = secret.strip()
    if not secret:
        raise NotAuthenticated("The Authorization header is empty.")
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None:
        raise NotAuthenticated("This API token is not valid or has been revoked.")
    if token.is_expired(now):
        raise NotAuthenticated("This API token has expired.", attempt="token.use", target=token)
    if not token.user.is_active:
        raise NotAuthenticated("The account this API token belongs to is deactivated.")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
