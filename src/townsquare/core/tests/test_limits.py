"""Rate limits (429 with Retry-After, problem+json on the API), the Content Security Policy on
every response, and production's security settings (https redirect, HSTS, check --deploy)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client

from conftest import make_user
from townsquare.accounts.services import token_create
from townsquare.core import throttle
from townsquare.core.tests.test_settings import start

pytestmark = pytest.mark.django_db


def _rates(settings: Any, **rates: str) -> None:
    settings.RATE_LIMITS = rates


def test_a_client_guessing_tokens_is_stopped(settings: Any, steward: Any) -> None:
    _rates(settings, bad_token="10/m")
    _, secret = token_create(actor=steward, user=steward, name="t")
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer tsq_guess{n}").status_code
        for n in range(300)
    ]
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
    refused = guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 429  # until the window ends, even a right token
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "try again in" in refused.json()["detail"]
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert guesser.get("/api/v1/datasets").status_code == 200  # without a token: not refused


def test_password_resets_are_limited_per_address_and_per_email(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _rates(settings, password_reset="5/h")
    make_user("resident")  # resident@town.example
    asker = Client(REMOTE_ADDR="203.0.113.8")
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            statuses.append(
                asker.post(
                    "/account/password-reset", {"email": "resident@town.example"}
                ).status_code
            )
    assert statuses == [302] * 5 + [429] * 5
    assert len(mail.outbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):  # from other addresses: the one mailbox gets no more mails
            Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(
                "/account/password-reset", {"email": "resident@town.example"}
            )
    assert len(mail.outbox) == 5


def test_sql_and_queries_have_their_own_limits(settings: Any, public_works: Any) -> None:
    _rates(settings, sql="3/m", queries="4/m", api="1000/m")
    client = Client(REMOTE_ADDR="203.0.113.9")
    sql = [client.get("/api/v1/sql", {"q": "SELECT 1"}).status_code for _ in range(5)]
    assert 429 not in sql[:3] and sql[3:] == [429, 429]
    records = [client.get("/api/v1/datasets/x/records").status_code for _ in range(6)]
    assert 429 not in records[:4] and records[4:] == [429, 429]
    page = client.get("/datasets/x/data")
    assert page.status_code == 429 and "Too many requests" in page.content.decode()
    assert client.get("/api/v1/datasets").status_code == 200  # other API requests go on


def test_every_api_request_counts(settings: Any) -> None:
    _rates(settings, api="20/m")
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [client.get("/api/v1/licenses").status_code for _ in range(25)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 5


def test_limits_count_across_processes_with_a_shared_redis(settings: Any) -> None:
    """With TOWNSQUARE_CACHE_URL, every process counts in one Redis (here: two cache clients,
    as two processes would have)."""
    prefix = uuid.uuid4().hex
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {"default": redis, "other": redis}
    _rates(settings, api="3/m")
    throttle.hit("api", "203.0.113.11")
    throttle.hit("api", "203.0.113.11")
    other: Any = caches["other"]  # the second "process", with its own connection
    (key,) = other._cache.get_client().keys(f"{prefix}:*")  # noqa: SLF001
    assert int(other._cache.get_client().get(key)) == 2  # noqa: SLF001  (counted in Redis)
    throttle.hit("api", "203.0.113.11")
    with pytest.raises(throttle.RateLimited):
        throttle.hit("api", "203.0.113.11")
    caches["default"].clear()


def test_bad_rates_stop_the_start() -> None:
    result = start(TOWNSQUARE_RATE_SQL="lots")
    assert result.returncode != 0 and "TOWNSQUARE_RATE_SQL must be a number per s" in result.stderr


def test_every_page_has_a_strict_content_security_policy(client: Client) -> None:
    for path in ("/", "/datasets", "/account/sign-in", "/api/v1/datasets"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path


def test_production_redirects_to_https_and_sends_strict_transport_security() -> None:
    environ = {
        "TOWNSQUARE_ENV": "production",
        "TOWNSQUARE_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "TOWNSQUARE_SITE_URL": "https://data.town.example",
        "TOWNSQUARE_ALLOWED_HOSTS": "data.town.example",
    }
    result = _manage(environ, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    probe = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.test import Client; c = Client(HTTP_HOST='data.town.example'); "
        "r = c.get('/datasets'); print(r.status_code, r['Location']); "
        "r = c.get('/healthz', secure=True); print(r['Strict-Transport-Security']); "
        "print(c.get('/healthz').status_code)"
    )
    result = _manage({**environ, "DATABASE_URL": "sqlite:///:memory:"}, "shell", "-c", probe)
    lines = [line for line in result.stdout.split("\n") if line and "imported auto" not in line]
    assert lines[0] == "301 https://data.town.example/datasets", result.stdout + result.stderr
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] in ("200", "503")  # health checks over http are not redirected


def _manage(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOWNSQUARE_")
        and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests' own
    }
    clean.update(environ, TOWNSQUARE_DATA_DIR="/tmp/townsquare-settings-test")
    return subprocess.run(
        [sys.executable, "-m", "django", *args, "--settings", "townsquare.settings"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
