"""The workflow on pages: submit, inbox, review with diff, decide; stale and forged decisions;
simultaneous edits; the approval policy page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import dataset_values
from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Dataset
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.governance.tests.helpers import member

pytestmark = pytest.mark.django_db


def signed_in(user: Any, **extra: Any) -> Client:
    client = Client(**extra)
    client.force_login(user)
    return client


def form(**overrides: Any) -> dict[str, Any]:
    values = dataset_values(**overrides)
    data = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in values.items()}
    data.update(organization="public-works", access_level="public", language="en")
    return data


def test_steward_submits_and_approver_signs_off_on_pages(
    public_works: Any, steward: Any, approver: Any
) -> None:
    author = signed_in(steward)
    response = author.post("/datasets/new", form(slug="trees", title="Street trees"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Client().get("/datasets/trees").status_code == 404  # a draft
    page = author.get("/datasets/trees").content.decode()
    assert "Draft: only Public Works" in page and "Submit for review" in page
    response = author.post("/datasets/trees/submit")
    change = Change.objects.get()
    assert response["Location"] == f"/review/{change.pk}"
    assert "Nothing waits for you." in author.get("/review").content.decode()
    reviewer = signed_in(approver)
    inbox = reviewer.get("/review").content.decode()
    assert "Street trees" in inbox and "new dataset" in inbox
    review = reviewer.get(f"/review/{change.pk}").content.decode()
    assert "first publication" in review and "Record my decision" in review
    assert "Record my decision" not in author.get(f"/review/{change.pk}").content.decode()
    reviewer.post(
        f"/review/{change.pk}",
        {"decision": "approve", "comment": "Fine.", "revision": change.revision},
    )
    assert Dataset.objects.get().state == "published"
    assert Client().get("/datasets/trees").status_code == 200
    assert "Published" in author.get("/review/submitted").content.decode()


def test_stale_and_forged_decisions_are_refused_and_audited(
    public_works: Any, make_dataset: Any, steward: Any, approver: Any
) -> None:
    make_dataset(public_works, slug="permits")
    author = signed_in(steward)
    author.post("/datasets/permits/edit", form(slug="permits", title="Permits issued"))
    author.post("/datasets/permits/submit")
    change = Change.objects.get()
    seen = change.revision
    author.post("/datasets/permits/edit", form(slug="permits", title="Permits, 2026"))
    page = signed_in(approver).post(
        f"/review/{change.pk}", {"decision": "approve", "comment": "", "revision": seen}
    )
    assert "changed after you opened it" in page.content.decode()
    assert last("change.approve.refused").actor == "approver"
    forged = signed_in(approver, enforce_csrf_checks=True).post(
        f"/review/{change.pk}", {"decision": "approve", "revision": change.revision + 1}
    )
    assert forged.status_code == 403
    assert last("request.csrf.refused").after["path"] == f"/review/{change.pk}"
    own = signed_in(steward).post(
        f"/review/{change.pk}", {"decision": "approve", "revision": change.revision + 1}
    )
    assert Change.objects.get().sign_offs.count() == 0 and own.status_code == 200
    assert Dataset.objects.get().title == "Building permits"


def test_second_simultaneous_editor_keeps_their_values(
    public_works: Any, make_dataset: Any, steward: Any
) -> None:
    make_dataset(public_works, slug="permits")
    other = member("other-steward", public_works, role="steward")
    first, second = signed_in(steward), signed_in(other)
    token = first.get("/datasets/permits/edit").context["form"].initial["based_on"]
    assert second.get("/datasets/permits/edit").context["form"].initial["based_on"] == token
    first.post("/datasets/permits/edit", form(slug="permits", title="First", based_on=token))
    response = second.post(
        "/datasets/permits/edit", form(slug="permits", title="Second editor", based_on=token)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this dataset" in page
    assert 'value="Second editor"' in page  # nothing lost: the form keeps what they typed
    assert Change.objects.get().metadata["title"] == "First"
    assert last("dataset.edit.refused").actor == "other-steward"


def test_approval_policy_pages(public_works: Any, coordinator: Any, steward: Any) -> None:
    staff = signed_in(coordinator)
    values = {
        "review_new_dataset": "on",
        "review_metadata_edit": "on",
        "review_data_version": "on",
        "steps": "approver:1, coordinator:1",
    }
    assert staff.post("/governance/approval", values).status_code == 302
    site = ApprovalPolicy.objects.get(organization__isnull=True)
    assert site.steps == [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]
    assert not site.auto_publish_refresh
    bad = staff.post("/governance/approval", {**values, "steps": "boss:1"})
    assert "the role must be approver or coordinator" in bad.content.decode()
    page = staff.get("/organizations/public-works/approval").content.decode()
    assert "follows the" in page
    staff.post("/organizations/public-works/approval", {**values, "steps": "approver:2"})
    assert ApprovalPolicy.objects.get(organization=public_works).steps == [
        {"role": "approver", "count": 2}
    ]
    assert last("policy.changed").organization_id == public_works.pk
    staff.post("/organizations/public-works/approval/remove")
    assert not ApprovalPolicy.objects.filter(organization=public_works).exists()
    assert signed_in(steward).post("/governance/approval", values).status_code == 403
    assert last("policy.change.refused").actor == "steward"
