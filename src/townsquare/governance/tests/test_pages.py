"""The workflow on pages: submit, inbox, review with diff, decide; stale and forged decisions;
simultaneous edits; the approval policy page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import dataset_values
from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM
from townsquare.governance import workflow
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.governance.tests.helpers import load, member

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
        "step1_role": "approver",
        "step1_count": "1",
        "step2_role": "coordinator",
        "step2_count": "1",
        "step3_role": "",
    }
    form = staff.get("/governance/approval").content.decode()
    assert 'name="step1_role"' in form and "approver:1" not in form  # chosen, not typed
    assert staff.post("/governance/approval", values).status_code == 302
    site = ApprovalPolicy.objects.get(organization__isnull=True)
    assert site.steps == [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]
    assert not site.auto_publish_refresh
    again = staff.get("/governance/approval").content.decode()
    assert '<option value="coordinator" selected>' in again  # the saved policy is shown
    bad = staff.post("/governance/approval", {**values, "step1_role": "boss"})
    assert "Select a valid choice" in bad.content.decode()
    page = staff.get("/organizations/public-works/approval").content.decode()
    assert "follows the" in page
    one_step = {**values, "step1_count": "2", "step2_role": ""}
    staff.post("/organizations/public-works/approval", one_step)
    assert ApprovalPolicy.objects.get(organization=public_works).steps == [
        {"role": "approver", "count": 2}
    ]
    assert last("policy.changed").organization_id == public_works.pk
    staff.post("/organizations/public-works/approval/remove")
    assert not ApprovalPolicy.objects.filter(organization=public_works).exists()
    assert signed_in(steward).post("/governance/approval", values).status_code == 403
    assert last("policy.change.refused").actor == "steward"


def test_pages_say_what_is_true_in_plain_words(
    public_works: Any,
    steward: Any,
    approver: Any,
    coordinator: Any,
    settings: Any,
    make_dataset: Any,
) -> None:
    settings.SITE_NAME = "Alder Falls Open Data"
    sign_in = Client().get("/account/sign-in", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert "<title>Sign in · Alder Falls Open Data</title>" in sign_in
    assert "127.0.0.1:8101" not in sign_in
    reset = Client().get("/account/password-reset", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert "127.0.0.1:8101" not in reset
    draft = workflow.dataset_create(
        actor=steward, organization=public_works, **dataset_values(slug="trees", title="Trees")
    )
    load(steward, draft, b"id,kind\n1,oak\n")
    page = signed_in(steward).get("/datasets/trees").content.decode()
    assert "Published by" not in page and "From <a" in page
    assert '<span class="badge">published</span>' not in page  # a draft's data is not public
    assert '<span class="badge">current</span>' in page
    published = make_dataset(public_works, slug="roads", title="Roads")
    load(SYSTEM, published, b"id\n" + b"".join(b"%d\n" % i for i in range(403)), publish=True)
    load(steward, published, b"id\n" + b"".join(b"%d\n" % i for i in range(410)))
    change = workflow.change_submit(actor=steward, dataset=published)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    review = signed_in(steward).get(f"/review/{change.pk}").content.decode()
    assert "Rows: 403 → 410" in review  # after publication too: the diff with what it replaced
    submitted = signed_in(steward).get("/review/submitted").content.decode()
    assert "{'role'" not in submitted
    trail = signed_in(coordinator).get("/audit/").content.decode()
    assert "{&#x27;" not in trail and "{'" not in trail  # no Python dicts on the page
    assert '<ul class="changes">' in trail
