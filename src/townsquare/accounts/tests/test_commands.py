from __future__ import annotations

import io
import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townsquare.accounts.models import ApiToken, Membership, User
from townsquare.accounts.services import token_authenticate
from townsquare.audit.tests.helpers import last
from townsquare.cli import main

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_createuser_prints_a_generated_password_once() -> None:
    output = run("createuser", "hana", "--email", "hana@town.example", "--coordinator")
    password = output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    user = User.objects.get(username="hana")
    assert user.check_password(password) and user.is_coordinator
    assert "exists already" in run("createuser", "hana", "--if-missing")
    with pytest.raises(CommandError, match="already exists"):
        run("createuser", "hana")


def test_token_create_prints_the_token_last(outsider: Any) -> None:
    output = run("token", "create", "outsider", "--name", "etl", "--expires-days", "30")
    secret = output.strip().splitlines()[-1]
    assert token_authenticate(secret) == outsider
    assert ApiToken.objects.get().expires_at is not None
    listing = run("token", "list", "outsider")
    assert "etl" in listing and "active" in listing
    run("token", "revoke", str(ApiToken.objects.get().pk))
    assert "revoked" in run("token", "list", "outsider")
    with pytest.raises(CommandError, match="no user named"):
        run("token", "create", "ghost")


def test_member_commands_follow_the_policies(
    public_works: Any, outsider: Any, steward: Any
) -> None:
    run("member", "add", "public-works", "outsider", "viewer")
    assert Membership.objects.filter(user=outsider, role="viewer").exists()
    assert "outsider\tviewer" in run("member", "list", "public-works")
    with pytest.raises(CommandError, match="Only coordinators and admins"):
        run("member", "add", "public-works", "outsider", "steward", "--as", "steward")
    run("member", "remove", "public-works", "outsider", "viewer")
    assert not Membership.objects.filter(user=outsider).exists()
    with pytest.raises(CommandError, match="no organization"):
        run("member", "add", "nowhere", "outsider", "viewer")


def test_siterole(outsider: Any) -> None:
    run("siterole", "outsider", "admin")
    assert User.objects.get(username="outsider").is_superuser
    run("siterole", "outsider", "none")
    assert not User.objects.get(username="outsider").is_superuser


def test_changepassword_works_without_a_terminal(outsider: Any, tmp_path: Any) -> None:
    """`townsquare changepassword NAME` from a script: a file, or standard input."""
    secret = tmp_path / "password"
    secret.write_text("a-long-passphrase-9\n")
    assert "was changed" in run("password", "outsider", "--password-file", str(secret))
    outsider.refresh_from_db()
    assert outsider.check_password("a-long-passphrase-9")
    assert last("user.password_set").actor == "system"
    with pytest.raises(CommandError, match="too short|too common"):
        run_short(tmp_path)
    # the `changepassword` name goes to this command, and standard input works
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from townsquare.cli import main; main(['changepassword', '--help'])",
        ],
        capture_output=True,
        text=True,
    )
    assert "--password-file" in result.stdout and "--stdin" in result.stdout
    assert callable(main)


def run_short(tmp_path: Any) -> str:
    short = tmp_path / "short"
    short.write_text("abc\n")
    return run("password", "outsider", "--password-file", str(short))


def test_password_from_standard_input(outsider: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("another-passphrase-7\n"))
    run("password", "outsider", "--stdin")
    outsider.refresh_from_db()
    assert outsider.check_password("another-passphrase-7")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="No terminal"):
        run("password", "outsider")
