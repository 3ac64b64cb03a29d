"""Test set-up shared by every test: fast settings, isolated file storage, and the named
personas every permission test speaks of.

Personas (one organization, "Public Works", plus "Parks" where a second one is needed):
admin (site admin), coordinator, steward / approver / viewer (of Public Works), outsider
(signed in, no role) and anonymous.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.backends.sqlite3 import base  # noqa: F401  (imports its operations)
from django.db.backends.sqlite3.operations import DatabaseOperations

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.audit.triggers import SQLITE_APPEND_ONLY, SQLITE_REMOVE
from townsquare.catalog import services
from townsquare.catalog.models import Organization
from townsquare.core.actors import SYSTEM
from townsquare.governance.models import ApprovalPolicy

PASSWORD = "correct-horse-battery-9"


def _flush_past_the_audit_triggers() -> None:
    """Transactional tests end with Django's flush (a DELETE per table on SQLite), which the
    audit trail's append-only triggers refuse: the test runner's flush lifts them for its own
    statements and puts them back."""
    flush = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = flush(self, style, tables, **kwargs)
        if "audit_auditevent" in tables:
            return [*SQLITE_REMOVE, *statements, *SQLITE_APPEND_ONLY]
        return statements

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    _flush_past_the_audit_triggers()
    if (
        os.environ.get("CI") == "true"
        and os.environ.get("TOWNSQUARE_TEST_DATABASE") == "postgresql"
    ):
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            raise pytest.UsageError(
                "CI asked for the PostgreSQL run but DATABASE_URL is not PostgreSQL."
            )


@pytest.fixture(autouse=True)
def _fast_isolated_settings(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.QUALITY_CHECK_LINKS = False  # no test reaches the internet; link tests turn it on
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.FILE_UPLOAD_TEMP_DIR = str(_mkdir(tmp_path / "uploads"))
    settings.AUDIT_HEAD_FILE = tmp_path / "audit-head.log"
    settings.RATE_LIMITS = {}  # rate limits have their own tests (thousands of requests here)
    settings.BEFORE_LAUNCH = "open"  # the coming-soon page has its own tests (readiness)
    settings.SCHEDULER_ENABLED = False  # the scheduler's jobs have their own tests (upkeep)
    cache.clear()


def _mkdir(path: Any) -> Any:
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_user(username: str, **extra: Any) -> User:
    user = User(
        username=username, email=f"{username}@town.example", first_name=username.title(), **extra
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def public_works(db: Any) -> Organization:
    return Organization.objects.create(
        slug="public-works", name="Public Works", email="pw@town.example"
    )


@pytest.fixture
def parks(db: Any) -> Organization:
    return Organization.objects.create(slug="parks", name="Parks and Recreation")


@pytest.fixture
def admin(db: Any) -> User:
    return make_user("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def coordinator(db: Any) -> User:
    return make_user("coordinator", is_coordinator=True)


def _member(username: str, organization: Organization, role: str) -> User:
    user = make_user(username)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def steward(public_works: Organization) -> User:
    return _member("steward", public_works, OrgRole.STEWARD)


@pytest.fixture
def approver(public_works: Organization) -> User:
    return _member("approver", public_works, OrgRole.APPROVER)


@pytest.fixture
def viewer(public_works: Organization) -> User:
    return _member("viewer", public_works, OrgRole.VIEWER)


@pytest.fixture
def outsider(db: Any) -> User:
    return make_user("outsider")


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


def dataset_values(**overrides: Any) -> dict[str, Any]:
    """Valid metadata for a new dataset."""
    values: dict[str, Any] = {
        "title": "Building permits",
        "description": "Every building permit the town issued, with its **status**.",
        "contact_name": "Permit desk",
        "contact_email": "permits@town.example",
        "keywords": ["permits", "construction"],
        "themes": ["REGI"],
        "license": "CC-BY-4.0",
        "accrual_periodicity": "R/P1M",
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_dataset(db: Any) -> Any:
    def make(organization: Organization, **overrides: Any) -> Any:
        return services.dataset_create(  # seeded published, as the catalog stands
            actor=SYSTEM,
            organization=organization,
            state="published",
            **dataset_values(**overrides),
        )

    return make


@pytest.fixture
def files_without_review(db: Any) -> None:
    """A site whose policy lets stewards change published datasets' metadata and files at once
    (for tests of uploads and storage, not of the workflow)."""
    ApprovalPolicy.objects.create(review_metadata_edit=False)
