"""Residents create their own accounts: inactive until the emailed link is followed; an address
with an account already gets a reminder and the page says the same; limited; can be closed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD, make_user
from townsquare.accounts.models import User
from townsquare.audit.tests.helpers import last

pytestmark = pytest.mark.django_db

FORM = {
    "username": "resident",
    "email": "resident@example.org",
    "first_name": "Rosa",
    "last_name": "Parks",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


def _link(message: Any) -> str:
    found = re.search(r"http://[^\s]+/account/verify/\S+", message.body)
    assert found, message.body
    return found.group(0)


def test_a_resident_registers_confirms_and_signs_in(
    django_capture_on_commit_callbacks: Any,
) -> None:
    visitor = Client()
    assert "Create one" in visitor.get("/account/sign-in").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = visitor.post("/account/register", FORM)
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    user = User.objects.get(username="resident")
    assert not user.is_active and last("user.registered").actor == "anonymous"
    refused = visitor.post("/account/sign-in", {"username": "resident", "password": PASSWORD})
    assert refused.status_code == 200  # not confirmed yet: no sign-in
    (message,) = mail.outbox
    assert message.to == ["resident@example.org"]
    confirmed = visitor.get(_link(message).removeprefix("http://127.0.0.1:8000"))
    assert confirmed.status_code == 302 and confirmed["Location"] == "/account/sign-in"
    user.refresh_from_db()
    assert user.is_active and last("user.verified").actor == "resident"
    signed = visitor.post("/account/sign-in", {"username": "resident", "password": PASSWORD})
    assert signed.status_code == 302


def test_an_address_with_an_account_gets_a_reminder_and_the_page_says_the_same(
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=make_user("already").pk).update(email="resident@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post("/account/register", FORM)
    assert "Check your email" in page.content.decode()  # the same answer: nothing revealed
    assert not User.objects.filter(username="resident").exists()
    (message,) = mail.outbox
    assert 'has the account "already"' in message.body and "/account/password-reset" in message.body


def test_bad_links_forms_and_limits(settings: Any) -> None:
    assert Client().get("/account/verify/xx/yy").status_code == 404
    mismatch = Client().post("/account/register", {**FORM, "password_again": "other-9-pass"})
    assert "The two passwords differ" in mismatch.content.decode()
    weak = Client().post("/account/register", {**FORM, "password": "abc", "password_again": "abc"})
    assert "too short" in weak.content.decode()
    settings.RATE_LIMITS = {"registration": "2/h"}
    statuses = [
        Client(REMOTE_ADDR="203.0.113.5")
        .post("/account/register", {**FORM, "username": f"r{n}", "email": f"r{n}@example.org"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    settings.REGISTRATION = "closed"
    assert Client().get("/account/register").status_code == 403
    assert "Create one" not in Client().get("/account/sign-in").content.decode()
