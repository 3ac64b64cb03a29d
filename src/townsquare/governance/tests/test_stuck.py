"""Nobody is stuck: when a step waits for a role nobody (or too few) may sign, the submitter
and the coordinators are told at once, the review screen and the Members page say so, and the
change goes on once the role is given."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from townsquare.accounts.models import Membership, OrgRole
from townsquare.accounts.services import token_create
from townsquare.core.actors import SYSTEM
from townsquare.datastore.selectors import published_version
from townsquare.governance import approval, workflow
from townsquare.governance.models import ApprovalPolicy
from townsquare.governance.tests.helpers import load, member
from townsquare.quality.tests.test_privacy import PLANTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="people", title="People")
    load(SYSTEM, dataset, b"id,amount\n1,120\n2,340\n", publish=True)
    return dataset


def test_a_privacy_step_nobody_holds_is_reported_at_once(
    people: Any,
    public_works: Any,
    steward: Any,
    approver: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = load(steward, people, PLANTED.encode())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = workflow.change_submit(actor=steward, dataset=people)
    assert approval.current_step(change) == approval.PRIVACY_STEP
    stuck = [m for m in mail.outbox if m.subject.startswith("Nobody can sign off")]
    assert len(stuck) == 1
    assert sorted(stuck[0].to) == sorted([steward.email, coordinator.email])
    assert "privacy officer" in stuck[0].body and "/organizations/public-works/members" in (
        stuck[0].body
    )

    page = Client()
    page.force_login(steward)
    review = page.get(f"/review/{change.pk}").content.decode()
    assert "Nobody can sign this step" in review and "a privacy officer" in review
    assert "Withdraw this change" in review  # the steward may withdraw it
    page.force_login(coordinator)
    members = page.get("/organizations/public-works/members").content.decode()
    assert "Missing:</strong> Privacy officers: 0 of 1" in members
    assert f"/review/{change.pk}" in members  # the stuck change is listed where roles are given
    assert "Stuck: nobody may sign" in page.get("/review").content.decode()

    officer = member("officer", public_works, role=OrgRole.PRIVACY)
    assert approval.missing_signers(change) is None
    members = page.get("/organizations/public-works/members").content.decode()
    assert "Privacy officers: 1 of 1" in members and "cannot go on" not in members
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert published_version(people) == version


def test_too_few_approvers_and_no_coordinator_are_reported(
    people: Any, public_works: Any, steward: Any, approver: Any
) -> None:
    ApprovalPolicy.objects.create(
        steps=[{"role": "approver", "count": 2}, {"role": "coordinator", "count": 1}]
    )
    workflow.dataset_edit(actor=steward, dataset=people, title="People, renamed")
    change = workflow.change_submit(actor=steward, dataset=people)
    missing = approval.missing_signers(change)
    assert missing is not None and "2 approvers, and only 1 may sign" in missing
    page = Client()
    page.force_login(approver)
    review = page.get(f"/review/{change.pk}").content.decode()
    assert "Nobody can sign this step" in review
    assert "step 1 of 2: the sign-off of 2 approvers" in review
    second = member("second", public_works)
    assert approval.missing_signers(change) is None
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    workflow.change_approve(actor=second, change=change, revision=change.revision)
    change.refresh_from_db()
    missing = approval.missing_signers(change)
    assert missing is not None and "a coordinator, and nobody may sign" in missing
    assert "People page" in missing


def test_only_those_the_policy_allows_see_each_action(
    people: Any, steward: Any, approver: Any, admin: Any, viewer: Any
) -> None:
    workflow.dataset_edit(actor=steward, dataset=people, title="People, renamed")
    change = workflow.change_submit(actor=steward, dataset=people)
    page = Client()
    seen = {}
    for person in (steward, approver, admin, viewer):
        page.force_login(person)
        body = page.get(f"/review/{change.pk}").content.decode()
        seen[person.username] = (
            "Withdraw this change" in body,
            "Record my decision" in body,
        )
    assert seen == {
        "steward": (True, False),  # their own change: withdraw, not approve
        "approver": (False, True),
        "admin": (True, False),  # admins are coordinators: withdraw; the step wants an approver
        "viewer": (False, False),
    }
    page.force_login(approver)
    refused = page.post(f"/review/{change.pk}/withdraw")
    assert refused.status_code == 403


def test_deciding_through_the_api_names_a_missing_revision(
    people: Any, steward: Any, approver: Any
) -> None:
    workflow.dataset_edit(actor=steward, dataset=people, title="People, renamed")
    change = workflow.change_submit(actor=steward, dataset=people)
    token = token_create(actor=approver, user=approver, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for body in (None, {"comment": "fine"}):
        kwargs: dict[str, Any] = {"data": body, "content_type": "application/json"} if body else {}
        response = api.post(f"/api/v1/changes/{change.pk}/approve", **kwargs)
        assert response.status_code in (400, 422), response.content
        assert response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["revision"], response.json()
    assert Membership.objects.filter(user=approver).exists()


def test_an_unknown_decision_names_the_ones_there_are(
    people: Any, steward: Any, approver: Any
) -> None:
    workflow.dataset_edit(actor=steward, dataset=people, title="People, renamed")
    change = workflow.change_submit(actor=steward, dataset=people)
    token = token_create(actor=approver, user=approver, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    cases = {
        f"/api/v1/changes/{change.pk}/accept": "'approve', 'reject' or 'withdraw'",
        "/api/v1/access-requests/1/allow": "'grant', 'refuse' or 'revoke'",
    }
    for path, choices in cases.items():
        response = api.post(path, {"revision": change.revision}, content_type="application/json")
        assert response.status_code == 400, response.content
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert choices in errors["decision"], errors
    assert workflow.open_change(people) == change  # nothing decided
