"""The privacy gate: a version with privacy findings is seen outside its organization only
after a privacy officer signs them off, or once the steward withheld the columns; and then
no published output holds the raw values."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from typing import Any

import duckdb
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from conftest import dataset_values
from townsquare.accounts.models import Membership, OrgRole
from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.catalog import services as catalog
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.datastore import services as datastore
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import published_number
from townsquare.governance import approval, decision, workflow
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.governance.tests.helpers import load, member
from townsquare.governance.workflow import review
from townsquare.quality import gate
from townsquare.quality.models import PrivacySignOff
from townsquare.quality.tests.test_privacy import PLANTED

pytestmark = pytest.mark.django_db

CLEAN = b"id,amount\n1,120\n2,340\n"
# Raw values of PLANTED that must not be published once their columns are withheld.
RAW = [
    "jane.doe@example.org",
    "omar@example.net",
    "4111 1111 1111 1111",
    "5500 0000 0000 0004",
    "536-90-4399",
    "612 48 7731",
    "1980-04-02",
    "1975-11-30",
    "Mary Johnson",
    "42 Maple Street",
    "10.20.30.40",
    "192.168.10.7",
    "(617) 555-0142",
    "617-555-0199",
]
WITHHELD: dict[str, Any] = {
    "contact": "exclude",
    "card": {"kind": "mask", "keep": 4},
    "tax_id": "exclude",
    "notes": "exclude",
    "client_ip": "mask",
    "phone_no": {"kind": "mask", "keep": 2},
    "date_of_birth": {"kind": "coarsen", "to": "year"},
}


@pytest.fixture
def officer(public_works: Any) -> Any:
    return member("officer", public_works, role=OrgRole.PRIVACY)


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="people", title="People")
    load(SYSTEM, dataset, CLEAN, publish=True)  # the operator's load with --publish: published
    return dataset


def test_a_version_with_findings_is_held_and_shown_to_the_steward(
    dataset: Any, steward: Any
) -> None:
    clean = published_version(dataset)
    people = load(steward, dataset, PLANTED.encode())
    assert published_version(dataset) == clean  # held: the public still sees the clean data
    open_findings = {(f["check"], f["column"]) for f in gate.open_findings(people)}
    assert {("email", "contact"), ("payment_card", "card"), ("ssn", "tax_id")} <= open_findings
    page = Client()
    page.force_login(steward)
    assert "privacy findings to sign off" in page.get("/datasets/people").content.decode()


@pytest.fixture
def submitted(
    dataset: Any, steward: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> Change:
    load(steward, dataset, PLANTED.encode())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go when it commits
        change: Change = workflow.change_submit(actor=steward, dataset=dataset)
    return change


def test_submitting_it_asks_the_privacy_officer_first(
    submitted: Change, approver: Any, officer: Any
) -> None:
    assert "privacy findings" in submitted.reasons
    assert approval.current_step(submitted) == approval.PRIVACY_STEP
    assert [m.to for m in mail.outbox] == [[officer.email]]  # the privacy officer is asked
    with pytest.raises(PermissionDenied, match="privacy"):
        workflow.change_approve(actor=approver, change=submitted, revision=submitted.revision)


def test_the_officers_sign_off_records_the_findings_accepted(
    submitted: Change, officer: Any
) -> None:
    people = submitted.data_version
    assert people is not None
    open_findings = {(f["check"], f["column"]) for f in gate.open_findings(people)}
    workflow.change_approve(
        actor=officer,
        change=submitted,
        revision=submitted.revision,
        comment="Contact list, agreed.",
    )
    sign_off = PrivacySignOff.objects.get(version=people)
    accepted = {(f["check"], f["column"]) for f in sign_off.findings}
    assert accepted == open_findings and sign_off.username == "officer"
    event = last("privacy.accepted")
    assert event.actor == "officer" and event.after["comment"] == "Contact list, agreed."
    assert {(f["check"], f["column"]) for f in event.after["findings"]} == accepted


def test_after_the_privacy_step_the_approver_publishes(
    submitted: Change, dataset: Any, approver: Any, officer: Any
) -> None:
    clean, people = published_version(dataset), submitted.data_version
    workflow.change_approve(actor=officer, change=submitted, revision=submitted.revision)
    submitted.refresh_from_db()
    assert submitted.status == Change.Status.IN_REVIEW
    assert approval.current_step(submitted) == {"role": "approver", "count": 1}
    assert published_version(dataset) == clean
    workflow.change_approve(actor=approver, change=submitted, revision=submitted.revision)
    assert published_version(dataset) == people


def test_the_report_says_who_accepted_the_findings(
    submitted: Change, approver: Any, officer: Any
) -> None:
    people = submitted.data_version
    assert people is not None
    workflow.change_approve(actor=officer, change=submitted, revision=submitted.revision)
    workflow.change_approve(actor=approver, change=submitted, revision=submitted.revision)
    body = Client().get(f"/api/v1/datasets/people/versions/{people.pk}/report").json()
    email = next(f for f in body["findings"] if f["check"] == "email")
    assert email["state"] == "accepted" and email["accepted_by"] == "officer"
    assert body["privacy_sign_offs"][0]["by"] == "officer"
    assert not body["privacy_sign_off_needed"]


def test_a_policy_without_data_review_still_holds_privacy_findings(
    dataset: Any, public_works: Any, steward: Any, officer: Any
) -> None:
    ApprovalPolicy.objects.create(organization=public_works, review_data_version=False)
    people = load(steward, dataset, PLANTED.encode())
    assert published_version(dataset) != people
    with pytest.raises(Conflict, match="privacy findings in"):
        review._publish(SYSTEM, Change(dataset=dataset, data_version=people))  # noqa: SLF001
    assert workflow.version_choose(actor=SYSTEM, version=people) is not None  # held again
    change = workflow.change_submit(actor=steward, dataset=dataset)
    assert change.steps == []  # only the privacy step: the policy does not review data
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    assert published_version(dataset) == people


def _withhold(steward: Any, version: Any) -> Any:
    fields = [dict(f) for f in version.table_schema["fields"]]
    for field in fields:
        if field["name"] in WITHHELD:
            field["treatment"] = WITHHELD[field["name"]]
    again = datastore.version_reingest(
        actor=steward, version=version, table_schema={"fields": fields}, enqueue=False
    )
    return datastore.version_ingest(again.pk)


def test_withheld_columns_reach_no_published_output(
    dataset: Any, public_works: Any, steward: Any
) -> None:
    ApprovalPolicy.objects.create(organization=public_works, review_data_version=False)
    people = load(steward, dataset, PLANTED.encode())
    opened = workflow.open_change(dataset)
    assert opened is not None and opened.data_version == people
    treated = _withhold(steward, people)
    assert treated.status == "ready", treated.error
    assert gate.cleared(treated)
    assert published_version(dataset) == treated  # no findings left: the policy publishes it
    assert workflow.open_change(dataset) is None  # the held version was superseded
    assert last("change.superseded").after["data_version"] == people.number
    assert [f["name"] for f in treated.fields] == [
        "id", "card", "zip", "client_ip", "phone_no", "date_of_birth", "amount",
    ]  # fmt: skip
    assert treated.withheld == {
        k: (v if isinstance(v, str) else v["kind"]) for k, v in WITHHELD.items()
    }
    outputs = _published_outputs(treated)
    for name, text in outputs.items():
        for raw in RAW:
            assert raw not in text, f"{raw!r} is in the published {name}"
    first = json.loads(outputs["records"])["rows"][0]
    assert [first[k] for k in ("card", "client_ip", "phone_no", "date_of_birth")] == [
        "***1111",
        "***",
        "***42",
        1980,
    ]
    report = json.loads(outputs["report"])
    assert report["withheld"]["contact"] == "exclude"
    card = [f for f in report["findings"] if f["column"] == "card" and f["severity"] == "privacy"]
    assert all(f["state"] == "withheld (mask)" for f in card)


def _published_outputs(version: Any) -> dict[str, str]:
    """Everything the public can fetch of the dataset's data, as text."""
    anonymous = Client()
    got = {
        "records": anonymous.get("/api/v1/datasets/people/records"),
        "records.csv": anonymous.get("/api/v1/datasets/people/records?format=csv"),
        "sql": anonymous.get("/api/v1/sql", {"q": "SELECT * FROM people"}),
        "preview": anonymous.get("/datasets/people/data"),
        "page": anonymous.get("/datasets/people"),
        "version page": anonymous.get(f"/datasets/people/data/versions/{version.pk}"),
        "versions": anonymous.get("/api/v1/datasets/people/versions"),
        "version": anonymous.get(f"/api/v1/datasets/people/versions/{version.pk}"),
        "report": anonymous.get(f"/api/v1/datasets/people/versions/{version.pk}/report"),
        "dcat": anonymous.get("/api/v1/datasets/people"),
    }
    for fmt in ("csv", "json", "ndjson"):
        got[f"export.{fmt}"] = anonymous.get(f"/api/v1/datasets/people/export.{fmt}")
    texts = {}
    for name, response in got.items():
        assert response.status_code == 200, (name, response.status_code)
        body = response.getvalue()
        texts[name] = body.decode()
    xlsx = anonymous.get("/api/v1/datasets/people/export.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.getvalue())) as book:
        texts["export.xlsx"] = "".join(book.read(n).decode() for n in book.namelist())
    parquet = anonymous.get("/api/v1/datasets/people/export.parquet")
    content = parquet.getvalue()
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM read_parquet(?)", [_saved(content)])
    texts["export.parquet"] = repr(con.execute("SELECT * FROM t").fetchall())
    return texts


def _saved(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".parquet", delete=False) as out:
        out.write(content)
    return out.name


def test_opening_a_non_public_dataset_passes_the_privacy_gate(
    public_works: Any, make_dataset: Any, steward: Any, approver: Any, officer: Any
) -> None:
    internal = make_dataset(public_works, slug="staff", access_level="non-public", rights="x")
    people = load(SYSTEM, internal, PLANTED.encode(), publish=True)
    assert published_version(internal) == people  # only the organization sees it: no gate
    by_operator = workflow.dataset_edit(actor=SYSTEM, dataset=internal, access_level="public")
    assert by_operator.change is not None  # the command line opens nothing without review
    internal.refresh_from_db()
    assert internal.access_level == "non-public"
    edited = workflow.dataset_edit(actor=steward, dataset=internal, access_level="public")
    change = workflow.change_submit(actor=steward, dataset=edited.dataset)
    assert decision.data_made_public(change) == people
    step = approval.current_step(change)
    assert step is not None and step["role"] == "privacy"
    assert [s["role"] for s in change.steps] == ["approver"]
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    internal.refresh_from_db()
    assert internal.access_level == "public"


def test_a_draft_dataset_waits_for_the_privacy_step(
    public_works: Any, steward: Any, approver: Any, officer: Any
) -> None:
    draft = workflow.dataset_create(
        actor=steward, organization=public_works, **dataset_values(slug="draft-people")
    )
    people = load(steward, draft, PLANTED.encode())
    assert published_version(draft) == people  # a draft: nobody outside sees it yet
    change = workflow.change_submit(actor=steward, dataset=draft)
    assert change.reasons == ["new dataset", "privacy findings"]
    with pytest.raises(PermissionDenied):
        workflow.change_approve(actor=approver, change=change, revision=change.revision)
    workflow.change_approve(actor=officer, change=change, revision=change.revision)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    draft.refresh_from_db()
    assert draft.state == "published"


def test_a_privacy_officer_who_is_also_an_approver_signs_both_steps(
    dataset: Any, public_works: Any, steward: Any, officer: Any
) -> None:
    member_role = member("both", public_works, role=OrgRole.APPROVER)
    Membership.objects.create(user=member_role, organization=public_works, role=OrgRole.PRIVACY)
    people = load(steward, dataset, PLANTED.encode())
    change = workflow.change_submit(actor=steward, dataset=dataset)
    workflow.change_approve(actor=member_role, change=change, revision=change.revision)
    workflow.change_approve(actor=member_role, change=change, revision=change.revision)
    assert published_version(dataset) == people


def test_bad_treatments_are_refused_with_a_reason(dataset: Any, steward: Any) -> None:
    version = published_version(dataset)
    assert version is not None
    cases = [
        ({"kind": "mask", "keep": 9}, "0 to 4 last characters"),
        ({"kind": "coarsen", "to": -1}, "positive step"),
        ("hide", "must be one of exclude, mask, coarsen"),
        ({"kind": "coarsen", "to": 1, "extra": 1}, "Unknown treatment option"),
    ]
    for treatment, message in cases:
        fields = [dict(f) for f in version.table_schema["fields"]]
        fields[1]["treatment"] = treatment
        with pytest.raises(ValidationError, match=message):
            datastore.version_reingest(
                actor=steward, version=version, table_schema={"fields": fields}, enqueue=False
            )


def test_the_steward_withholds_columns_on_the_version_page(
    dataset: Any, steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = load(steward, dataset, PLANTED.encode())
    page = Client()
    page.force_login(steward)
    html = page.get(f"/datasets/people/data/versions/{people.pk}").content.decode()
    assert "needs sign-off" in html and 'name="treatment-1"' in html
    assert "jane.doe@example.org" in html  # the steward sees sample values
    outsider_view = Client().get(f"/datasets/people/data/versions/{people.pk}")
    assert outsider_view.status_code == 404  # not published: outsiders do not see it
    bad = page.post(
        f"/datasets/people/data/versions/{people.pk}", {"treatment-1": "mask", "option-1": "9"}
    )
    assert bad.status_code == 400 and "0 to 4 last characters" in bad.content.decode()
    form = {f"treatment-{i}": "exclude" for i in (1, 2, 3, 5, 6, 7)}
    form |= {"treatment-8": "coarsen", "option-8": "month", "description-0": "Row number"}
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/datasets/people/data/versions/{people.pk}", form)
    assert response.status_code == 302
    treated = dataset.data_versions.order_by("-number").first()
    assert treated.status == "ready", treated.error
    assert treated.withheld["date_of_birth"] == "coarsen"
    assert treated.fields[0]["description"] == "Row number"
    assert gate.cleared(treated)
    html = page.get(f"/datasets/people/data/versions/{treated.pk}").content.decode()
    assert "Withheld from publication" in html and "1980-04" not in html.split("Columns")[0]
    versions = dataset.data_versions.count()
    outsider = Client()
    outsider.force_login(member("someone", dataset.organization, role=OrgRole.VIEWER))
    refused = outsider.post(f"/datasets/people/data/versions/{treated.pk}", form)
    assert refused.status_code == 403 and dataset.data_versions.count() == versions


def test_the_review_screen_and_api_show_the_privacy_step(
    dataset: Any, steward: Any, officer: Any
) -> None:
    load(steward, dataset, PLANTED.encode())
    change = workflow.change_submit(actor=steward, dataset=dataset)
    page = Client()
    page.force_login(officer)
    html = page.get(f"/review/{change.pk}").content.decode()
    assert "waiting for a privacy officer" in html and "needs sign-off" in html
    assert "Approving accepts the privacy findings" in html
    assert f"/review/{change.pk}" in page.get("/review").content.decode()
    secret = token_create(actor=officer, user=officer, name="t")[1]
    body = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"/api/v1/changes/{change.pk}")
    assert body.status_code == 200, body.content
    assert body.json()["waiting_for"] == "privacy"
    assert {"check": "email", "column": "contact"}.items() <= body.json()["privacy_findings"][
        0
    ].items() or any(f["check"] == "email" for f in body.json()["privacy_findings"])


def test_the_operators_load_is_held_too_and_the_command_says_why(
    dataset: Any, tmp_path: Any, capsys: Any
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PLANTED)
    clean = published_version(dataset)
    call_command("ingest", str(source), "--dataset", "people")
    out = capsys.readouterr().out
    assert "waits in the working copy" in out and "privacy finding(s)" in out
    assert published_version(dataset) == clean
    change = workflow.open_change(dataset)
    assert change is not None and change.data_version is not None
    assert change.data_version.number == 2


def test_withholding_stays_on_every_later_version_until_a_steward_lifts_it(
    dataset: Any, public_works: Any, steward: Any, approver: Any
) -> None:
    ApprovalPolicy.objects.create(organization=public_works, review_data_version=False)
    treated = _withhold(steward, load(steward, dataset, PLANTED.encode()))
    assert published_version(dataset) == treated
    # The next file, loaded by hand (a new upload, not a re-read): the treatments stay.
    more = PLANTED + "\n4,ann@example.org,4111 1111 1111 1111,536-90-4399,02134,x,10.0.0.1,,,5"
    later = load(steward, dataset, more.encode())
    assert later.status == "ready", later.error
    assert later.withheld == treated.withheld
    assert set(later.report["withheld_carried"]) == set(WITHHELD)
    assert gate.cleared(later) and published_version(dataset) == later
    for name, text in _published_outputs(later).items():
        for raw in [*RAW, "ann@example.org"]:
            assert raw not in text, f"{raw!r} is in the published {name}"
    # With review of data versions, the review screen says what stays withheld.
    ApprovalPolicy.objects.filter(organization=public_works).update(review_data_version=True)
    third = load(steward, dataset, (more + "\n5,bo@example.org,,,,,,,,6").encode())
    change = workflow.change_submit(actor=steward, dataset=dataset)
    page = Client()
    page.force_login(approver)
    review = page.get(f"/review/{change.pk}").content.decode()
    assert "Withheld from publication" in review and "contact (excluded)" in review
    assert third.withheld == treated.withheld
    workflow.change_withdraw(actor=steward, change=change)
    # Lifting a treatment on the version page: later versions follow the steward's choice.
    fields = [dict(f) for f in third.table_schema["fields"]]
    for field in fields:
        if field["name"] == "date_of_birth":
            field.pop("treatment")
    lifted = datastore.version_ingest(
        datastore.version_reingest(
            actor=steward, version=third, table_schema={"fields": fields}, enqueue=False
        ).pk
    )
    assert "date_of_birth" not in lifted.withheld
    fourth = load(steward, dataset, (more + "\n6,cy@example.org,,,,,,,,7").encode())
    assert "date_of_birth" not in fourth.withheld and "contact" in fourth.withheld


def test_a_table_uploaded_as_a_file_is_scanned_and_its_original_gated_like_its_data(
    dataset: Any, steward: Any, approver: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = Client()
    page.force_login(steward)
    upload = SimpleUploadedFile("contacts.csv", PLANTED.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post("/datasets/people/files/new", {"file": upload, "title": "Contacts"})
    assert response.status_code == 302
    people = dataset.data_versions.get(number=2)
    assert gate.open_findings(people)  # scanned like every data version
    assert not dataset.distributions.exists()  # not a file that bypasses the scan
    assert published_number(dataset) == 1
    original = "/datasets/people/data/original"
    assert b"jane.doe" not in Client().get(original).getvalue()
    change = workflow.change_submit(actor=steward, dataset=dataset)
    workflow.change_approve(
        actor=officer, change=change, revision=change.revision, comment="Agreed."
    )
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert published_version(dataset) == people
    assert b"jane.doe" in Client().get(original).getvalue()  # accepted: public
    # Withheld columns: the original (with the raw values) is offered to nobody outside.
    treated = _withhold(steward, people)
    chosen = workflow.version_choose(actor=SYSTEM, version=treated)
    assert chosen is not None and approval.current_step(chosen) is None  # not submitted yet
    change = workflow.change_submit(actor=steward, dataset=dataset)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert published_version(dataset) == treated
    assert Client().get(original).status_code == 404
    body = Client().get("/datasets/people").content.decode()
    assert "the original file is not offered" in body


def test_titles_left_empty_in_the_column_editor_are_no_blank_headers(
    dataset: Any, steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = load(
        SYSTEM, dataset, b"id,amount,\n1,120,x\n2,340,y\n", publish=True
    )  # the third: no header
    page = Client()
    page.force_login(steward)
    form = {f"title-{i}": "" for i in range(3)}
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/datasets/people/data/versions/{version.pk}", form)
    assert response.status_code == 302
    again = dataset.data_versions.order_by("-number").first()
    assert [f["title"] for f in again.fields][:2] == ["id", "amount"]
    report = page.get(f"/api/v1/datasets/people/versions/{again.pk}/report").json()
    blank = [f["column"] for f in report["findings"] if f["check"] == "blank_header"]
    assert blank == [again.fields[2]["name"]]  # only the header blank in the file


def test_the_command_says_a_drafts_data_is_not_public(
    public_works: Any, make_dataset: Any, tmp_path: Any, capsys: Any
) -> None:
    draft = make_dataset(public_works, slug="draft-people", title="People (draft)")
    catalog.dataset_set_state(actor=SYSTEM, dataset=draft, state="draft")
    source = tmp_path / "people.csv"
    source.write_text(PLANTED)
    call_command("ingest", str(source), "--dataset", "draft-people")
    out = capsys.readouterr().out
    assert "published" not in out.split("Submit")[0]  # a draft's data is not published
    assert "which is draft, seen only inside its organization" in out
    assert "privacy finding(s) wait for a privacy officer" in out
