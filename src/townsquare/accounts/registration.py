"""Residents create their own accounts (to ask for access to data, later to ask questions and
request data): the account exists inactive until its owner follows the link mailed to the
address given. An address that has an account already gets a reminder instead, and the page
says the same either way, so nobody learns who is registered. TOWNSQUARE_REGISTRATION turns it
off; TOWNSQUARE_RATE_REGISTRATIONS limits it per address and per mailbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from townsquare.accounts.models import User
from townsquare.audit import services as audit
from townsquare.core import mail, throttle
from townsquare.core.actors import ANONYMOUS
from townsquare.core.errors import NotFound, PermissionDenied


def registration_open() -> bool:
    return settings.REGISTRATION == "open"


@transaction.atomic
def user_register(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    address: str = "",
) -> User | None:
    """A new inactive account and its verification mail; None when the address has an account
    already (its owner is reminded of it instead)."""
    if not registration_open():
        raise PermissionDenied("This portal does not take new accounts; ask its coordinator.")
    throttle.hit("registration", address)
    email = email.strip()
    if not email:
        raise ValidationError(
            {"email": "Give your email address: the link to confirm it goes there."}
        )
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _mail_once(
            email,
            "registration_existing",
            {"username": existing.username, "link": _url("accounts:password-reset")},
        )
        return None
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.is_active = False
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(
        ANONYMOUS, "user.registered", user, after={"username": user.username}, address=address
    )
    _mail_once(
        email, "registration_verify", {"username": user.username, "link": verification_link(user)}
    )
    return user


def _mail_once(email: str, template: str, context: dict[str, str]) -> None:
    try:  # a mailbox gets a few of these an hour at most
        throttle.hit("registration", f"email:{email.lower()}")
    except throttle.RateLimited:
        return
    mail.send_later(to=[email], template=template, context=context)


def verification_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _url("accounts:verify", uid, token)


def _url(name: str, *args: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


@transaction.atomic
def user_verify(*, uidb64: str, token: str) -> User:
    """Activate the account whose link this is (once: the link stops working after)."""
    try:
        user = User.objects.select_for_update().get(
            pk=int(force_str(urlsafe_base64_decode(uidb64)))
        )
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise NotFound("This confirmation link is not valid.") from None
    if user.is_active and user.last_login is not None:
        raise NotFound("This account is confirmed already: sign in.")
    if not default_token_generator.check_token(user, token):
        raise NotFound("This confirmation link is not valid or has expired; register again.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(user, "user.verified", user, after={"username": user.username})
    return user
