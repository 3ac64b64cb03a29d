"""An approver decides each kind of change in the browser: a new dataset, a metadata edit, a
data version, widened access, files added, and an archived dataset published again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from conftest import dataset_values
from tests.browser.test_review import sign_in
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM
from townsquare.datastore.selectors import published_version
from townsquare.governance import files, workflow
from townsquare.governance.tests.helpers import load, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = b"id,amount\n1,120\n2,340\n"


def _published(organization: Any, **values: Any) -> Dataset:
    dataset = workflow.dataset_create(
        actor=SYSTEM, organization=organization, **dataset_values(slug="trees", title="Trees")
    )
    Dataset.objects.filter(pk=dataset.pk).update(state="published", **values)
    load(SYSTEM, dataset, CSV, publish=True)
    return Dataset.objects.get(pk=dataset.pk)


def new_dataset(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    workflow.dataset_create(
        actor=steward, organization=org, **dataset_values(slug="trees", title="Trees")
    )
    return lambda d: d.state == "published"


def metadata_edit(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    dataset = _published(org)
    workflow.dataset_edit(actor=steward, dataset=dataset, title="Street trees")
    return lambda d: d.title == "Street trees"


def data_version(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    dataset = _published(org)
    version = load(steward, dataset, b"id,amount\n1,120\n2,340\n3,560\n")
    return lambda d: published_version(d) == version


def widened_access(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    dataset = _published(org, access_level="non-public")
    workflow.dataset_edit(actor=steward, dataset=dataset, access_level="public")
    return lambda d: d.access_level == "public"


def files_added(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    member("officer", org, role="privacy")  # a document is signed off by a privacy officer first
    dataset = _published(org)
    files.distribution_add(
        actor=steward,
        dataset=dataset,
        upload=ContentFile(b"%PDF-1.4 notes", name="notes.pdf"),
        title="Field notes",
    )
    return lambda d: d.distributions.filter(title="Field notes", pending=False).exists()


def republication(org: Any, steward: Any) -> Callable[[Dataset], bool]:
    dataset = _published(org)
    workflow.dataset_archive(actor=steward, dataset=dataset)
    return lambda d: d.state == "published"


KINDS = [new_dataset, metadata_edit, data_version, widened_access, files_added, republication]


@pytest.mark.parametrize("make_change", KINDS, ids=[k.__name__ for k in KINDS])
def test_an_approver_decides_each_kind_of_change(
    page: Page,
    live_server: Any,
    public_works: Any,
    steward: Any,
    approver: Any,
    make_change: Callable[[Any, Any], Callable[[Dataset], bool]],
) -> None:
    base = live_server.url
    is_published = make_change(public_works, steward)
    sign_in(page, base, "steward")
    page.goto(f"{base}/datasets/trees")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review; the approvers were told.")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw this change")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    officer = "officer" if make_change is files_added else None
    if officer:
        sign_in(page, base, officer)
        page.goto(f"{base}/review")
        page.get_by_role("link", name="Trees").first.click()
        expect(page.get_by_text("waiting for a privacy officer's sign-off")).to_be_visible()
        page.get_by_role("combobox", name="Decision").select_option("approve")
        page.get_by_role("button", name="Record my decision").click()
        expect(page.get_by_text("Your decision was recorded: In review.")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "approver")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name="Trees").first.click()
    expect(page.get_by_role("button", name="Withdraw this change")).to_have_count(0)
    page.get_by_role("combobox", name="Decision").select_option("reject")
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text("Say why, so the steward knows what to change.")).to_be_visible()
    page.get_by_role("combobox", name="Decision").select_option("approve")
    page.get_by_role("textbox", name="Comment").fill("Looks right.")
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text("Your decision was recorded: Published.")).to_be_visible()
    assert is_published(Dataset.objects.get(slug="trees"))
