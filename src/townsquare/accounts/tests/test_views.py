from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD
from townsquare.accounts.models import ApiToken, Membership, User
from townsquare.accounts.services import token_create

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sign_in_and_out(outsider: Any) -> None:
    client = Client()
    response = client.post(
        "/account/sign-in", {"username": "outsider", "password": PASSWORD, "next": "/datasets"}
    )
    assert response.status_code == 302 and response["Location"] == "/datasets"
    assert "outsider" in client.get("/").content.decode()
    assert client.post("/account/sign-out").status_code == 302
    assert "Sign in" in client.get("/").content.decode()


def test_wrong_password_is_a_clear_message(outsider: Any) -> None:
    response = Client().post("/account/sign-in", {"username": "outsider", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_repeated_failures_lock_the_account_out(settings: Any, outsider: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/sign-in", {"username": "outsider", "password": "wrong"})
    response = client.post("/account/sign-in", {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    other_user = Client().post("/account/sign-in", {"username": "nobody", "password": "x"})
    assert other_user.status_code == 200


def test_open_redirects_are_refused(outsider: Any) -> None:
    response = Client().post(
        "/account/sign-in",
        {"username": "outsider", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_password_reset_by_email(outsider: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset", {"email": outsider.email})
    assert response["Location"] == "/account/password-reset/sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choose a new password for Townsquare"
    link = re.search(r"http://testserver(/account/reset/\S+)", str(message.body))
    assert link
    form_url = client.get(link.group(1))["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response["Location"] == "/account/reset/done"
    assert User.objects.get(pk=outsider.pk).check_password("a-new-long-passphrase")


def test_password_reset_for_unknown_address_reveals_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/password-reset", {"email": "nobody@town.example"})
    assert response["Location"] == "/account/password-reset/sent"
    assert mail.outbox == []


def test_tokens_page_creates_shows_once_and_revokes(outsider: Any) -> None:
    client = signed_in(outsider)
    page = client.post(
        "/account/tokens", {"name": "Nightly upload", "expires_in": "30"}
    ).content.decode()
    shown = re.search(r'value="(tsq_[^"]+)"', page)
    assert shown, page
    secret = shown.group(1)
    token = ApiToken.objects.get()
    assert token.expires_at is not None
    assert secret not in client.get("/account/tokens").content.decode()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["username"] == "outsider"
    client.post(f"/account/tokens/{token.pk}/revoke")
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_nobody_revokes_someone_elses_token(outsider: Any, steward: Any) -> None:
    token, _ = token_create(actor=outsider, user=outsider, name="mine")
    response = signed_in(steward).post(f"/account/tokens/{token.pk}/revoke")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_coordinator_manages_members(
    coordinator: Any, public_works: Any, outsider: Any, steward: Any
) -> None:
    client = signed_in(coordinator)
    response = client.post(
        "/organizations/public-works/members", {"username": "outsider", "role": "approver"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, role="approver").exists()
    page = client.get("/organizations/public-works/members").content.decode()
    assert "Outsider" in page and "Approver (signs off)" in page
    response = client.post(
        "/organizations/public-works/members", {"username": "ghost", "role": "viewer"}
    )
    assert "There is no user named" in response.content.decode()
    client.post(
        "/organizations/public-works/members/remove", {"username": "outsider", "role": "approver"}
    )
    assert not Membership.objects.filter(user=outsider).exists()


def test_members_cannot_manage_members(
    steward: Any, viewer: Any, outsider: Any, public_works: Any
) -> None:
    page = signed_in(steward).get("/organizations/public-works/members").content.decode()
    assert "Add a member" not in page
    response = signed_in(viewer).post(
        "/organizations/public-works/members", {"username": "viewer", "role": "steward"}
    )
    assert response.status_code == 403
    assert "Only coordinators and admins assign" in response.content.decode()
    assert list(Membership.objects.filter(user=viewer).values_list("role", flat=True)) == ["viewer"]
    assert signed_in(outsider).get("/organizations/public-works/members").status_code == 403


def test_people_page_invites_and_admin_sets_site_roles(
    coordinator: Any, admin: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/people", {"username": "gail", "email": "gail@town.example", "first_name": "Gail"}
        )
    assert response.status_code == 302
    assert User.objects.filter(username="gail").exists() and len(mail.outbox) == 1
    client.post("/people/outsider/site-role", {"role": "coordinator"})
    assert not User.objects.get(username="outsider").is_coordinator
    signed_in(admin).post("/people/outsider/site-role", {"role": "coordinator"})
    assert User.objects.get(username="outsider").is_coordinator


def test_account_page_lists_roles(steward: Any) -> None:
    page = signed_in(steward).get("/account").content.decode()
    assert "Public Works" in page and "Steward (publishes)" in page


def test_me_endpoint(client: Client, steward: Any) -> None:
    assert client.get("/api/v1/me").json()["authenticated"] is False
    body = signed_in(steward).get("/api/v1/me").json()
    assert body["organizations"] == {"public-works": ["steward"]}


def test_token_api(outsider: Any) -> None:
    client = signed_in(outsider)  # the test client skips CSRF checks unless asked
    response = client.post("/api/v1/tokens", {"name": "api made"}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("tsq_")
    listing = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listing] == ["api made"] and "token" not in listing[0]
    assert client.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert client.get("/api/v1/tokens").json()[0]["status"] == "revoked"
    assert Client().get("/api/v1/tokens").status_code == 401


def test_members_api(coordinator: Any, public_works: Any, outsider: Any) -> None:
    client = signed_in(coordinator)
    response = client.post(
        "/api/v1/organizations/public-works/members",
        {"username": "outsider", "role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/v1/organizations/public-works/members").json()[0]["role"] == "viewer"
    assert (
        client.delete("/api/v1/organizations/public-works/members/outsider/viewer").status_code
        == 204
    )
    assert Client().get("/api/v1/organizations/public-works/members").status_code == 401
