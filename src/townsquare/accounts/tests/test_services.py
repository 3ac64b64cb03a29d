from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.accounts import services
from townsquare.accounts.models import ApiToken, Membership, User
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Conflict, NotAuthenticated, PermissionDenied

pytestmark = pytest.mark.django_db


def test_user_create_generates_a_password_once(coordinator: Any) -> None:
    user, password = services.user_create(
        actor=coordinator, username="dana", email="dana@town.example"
    )
    assert password and len(password) >= 16
    assert user.check_password(password)


def test_user_create_refuses_weak_passwords_and_non_coordinators(
    coordinator: Any, steward: Any
) -> None:
    with pytest.raises(ValidationError):
        services.user_create(actor=coordinator, username="erin", password="password")
    with pytest.raises(PermissionDenied):
        services.user_create(actor=steward, username="erin")
    assert not User.objects.filter(username="erin").exists()


def test_invite_sends_a_link_to_choose_a_password(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(actor=coordinator, username="fay", email="fay@town.example")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/account/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["fay@town.example"]


def test_invite_refuses_a_taken_email(coordinator: Any, steward: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.user_invite(actor=coordinator, username="other", email=steward.email.upper())
    assert "email" in excinfo.value.message_dict


def test_only_admins_set_site_roles(admin: Any, coordinator: Any, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.user_set_site_role(actor=coordinator, user=outsider, role="admin")
    services.user_set_site_role(actor=admin, user=outsider, role="coordinator")
    outsider.refresh_from_db()
    assert outsider.is_coordinator and not outsider.is_superuser
    services.user_set_site_role(actor=admin, user=outsider, role="admin")
    outsider.refresh_from_db()
    assert outsider.is_superuser and outsider.is_staff and not outsider.is_coordinator


def test_admins_cannot_demote_themselves(admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.user_set_site_role(actor=admin, user=admin, role="")


def test_membership_roles(coordinator: Any, public_works: Any, outsider: Any, steward: Any) -> None:
    services.membership_add(
        actor=coordinator, organization=public_works, user=outsider, role="approver"
    )
    services.membership_add(
        actor=coordinator, organization=public_works, user=outsider, role="approver"
    )
    services.membership_add(
        actor=coordinator, organization=public_works, user=outsider, role="viewer"
    )
    assert sorted(Membership.objects.filter(user=outsider).values_list("role", flat=True)) == [
        "approver",
        "viewer",
    ]
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=steward, organization=public_works, user=steward, role="approver"
        )
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=coordinator, organization=public_works, user=outsider, role="owner"
        )
    services.membership_remove(
        actor=coordinator, organization=public_works, user=outsider, role="viewer"
    )
    with pytest.raises(Conflict):
        services.membership_remove(
            actor=coordinator, organization=public_works, user=outsider, role="viewer"
        )


def test_viewer_cannot_escalate_their_own_role(viewer: Any, public_works: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=viewer, organization=public_works, user=viewer, role="steward"
        )
    assert list(Membership.objects.filter(user=viewer).values_list("role", flat=True)) == ["viewer"]


def test_token_is_stored_hashed_and_authenticates(outsider: Any) -> None:
    token, secret = services.token_create(actor=outsider, user=outsider, name="script")
    assert secret.startswith("tsq_") and len(secret) > 40
    assert secret not in {token.key_hash, token.prefix}
    assert ApiToken.objects.filter(key_hash=services.hash_token(secret)).exists()
    assert services.token_authenticate(secret) == outsider
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_recorded_at_most_once_a_minute(outsider: Any) -> None:
    token, secret = services.token_create(actor=outsider, user=outsider, name="script")
    services.token_authenticate(secret)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    services.token_authenticate(secret)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    services.token_authenticate(secret)
    later = ApiToken.objects.get().last_used_at
    assert later is not None and later > first


def test_expired_revoked_and_unknown_tokens_are_refused(outsider: Any) -> None:
    token, secret = services.token_create(
        actor=outsider, user=outsider, name="soon", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotAuthenticated, match="expired"):
        services.token_authenticate(secret)
    other, other_secret = services.token_create(actor=outsider, user=outsider, name="other")
    services.token_revoke(actor=outsider, token=other)
    with pytest.raises(NotAuthenticated, match="revoked"):
        services.token_authenticate(other_secret)
    with pytest.raises(NotAuthenticated):
        services.token_authenticate("tsq_made-up")


def test_tokens_of_deactivated_accounts_stop_working(outsider: Any) -> None:
    _, secret = services.token_create(actor=outsider, user=outsider, name="script")
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    with pytest.raises(NotAuthenticated, match="deactivated"):
        services.token_authenticate(secret)


def test_tokens_only_for_yourself(outsider: Any, admin: Any, steward: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.token_create(actor=admin, user=outsider, name="not mine")
    assert services.token_create(actor=SYSTEM, user=outsider, name="operator made")
    token, _ = services.token_create(actor=outsider, user=outsider, name="mine")
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=steward, token=token)
    services.token_revoke(actor=admin, token=token)


def test_expiry_must_be_in_the_future(outsider: Any) -> None:
    with pytest.raises(ValidationError):
        services.token_create(actor=outsider, user=outsider, name="x", expires_at=timezone.now())
