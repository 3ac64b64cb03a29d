"""Comparing versions where people look: the API (counts, pages of rows, CSV), the version page,
the review screen, and the public change history — a rollback included, which is a change like
any other: reviewed by the policy, audited, every version kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.test_keydiff import AFTER, BEFORE
from townsquare.governance import workflow
from townsquare.governance.models import Change
from townsquare.governance.tests.helpers import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def permits(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="permits", title="Permits")
    with TestCase.captureOnCommitCallbacks(execute=True):
        load(SYSTEM, dataset, BEFORE, publish=True)
        load(SYSTEM, dataset, AFTER, publish=True)
    return dataset


def versions(dataset: Any) -> tuple[DataVersion, DataVersion]:
    old, new = DataVersion.objects.filter(dataset=dataset).order_by("number")[:2]
    return old, new


def test_the_api_counts_and_pages_the_rows_and_writes_csv(permits: Any) -> None:
    old, new = versions(permits)
    url = f"/api/v1/datasets/permits/versions/{new.pk}/diff"
    body = Client().get(f"{url}?key=permit&limit=2").json()
    assert (body["old"], body["new"], body["key"]) == (1, 2, ["permit"])
    assert (body["added"], body["removed"], body["changed"]) == (1, 1, 2)
    assert len(body["rows"]) == 2 and body["next_offset"] == 2
    rest = Client().get(f"{url}?key=permit&offset=2&limit=2").json()
    assert rest["next_offset"] is None and rest["rows"][-1]["change"] == "removed"
    changed = Client().get(url, {"key": "permit", "change": "changed"}).json()["rows"]
    assert changed[0]["changed"] == ["fee", "paid"] and changed[0]["before"]["fee"] == 300.0
    whole = Client().get(url).json()  # no primary key: by whole row
    assert (whole["key"], whole["added"], whole["removed"]) == ([], 3, 3)
    csv = Client().get(f"{url}.csv?key=permit&against={old.pk}")
    assert csv["Content-Disposition"] == 'attachment; filename="permits-v1-to-v2.csv"'
    text = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.splitlines()[0].startswith("change,permit,kind,fee") and len(text.splitlines()) == 5
    first = Client().get(f"/api/v1/datasets/permits/versions/{old.pk}/diff")
    assert first.status_code == 404 and "is the first" in first.json()["detail"]


def test_the_public_never_compares_a_version_that_waited_for_review(
    permits: Any, steward: Any
) -> None:
    held = load(steward, permits, AFTER + b"P9,barn,10,2026-03-01,true,42.9\n")
    assert published_version(permits).number == 2  # type: ignore[union-attr]
    answer = Client().get(f"/api/v1/datasets/permits/versions/{held.pk}/diff")
    assert answer.status_code == 404
    page = Client()
    page.force_login(steward)
    mine = page.get(f"/api/v1/datasets/permits/versions/{held.pk}/diff").json()
    assert mine["added"] == 1  # the organization compares it


def test_the_version_page_shows_the_changed_cells_old_to_new(permits: Any, steward: Any) -> None:
    old, new = versions(permits)
    html = Client().get(f"/datasets/permits/data/versions/{new.pk}").content.decode()
    assert "Changes from version 1" in html and "3 rows added, 3 removed, 0 changed" in html
    assert "Every change as CSV" in html
    DataVersion.objects.filter(pk=new.pk).update(
        table_schema={**new.table_schema, "primaryKey": ["permit"]}
    )
    keyed = Client().get(f"/datasets/permits/data/versions/{new.pk}?change=changed").content
    assert "<del>300.0</del> → <ins>325.0</ins>" in keyed.decode()


def test_the_review_screen_shows_the_changes_against_the_published_data(
    permits: Any, steward: Any, approver: Any
) -> None:
    load(steward, permits, AFTER + b"P9,barn,10,2026-03-01,true,42.9\n")
    change = workflow.change_submit(actor=steward, dataset=permits)
    page = Client()
    page.force_login(approver)
    html = page.get(f"/review/{change.pk}").content.decode()
    assert "Changes from version 2" in html and "1 row added, 0 removed, 0 changed" in html


def test_a_rollback_is_reviewed_audited_keeps_every_version_and_shows_in_the_history(
    permits: Any, steward: Any, approver: Any
) -> None:
    old, _ = versions(permits)
    page = Client()
    page.force_login(steward)
    section = page.get("/datasets/permits").content.decode()
    assert "Make it current again" in section
    page.post(f"/datasets/permits/data/versions/{old.pk}/publish")
    assert published_version(permits).number == 2  # type: ignore[union-attr]  # under review
    change = Change.objects.get(dataset=permits)
    assert change.data_version == old and change.data_put_forward
    workflow.change_submit(actor=steward, dataset=permits)
    with TestCase.captureOnCommitCallbacks(execute=True):
        workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert published_version(permits).number == 1  # type: ignore[union-attr]
    assert last("data_version.published").actor == "approver"
    assert DataVersion.objects.filter(dataset=permits).count() == 2  # nothing deleted
    history = Client().get("/api/v1/datasets/permits/changes").json()
    assert [(h["version"], h["replaced"], h["added"], h["removed"]) for h in history] == [
        (1, 2, 3, 3),
        (2, 1, 3, 3),
        (1, None, None, None),
    ]
    html = Client().get("/datasets/permits").content.decode()
    assert "Change history" in html and "(back from 2)" in html


def test_restricted_and_non_public_data_is_never_compared_by_those_without_access(
    permits: Any, outsider: Any
) -> None:
    _, new = versions(permits)
    url = f"/api/v1/datasets/permits/versions/{new.pk}/diff"
    Dataset.objects.filter(pk=permits.pk).update(
        access_level="restricted public", rights="Access on request."
    )
    refused = Client().get(url)
    assert refused.status_code == 403 and "needs access to the data" in refused.json()["detail"]
    page = Client()
    page.force_login(outsider)
    assert page.get(f"{url}.csv").status_code == 403
    assert (
        "Changes from version"
        not in page.get(f"/datasets/permits/data/versions/{new.pk}").content.decode()
    )
    Dataset.objects.filter(pk=permits.pk).update(access_level="non-public")
    assert Client().get(url).status_code == 404  # the dataset itself is not seen
    assert Client().get("/api/v1/datasets/permits/changes").status_code == 404
