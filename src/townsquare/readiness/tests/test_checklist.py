"""The readiness checklist, evaluated from what the portal knows: a prepared portal is ready,
and each item fails for its own reason (with the page that fixes it) and passes once fixed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from townsquare.accounts.models import Membership, User
from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Dataset, Organization
from townsquare.core.errors import PermissionDenied
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.governance.models import ApprovalPolicy, Change, Document
from townsquare.quality.models import Report
from townsquare.readiness import checklist, services
from townsquare.readiness.models import ChecklistItem, InventoryItem, Program

pytestmark = pytest.mark.django_db


def failing(found: checklist.Readiness) -> dict[str, checklist.Check]:
    return {c.key: c for c in found.blocking}


def test_a_prepared_portal_is_ready(prepared: Dataset) -> None:
    found = checklist.evaluate()
    assert found.blocking == [] and found.ready and found.percent == 100
    keys = {c.key for c in found.checks}
    assert {"purpose", "policy", "coordinator", "approval_policy", "shortlist"} <= keys
    assert {"department_steward", "department_approver", "department_privacy"} <= keys
    assert {"dataset_published", "dataset_errors", "dataset_privacy", "dataset_score"} <= keys
    assert {"dataset_license", "dataset_frequency", "dataset_contact", "dataset_dictionary"} <= keys
    out = StringIO()
    call_command("readiness", stdout=out)  # exit status 0
    assert out.getvalue().startswith("Readiness: 100% (0 to do)")


def _published_data(dataset: Dataset, **report: Any) -> None:
    version = DataVersion.objects.create(
        dataset=dataset, number=1, status="ready", source_name="a.csv", table_schema={"fields": []}
    )
    PublishedVersion.objects.create(dataset=dataset, version=version)
    Report.objects.create(version=version, **report)


PRIVACY = {"severity": "privacy", "check": "email", "column": "contact", "confidence": 1.0}
BREAKS: dict[str, tuple[Callable[[Dataset], Any], str]] = {
    "purpose": (
        lambda d: Document.objects.filter(kind="purpose").update(effective_at=None),
        "No version of the purpose statement is in effect",
    ),
    "policy": (
        lambda d: Document.objects.filter(kind="policy").update(required=[]),
        "took effect without signatories",
    ),
    "purpose_review": (
        lambda d: Document.objects.filter(kind="purpose").update(
            effective_at=timezone.now() - timedelta(days=400)
        ),
        "Its review was due on",
    ),
    "policy_review": (
        lambda d: Document.objects.filter(kind="policy").update(
            effective_at=timezone.now() - timedelta(days=400)
        ),
        "Its review was due on",
    ),
    "coordinator": (
        lambda d: User.objects.update(is_coordinator=False),
        "Nobody is a coordinator",
    ),
    "approval_policy": (
        lambda d: ApprovalPolicy.objects.all().delete(),
        "approval policy was never set",
    ),
    "inventory_coverage": (
        lambda d: Organization.objects.create(slug="parks", name="Parks"),
        "items of 1 of 2 departments (50%)",
    ),
    "inventory_fresh": (
        lambda d: InventoryItem.objects.update(updated_at=timezone.now() - timedelta(days=400)),
        "The inventory was last updated on",
    ),
    "shortlist": (
        lambda d: InventoryItem.objects.update(on_shortlist=False),
        "No dataset is on the launch shortlist",
    ),
    "department_privacy": (
        lambda d: Membership.objects.filter(role="privacy").delete(),
        "Nobody in Public Works is a privacy officer.",
    ),
    "department_approver": (
        lambda d: Membership.objects.filter(role="approver").delete(),
        "Nobody in Public Works is an approver.",
    ),
    "department_steward": (
        lambda d: Membership.objects.filter(role="steward").delete(),
        "Nobody in Public Works is a steward.",
    ),
    "dataset_started": (
        lambda d: InventoryItem.objects.update(dataset=None),
        "Its dataset is not started",
    ),
    "dataset_published": (
        lambda d: Change.objects.update(status="withdrawn"),
        "published without a sign-off",
    ),
    "dataset_errors": (lambda d: _published_data(d, errors=2), "2 blocking error(s)"),
    "dataset_privacy": (
        lambda d: _published_data(d, findings=[PRIVACY]),
        "Personal data the privacy scan found waits",
    ),
    "dataset_score": (
        lambda d: Program.objects.update(min_score=100),
        "Its metadata scores",
    ),
    "dataset_license": (lambda d: Dataset.objects.update(license=""), "license is not set"),
    "dataset_frequency": (
        lambda d: Dataset.objects.update(accrual_periodicity=""),
        "update frequency is not set",
    ),
    "dataset_contact": (lambda d: Dataset.objects.update(contact_email=""), "contact email"),
    "dataset_dictionary": (
        lambda d: Dataset.objects.update(described_by=""),
        "Link a data dictionary",
    ),
}


@pytest.mark.parametrize("key", list(BREAKS))
def test_each_item_fails_for_its_reason_with_the_page_that_fixes_it(
    prepared: Dataset, key: str
) -> None:
    breaks, why = BREAKS[key]
    breaks(prepared)
    found = checklist.evaluate()
    check = failing(found)[key]
    assert why in check.why
    assert check.fix.startswith("/")
    assert found.checks[0].passed is False  # blocking items come first
    assert not found.ready and found.percent < 100
    with pytest.raises(CommandError, match="Not ready"):
        call_command("readiness", stdout=StringIO())


def test_a_manual_item_passes_once_the_person_it_names_ticks_it(
    prepared: Dataset, coordinator: Any, steward: Any, approver: Any
) -> None:
    entry = services.checklist_item_add(
        actor=coordinator, label="Town Council briefed", assignee=steward
    )
    assert failing(checklist.evaluate())["manual"].why == "Waiting for steward to tick it."
    with pytest.raises(PermissionDenied, match="Only steward ticks"):
        services.checklist_item_tick(actor=approver, entry=entry)
    with pytest.raises(PermissionDenied):
        services.checklist_item_add(actor=steward, label="Press release", assignee=steward)
    services.checklist_item_tick(actor=steward, entry=entry)
    assert checklist.evaluate().ready
    assert last("checklist_item.ticked").actor == "steward"
    assert ChecklistItem.objects.get().done_by == "steward"


def test_readiness_over_the_api_and_the_page(
    prepared: Dataset, coordinator: Any, steward: Any, outsider: Any
) -> None:
    Program.objects.update(min_score=100)
    secret = token_create(actor=coordinator, user=coordinator, name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = client.get("/api/v1/readiness").json()
    assert body["ready"] is False and body["blocking"] == 1
    assert body["checks"][0]["key"] == "dataset_score" and body["checks"][0]["why"]
    added = client.post(
        "/api/v1/readiness/items",
        json.dumps({"label": "Press release drafted", "assignee": "steward"}),
        content_type="application/json",
    )
    assert added.status_code == 201
    mine = Client()
    mine.force_login(steward)
    page = mine.get("/program/readiness").content.decode()
    assert "Launch readiness: " in page and "Tick it" in page and "Fix it" in page
    mine.post(f"/program/readiness/{added.json()['item']}/tick", {"done": "yes"})
    assert ChecklistItem.objects.get().done_at is not None
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get("/program/readiness").status_code == 403
    assert (
        Client(
            HTTP_AUTHORIZATION=f"Bearer {token_create(actor=outsider, user=outsider, name='t')[1]}"
        )
        .get("/api/v1/readiness")
        .status_code
        == 403
    )


def test_a_review_falls_due_on_the_same_day_months_later_or_the_months_last(
    prepared: Dataset, coordinator: Any
) -> None:
    leap = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert checklist.add_months(leap, 12) == datetime(2029, 2, 28, 12, tzinfo=UTC)
    assert checklist.add_months(datetime(2027, 1, 31, tzinfo=UTC), 1).day == 28
    services.program_set(actor=coordinator, review_months=6)
    Document.objects.filter(kind="policy").update(effective_at=timezone.now() - timedelta(days=200))
    assert "policy_review" in failing(checklist.evaluate())
