"""The workflow, path by path: single and multi-step sign-off, rejection, auto-publish,
re-review after a change; and its refusals (self-approval, twice, stale, direct publish,
simultaneous edits)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from conftest import dataset_values
from townsquare.audit.tests.helpers import actions, last
from townsquare.catalog import distributions
from townsquare.catalog.models import Dataset, Distribution
from townsquare.catalog.policies import can_view_dataset
from townsquare.core.actors import ANONYMOUS, SYSTEM
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.datastore.selectors import published_version
from townsquare.governance import approval, files, selectors, services, workflow
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.governance.tests.helpers import load, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(public_works: Any, make_dataset: Any) -> Dataset:
    dataset: Dataset = make_dataset(public_works, slug="permits")
    return dataset


def fresh(dataset: Dataset) -> Dataset:
    return Dataset.objects.get(pk=dataset.pk)


def test_new_dataset_single_sign_off(
    public_works: Any,
    steward: Any,
    approver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset = workflow.dataset_create(
        actor=steward, organization=public_works, **dataset_values(slug="trees")
    )
    assert dataset.state == "draft" and not can_view_dataset(ANONYMOUS, dataset)
    workflow.dataset_edit(actor=steward, dataset=dataset, title="Street trees")  # drafts: direct
    assert fresh(dataset).title == "Street trees"
    with django_capture_on_commit_callbacks(execute=True):
        change = workflow.change_submit(actor=steward, dataset=dataset)
    assert (change.status, change.reasons, change.steps) == (
        "in_review",
        ["new dataset"],
        [{"role": "approver", "count": 1}],
    )
    assert [m.to for m in mail.outbox] == [["approver@town.example"]]
    assert "Street trees" in mail.outbox[0].subject
    assert [c.pk for c in selectors.inbox(actor=approver)] == [change.pk]
    assert selectors.inbox(actor=steward) == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_approve(
            actor=approver, change=change, revision=change.revision, comment="Good."
        )
    assert fresh(dataset).state == "published" and can_view_dataset(ANONYMOUS, fresh(dataset))
    assert Change.objects.get().status == "published"
    assert mail.outbox[-1].to == ["steward@town.example"]
    assert "approved by approver" in mail.outbox[-1].subject
    trail = actions()
    for action in (
        "change.submitted",
        "change.signed_off",
        "change.approved",
        "dataset.published",
        "change.published",
    ):
        assert action in trail


def test_metadata_edit_waits_in_a_working_copy_through_several_steps(
    published: Dataset, public_works: Any, steward: Any, approver: Any, coordinator: Any
) -> None:
    second = member("second", public_works)
    services.approval_policy_set(
        actor=coordinator,
        organization=public_works,
        steps=[{"role": "approver", "count": 2}, {"role": "coordinator", "count": 1}],
    )
    edited = workflow.dataset_edit(actor=steward, dataset=published, title="Permits issued")
    assert edited.change is not None and fresh(published).title == "Building permits"
    change = workflow.change_submit(actor=steward, dataset=published)
    assert change.reasons == ["metadata edit"]
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    change.refresh_from_db()
    assert (change.status, change.step) == ("in_review", 0)  # one of two approvers so far
    assert selectors.inbox(actor=coordinator) == []  # not the coordinator's turn yet
    workflow.change_approve(actor=second, change=change, revision=change.revision)
    change.refresh_from_db()
    assert change.step == 1 and selectors.inbox(actor=coordinator) == [change]
    review = selectors.review(change)
    assert [(f.name, f.published, f.proposed) for f in review["metadata_changes"]] == [
        ("title", "Building permits", "Permits issued")
    ]
    workflow.change_approve(actor=coordinator, change=change, revision=change.revision)
    assert fresh(published).title == "Permits issued"
    assert Change.objects.get().status == "published"


def test_rejection_goes_back_to_the_steward(
    published: Dataset, steward: Any, approver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    workflow.dataset_edit(actor=steward, dataset=published, description="Shorter.")
    change = workflow.change_submit(actor=steward, dataset=published)
    with pytest.raises(ValidationError, match="Say why"):
        workflow.change_reject(actor=approver, change=change, revision=change.revision, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_reject(
            actor=approver, change=change, revision=change.revision, comment="Too short."
        )
    change.refresh_from_db()
    assert change.status == "rejected"
    assert "Too short." in mail.outbox[-1].body and mail.outbox[-1].to == ["steward@town.example"]
    workflow.dataset_edit(actor=steward, dataset=published, description="A fuller description.")
    change.refresh_from_db()
    assert change.status == "draft" and change.metadata == {"description": "A fuller description."}
    change = workflow.change_submit(actor=steward, dataset=published)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert fresh(published).description == "A fuller description."


def test_policy_lets_changes_publish_without_review(
    public_works: Any, steward: Any, coordinator: Any, published: Dataset
) -> None:
    services.approval_policy_set(
        actor=coordinator,
        organization=public_works,
        review_new_dataset=False,
        review_metadata_edit=False,
        review_data_version=False,
    )
    created = workflow.dataset_create(
        actor=steward, organization=public_works, **dataset_values(slug="trees")
    )
    assert created.state == "published"
    assert workflow.dataset_edit(actor=steward, dataset=published, title="New title").change is None
    assert fresh(published).title == "New title"
    version = load(steward, published, b"a,b\n1,2\n")
    assert published_version(published) == version
    assert "policy.changed" in actions()


def test_widening_access_always_needs_review(
    public_works: Any, steward: Any, approver: Any, coordinator: Any, make_dataset: Any
) -> None:
    services.approval_policy_set(actor=coordinator, review_metadata_edit=False)
    hidden = make_dataset(public_works, slug="internal", access_level="non-public", rights="Staff.")
    edited = workflow.dataset_edit(actor=steward, dataset=hidden, access_level="public")
    assert edited.change is not None and fresh(hidden).access_level == "non-public"
    assert workflow.change_submit(actor=steward, dataset=hidden).reasons == ["wider access"]
    narrowing = workflow.dataset_edit(actor=steward, dataset=hidden, rights="Staff only.")
    assert narrowing.change is not None  # the open working copy still widens access


def test_a_refresh_whose_checks_pass_publishes_itself(
    published: Dataset, steward: Any, approver: Any
) -> None:
    first = load(SYSTEM, published, b"a,b\n1,2\n", publish=True)
    assert published_version(published) == first
    same_shape = load(steward, published, b"a,b\n1,2\n3,4\n", refresh=True)
    assert published_version(published) == same_shape
    new_column = load(steward, published, b"a,b,c\n1,2,3\n", refresh=True)
    assert published_version(published) == same_shape  # held: the columns changed
    change = Change.objects.get()
    assert change.data_version == new_column
    data = selectors.review(change)["data"]
    assert data["columns_added"] == ["c"] and (data["rows_before"], data["rows_after"]) == (2, 1)
    ordinary = load(steward, published, b"a,b\n5,6\n")
    change.refresh_from_db()
    assert change.data_version == ordinary and published_version(published) == same_shape
    data = selectors.review(change)["data"]
    assert data["added_sample"] == [["5", "6"]]
    assert data["removed_sample"] == [["1", "2"], ["3", "4"]]


def test_a_change_after_review_started_resets_the_review(
    published: Dataset, public_works: Any, steward: Any, approver: Any, coordinator: Any
) -> None:
    second = member("second", public_works)
    services.approval_policy_set(actor=coordinator, steps=[{"role": "approver", "count": 2}])
    workflow.dataset_edit(actor=steward, dataset=published, title="Permits issued")
    change = workflow.change_submit(actor=steward, dataset=published)
    seen = change.revision
    workflow.change_approve(actor=approver, change=change, revision=seen)
    workflow.dataset_edit(actor=steward, dataset=published, title="Permits issued, 2026")
    change.refresh_from_db()
    assert (change.status, change.step, change.revision) == ("in_review", 0, seen + 1)
    assert "change.review_reset" in actions()
    with pytest.raises(Conflict, match="changed after you opened it"):
        workflow.change_approve(actor=second, change=change, revision=seen)
    workflow.change_approve(actor=second, change=change, revision=change.revision)
    change.refresh_from_db()
    assert change.status == "in_review"  # the first approval was for the old copy
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert fresh(published).title == "Permits issued, 2026"


def test_nobody_approves_their_own_change_admins_included(
    published: Dataset, admin: Any, public_works: Any
) -> None:
    workflow.dataset_edit(actor=admin, dataset=published, title="Admin's title")
    change = workflow.change_submit(actor=admin, dataset=published)
    with pytest.raises(PermissionDenied, match="Nobody approves their own change"):
        workflow.change_approve(actor=admin, change=change, revision=change.revision)
    both = member("both", public_works)
    assert selectors.inbox(actor=admin) == []
    assert fresh(published).title == "Building permits"
    assert both not in []


def test_refusals_twice_direct_publish_and_strangers(
    published: Dataset,
    public_works: Any,
    steward: Any,
    approver: Any,
    viewer: Any,
    coordinator: Any,
) -> None:
    services.approval_policy_set(actor=coordinator, steps=[{"role": "approver", "count": 2}])
    member("second", public_works)
    first = load(SYSTEM, published, b"a\n1\n", publish=True)
    held = load(steward, published, b"a\n2\n")
    assert published_version(published) == first  # a steward's version waits for review
    assert workflow.version_choose(actor=steward, version=first) is not None
    assert published_version(published) == first
    change = workflow.change_submit(actor=steward, dataset=published)
    with pytest.raises(PermissionDenied, match="needs the sign-off of a approver"):
        workflow.change_approve(actor=viewer, change=change, revision=change.revision)
    with pytest.raises(PermissionDenied):
        workflow.change_submit(actor=viewer, dataset=published)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    with pytest.raises(Conflict, match="already approved"):
        workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert held.status == "ready"


def test_the_second_of_two_simultaneous_edits_gets_a_conflict(
    published: Dataset, public_works: Any, steward: Any
) -> None:
    other = member("other-steward", public_works, role="steward")
    seen = workflow.edit_token(published, None)
    workflow.dataset_edit(actor=steward, dataset=published, based_on=seen, title="One")
    with pytest.raises(Conflict, match="Someone else saved this dataset"):
        workflow.dataset_edit(actor=other, dataset=published, based_on=seen, title="Two")
    assert Change.objects.get().metadata == {"title": "One"}


def test_withdrawing_discards_the_working_copy(published: Dataset, steward: Any) -> None:
    workflow.dataset_edit(actor=steward, dataset=published, title="Never mind")
    change = workflow.open_change(published)
    assert change is not None
    workflow.change_withdraw(actor=steward, change=change)
    assert workflow.open_change(published) is None and fresh(published).title == "Building permits"
    with pytest.raises(ValidationError, match="nothing to submit"):
        workflow.change_submit(actor=steward, dataset=published)


def test_archiving_hides_and_republishing_needs_review(
    published: Dataset, steward: Any, approver: Any, client: Any
) -> None:
    workflow.dataset_archive(actor=steward, dataset=published)
    assert fresh(published).state == "archived"
    assert client.get("/datasets/permits").status_code == 404
    with pytest.raises(Conflict, match="Only a published dataset"):
        workflow.dataset_archive(actor=steward, dataset=published)
    change = workflow.change_submit(actor=steward, dataset=published)
    assert change.reasons == ["republication"]
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert fresh(published).state == "published"
    assert client.get("/datasets/permits").status_code == 200


def _files_changed(published: Dataset, steward: Any) -> tuple[Any, Any, Any]:
    """A published file, then a steward adding another and replacing the first."""
    old = distributions.distribution_add_file(
        actor=SYSTEM,
        dataset=published,
        upload=ContentFile(b"%PDF v1", name="permits.pdf"),
        privacy="accepted",
    )
    added = files.distribution_add(
        actor=steward, dataset=published, upload=ContentFile(b"%PDF extra", name="extra.pdf")
    )
    replaced = files.distribution_change(
        actor=steward,
        distribution=old,
        upload=ContentFile(b"%PDF v2", name="permits.pdf"),
        title="Permits, corrected",
    )
    return old, added, replaced


def test_files_of_a_published_dataset_change_in_its_working_copy(
    published: Dataset, steward: Any, client: Any
) -> None:
    old, added, replaced = _files_changed(published, steward)
    assert added.pending and replaced.pending and not Distribution.objects.get(pk=old.pk).pending
    assert added.privacy == replaced.privacy == "required"  # new files: a privacy sign-off
    public = client.get("/api/v1/datasets/permits").json()["distributions"]
    assert [d["title"] for d in public] == [old.title]  # the public sees the published file only
    url = f"/datasets/permits/distributions/{added.pk}/download"
    assert client.get(url).status_code == 404


def test_changed_files_are_reviewed_and_signed_off_by_a_privacy_officer_first(
    published: Dataset, public_works: Any, steward: Any, approver: Any
) -> None:
    old, _, _ = _files_changed(published, steward)
    change = workflow.change_submit(actor=steward, dataset=published)
    assert change.reasons == ["files", "files to sign off"]
    assert approval.current_step(change) == approval.PRIVACY_STEP
    review = selectors.review(change)
    assert [d.title for d in review["files_added"]] == ["extra.pdf", "Permits, corrected"]
    assert [d.title for d in review["files_removed"]] == [old.title]
    with pytest.raises(PermissionDenied, match="privacy"):
        workflow.change_approve(actor=approver, change=change, revision=change.revision)
    officer = member("officer", public_works, role="privacy")
    workflow.change_approve(
        actor=officer, change=change, revision=change.revision, comment="No one named."
    )
    assert {d.privacy_accepted_by for d in Distribution.objects.filter(pending=True)} == {"officer"}
    assert last("privacy.file_accepted").after["comment"] == "No one named."


def test_approved_files_replace_the_published_ones(
    published: Dataset, public_works: Any, steward: Any, approver: Any, client: Any
) -> None:
    old, _, _ = _files_changed(published, steward)
    change = workflow.change_submit(actor=steward, dataset=published)
    officer = member("officer", public_works, role="privacy")
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    titles = [d["title"] for d in client.get("/api/v1/datasets/permits").json()["distributions"]]
    assert sorted(titles) == ["Permits, corrected", "extra.pdf"]
    assert not Distribution.objects.filter(pk=old.pk).exists()
    corrected = Distribution.objects.get(title="Permits, corrected")
    download = client.get(f"/datasets/permits/distributions/{corrected.pk}/download")
    assert download.getvalue() == b"%PDF v2"


def test_a_document_waits_for_its_privacy_sign_off_whatever_the_policy(
    published: Dataset, public_works: Any, steward: Any, client: Any
) -> None:
    ApprovalPolicy.objects.create(review_metadata_edit=False)
    link = files.distribution_add(
        actor=steward, dataset=published, access_url="https://town.example/permits"
    )
    assert not link.pending  # a page: metadata, which this policy does not review
    document = files.distribution_add(
        actor=steward, dataset=published, upload=ContentFile(b"%PDF x", name="letters.zip")
    )
    assert document.pending and document.privacy == "required"
    change = workflow.change_submit(actor=steward, dataset=published)
    assert change.steps == []  # only the privacy step: the policy does not review files
    officer = member("officer", public_works, role="privacy")
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    change.refresh_from_db()
    assert change.status == "published"
    url = f"/datasets/permits/distributions/{document.pk}/download"
    assert client.get(url).status_code == 200


def test_withdrawing_removes_pending_files(
    published: Dataset, steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    added = files.distribution_add(
        actor=steward, dataset=published, upload=ContentFile(b"x\n", name="x.csv")
    )
    name = added.file.name
    assert default_storage.exists(name)
    change = workflow.open_change(published)
    assert change is not None
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_withdraw(actor=steward, change=change)
    assert not published.distributions.exists()
    assert not default_storage.exists(name)
