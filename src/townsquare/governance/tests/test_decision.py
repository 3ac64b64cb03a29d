"""One publication decision: each kind of change asks decision.py, the operator's command
follows the approval policy, and ``--publish`` is an override the audit trail records."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townsquare.accounts.models import OrgRole
from townsquare.audit.models import AuditEvent as Event
from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Distribution
from townsquare.core.actors import SYSTEM
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import published_number
from townsquare.governance import approval, decision, services, workflow
from townsquare.governance.models import Change
from townsquare.governance.tests.helpers import load, member
from townsquare.quality.tests.test_privacy import PLANTED

pytestmark = pytest.mark.django_db

CLEAN = "id,amount\n1,120\n2,340\n"


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="counts", title="Counts")
    load(SYSTEM, dataset, CLEAN.encode(), publish=True)
    return dataset


def overrides() -> int:
    return Event.objects.filter(action="data_version.review_overridden").count()


def ingest(tmp_path: Path, capsys: Any, body: str, *flags: str) -> str:
    source = tmp_path / "counts.csv"
    source.write_text(body)
    call_command("ingest", str(source), "--dataset", "counts", *flags)
    return str(capsys.readouterr().out)


def test_the_operators_ingest_waits_for_review_like_any_change(
    dataset: Any, tmp_path: Path, capsys: Any
) -> None:
    out = ingest(tmp_path, capsys, CLEAN + "3,560\n")
    assert "waits in the working copy" in out
    assert "the approval policy reviews new data versions" in out and "--publish" in out
    assert published_number(dataset) == 1
    change = workflow.open_change(dataset)
    assert change is not None and change.data_version is not None
    assert change.data_version.number == 2
    assert overrides() == 1  # the fixture's own load only
    change = workflow.change_submit(actor=SYSTEM, dataset=dataset)
    assert change.reasons == ["new data version"]
    assert [s["role"] for s in change.steps] == ["approver"]


def test_publish_overrides_the_review_and_the_audit_trail_says_so(
    dataset: Any, tmp_path: Path, capsys: Any
) -> None:
    out = ingest(tmp_path, capsys, CLEAN + "3,560\n", "--publish")
    assert "is ready and published without review" in out and "audit trail" in out
    assert published_number(dataset) == 2
    assert workflow.open_change(dataset) is None
    event = last("data_version.review_overridden")
    assert event.actor == "system" and event.after["number"] == 2


def test_publish_where_the_policy_asks_no_review_is_no_override(
    dataset: Any, coordinator: Any, tmp_path: Path, capsys: Any
) -> None:
    services.approval_policy_set(actor=coordinator, review_data_version=False)
    out = ingest(tmp_path, capsys, CLEAN + "3,560\n", "--publish")
    assert "is ready and published: 3 rows" in out
    assert overrides() == 1  # the fixture's own load only


def test_publish_does_not_pass_privacy_findings(
    dataset: Any, public_works: Any, tmp_path: Path, capsys: Any
) -> None:
    officer = member("officer", public_works, role=OrgRole.PRIVACY)
    out = ingest(tmp_path, capsys, PLANTED, "--publish")
    assert "waits in the working copy" in out and "privacy finding(s)" in out
    assert "approval policy" not in out  # the override spared it the review, not the privacy
    assert published_number(dataset) == 1
    change = workflow.change_submit(actor=SYSTEM, dataset=dataset)
    assert change.steps == [] and approval.current_step(change) == approval.PRIVACY_STEP
    workflow.change_approve(
        actor=officer, change=change, revision=change.revision, comment="Agreed."
    )
    assert published_number(dataset) == 2


def test_publish_does_not_pass_quality_errors(
    dataset: Any, settings: Any, tmp_path: Path, capsys: Any
) -> None:
    settings.QUALITY_ERRORS = [*settings.QUALITY_ERRORS, "duplicate_rows"]
    with pytest.raises(CommandError, match="quality report has 1 error"):
        ingest(tmp_path, capsys, "id,amount\n7,1\n7,1\n", "--publish")
    assert published_number(dataset) == 1
    assert overrides() == 1  # the fixture's own load only


def test_only_the_operator_and_coordinators_override(
    dataset: Any, steward: Any, coordinator: Any, tmp_path: Path, capsys: Any
) -> None:
    with pytest.raises(CommandError, match="Only the operator and coordinators"):
        ingest(tmp_path, capsys, CLEAN + "3,560\n", "--publish", "--as", "steward")
    assert dataset.data_versions.count() == 1  # nothing was stored
    out = ingest(tmp_path, capsys, CLEAN + "4,780\n", "--publish", "--as", "coordinator")
    assert "published without review" in out
    assert last("data_version.review_overridden").actor == "coordinator"


def test_a_version_put_forward_again_is_reviewed_whatever_its_arrival(
    dataset: Any, steward: Any
) -> None:
    first = published_version(dataset)
    assert first is not None
    load(SYSTEM, dataset, (CLEAN + "3,560\n").encode(), publish=True)
    assert published_number(dataset) == 2
    change = workflow.version_choose(actor=steward, version=first)  # a rollback
    assert change is not None and change.data_put_forward
    assert published_number(dataset) == 2
    assert decision.data_version(first, put_forward=True).reasons == ("new data version",)
    assert decision.steps(change) != []


def test_each_kind_of_change_has_its_decision(
    dataset: Any, public_works: Any, coordinator: Any
) -> None:
    assert decision.new_dataset(public_works.pk).reasons == ("new dataset",)
    assert decision.metadata_edit(dataset, {"title": "Other"}).reasons == ("metadata edit",)
    assert decision.metadata_edit(dataset, {"title": dataset.title}).at_once
    assert decision.files(dataset, Distribution.Privacy.REQUIRED).privacy == ("files to sign off",)
    services.approval_policy_set(
        actor=coordinator, review_new_dataset=False, review_metadata_edit=False
    )
    assert decision.new_dataset(public_works.pk).at_once
    assert decision.metadata_edit(dataset, {"title": "Other"}).at_once
    assert decision.metadata_edit(dataset, {"access_level": "non-public"}).at_once
    hidden = dataset
    hidden.access_level = "non-public"
    assert decision.metadata_edit(hidden, {"access_level": "public"}).reasons == ("wider access",)
    assert decision.files(hidden, Distribution.Privacy.REQUIRED).at_once  # seen inside only


def test_a_waiting_change_states_its_reasons_from_the_decision(dataset: Any, steward: Any) -> None:
    load(steward, dataset, (CLEAN + "3,560\n").encode())
    workflow.dataset_edit(actor=steward, dataset=dataset, title="Counts, 2026")
    change = Change.objects.get()
    assert decision.for_change(change).reasons == ("metadata edit", "new data version")
    assert workflow.change_submit(actor=steward, dataset=dataset).reasons == [
        "metadata edit",
        "new data version",
    ]


SOURCE = Path(__file__).resolve().parents[2]
RULES = re.compile(
    r"\.(review_new_dataset|review_metadata_edit|review_data_version|auto_publish_refresh)\b"
    r"|bypass|created_by_id is None|State.PUBLISHED if"
)


def test_nothing_else_re_derives_the_decision() -> None:
    """The approval policy's switches are read in decision.py only, and no path skips it."""
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "decision.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if RULES.search(line) and not line.lstrip().startswith(("#", '"'))
    ]
    assert found == []
