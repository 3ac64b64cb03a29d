"""Validation of data versions: each constraint and generic check on crafted files, the
policy's severities, errors that block publication by every path, and the report API."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Conflict
from townsquare.datastore import services as datastore
from townsquare.datastore import validate
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import ingest
from townsquare.governance import workflow
from townsquare.quality import severity
from townsquare.quality.checks import check_quality_errors
from townsquare.quality.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    return make_dataset(public_works, slug="checked")


def checks(version: Any) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(f["check"], f["column"]): f for f in Report.objects.get(version=version).findings}


def with_schema(dataset: Any, version: Any, constraints: dict[str, dict[str, Any]]) -> Any:
    fields = [
        {**f, "constraints": constraints[f["name"]]} if f["name"] in constraints else f
        for f in version.fields
    ]
    again = datastore.version_reingest(
        actor=SYSTEM, version=version, table_schema={"fields": fields}, enqueue=False
    )
    return datastore.version_ingest(again.pk)


def test_each_constraint_is_checked_with_a_sample(dataset: Any) -> None:
    rows = [
        "id,code,kind,amount,note",
        "1,AB-1,roof,10,ok",
        "2,AB-2,fence,20,fine",
        "2,xx,pool,-5,",
        "4,AB-4,roof,999,a much longer note than allowed",
    ]
    first = ingest(dataset, "c.csv", "\n".join(rows).encode())
    version = with_schema(
        dataset,
        first,
        {
            "id": {"unique": True, "required": True},
            "code": {"pattern": "[A-Z]{2}-[0-9]+"},
            "kind": {"enum": ["roof", "fence"]},
            "amount": {"minimum": 0, "maximum": 100},
            "note": {"required": True, "maxLength": 10},
        },
    )
    found = checks(version)
    assert found[("unique", "id")]["count"] == 1
    assert found[("unique", "id")]["sample"] == [{"row": 3, "value": 2}]
    assert found[("pattern", "code")]["sample"] == [{"row": 3, "value": "xx"}]
    assert found[("enum", "kind")]["sample"] == [{"row": 3, "value": "pool"}]
    assert found[("minimum", "amount")]["sample"] == [{"row": 3, "value": -5}]
    assert found[("maximum", "amount")]["sample"] == [{"row": 4, "value": 999}]
    assert found[("required", "note")]["sample"] == [{"row": 3, "value": None}]
    assert found[("max_length", "note")]["count"] == 1
    assert {f["severity"] for f in found.values() if f["check"] != "outliers"} == {"error"}
    assert published_version(dataset) == first  # errors: the new version is not published
    assert last("data_version.blocked").after["errors"] >= 7


def test_generic_checks(dataset: Any) -> None:
    lines = ["name,name,,empty,when,value"]
    for i in range(40):
        lines.append(f"n{i % 3},x,y,,2020-01-{i % 28 + 1:02d},{i % 5}")
    lines.append("n0,x,y,,2999-01-01,1000")
    lines.append("n0,x,y,,1850-06-01,1")
    lines.append(lines[1])
    version = ingest(dataset, "g.csv", "\n".join(lines).encode())
    found = checks(version)
    assert found[("duplicate_header", "name_2")]["severity"] == "warning"
    assert ("blank_header", "column_3") in found
    assert found[("empty_column", "empty")]["severity"] == "warning"
    assert found[("implausible_date", "when")]["count"] == 2
    assert [s["row"] for s in found[("implausible_date", "when")]["sample"]] == [41, 42]
    assert found[("outliers", "value")]["sample"] == [{"row": 41, "value": 1000}]
    assert found[("duplicate_rows", None)]["count"] >= 1
    assert Report.objects.get(version=version).errors == 0
    assert published_version(dataset) == version  # warnings do not block


def test_repeated_rows_counted_and_the_first_repeats_sampled_in_file_order(dataset: Any) -> None:
    # a appears 4 times, b twice: the repeats are rows 3, 4, 5 and 6 (a, b, a, a), and the
    # first five in file order include a row repeated a third and fourth time.
    lines = ["k,v", "a,1", "b,2", "a,1", "b,2", "a,1", "a,1", "c,3"]
    version = ingest(dataset, "rep.csv", "\n".join(lines).encode())
    found = checks(version)[("duplicate_rows", None)]
    assert found["count"] == 4
    assert [s["row"] for s in found["sample"]] == [3, 4, 5, 6]


def test_outlier_fences_come_from_the_profile_or_are_computed_for_older_profiles(
    dataset: Any,
) -> None:
    lines = ["value,score"] + [f"{i % 10},{i / 10}" for i in range(200)] + ["500,0.5"]
    version = ingest(dataset, "q.csv", "\n".join(lines).encode())
    kept = version.profile["columns"]["value"]["quartiles"]
    assert kept == [2.0, 7.0] and version.profile["columns"]["score"]["quartiles"][0] > 0
    first = checks(version)[("outliers", "value")]
    assert first["sample"] == [{"row": 201, "value": 500}]
    for column in version.profile["columns"].values():  # profiled before quartiles were kept
        column.pop("quartiles", None)
    assert [f for f in validate.validate(version) if f["check"] == "outliers"] == [
        {k: v for k, v in f.items() if k != "severity"}
        for f in Report.objects.get(version=version).findings
        if f["check"] == "outliers"
    ]


def test_values_that_failed_to_cast_and_ragged_rows(dataset: Any) -> None:
    first = ingest(dataset, "r.csv", b"a,b\n1,2\n3\n4,5,6\n")
    assert checks(first)[("ragged_rows", None)]["count"] == 2
    text = ingest(dataset, "cast.csv", b"a\n1\nx\n")
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    typed = datastore.version_reingest(
        actor=SYSTEM, version=text, table_schema=schema, enqueue=False
    )
    again = datastore.version_ingest(typed.pk)
    assert checks(again)[("cast_failure", "a")]["sample"] == [{"row": 2, "value": "x"}]
    assert checks(again)[("cast_failure", "a")]["severity"] == "error"


def test_a_version_with_errors_cannot_be_published_by_any_path(
    dataset: Any, steward: Any, approver: Any, settings: Any, tmp_path: Any
) -> None:
    good = ingest(dataset, "dup.csv", b"id\n1\n1\n")  # no constraint yet: published
    bad = with_schema(dataset, good, {"id": {"unique": True}})
    assert published_version(dataset) == good
    with pytest.raises(Conflict, match="quality report has 1 error"):
        workflow.version_choose(actor=steward, version=bad)
    secret = token_create(actor=steward, user=steward, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post(f"/api/v1/datasets/checked/versions/{bad.pk}/publish")
    assert response.status_code == 409 and "cannot be published" in response.json()["detail"]
    assert last("data_version.publish.refused").actor == "steward"
    page = Client()
    page.force_login(steward)
    refused = page.post(f"/datasets/checked/data/versions/{bad.pk}/publish")
    assert refused.status_code == 409 and "cannot be published" in refused.content.decode()
    settings.QUALITY_ERRORS = [*settings.QUALITY_ERRORS, "duplicate_rows"]
    source = tmp_path / "twice.csv"
    source.write_text("id,kind\n7,a\n7,a\n")
    with pytest.raises(CommandError, match="quality report has 1 error"):
        call_command("ingest", str(source), "--dataset", "checked")
    assert published_version(dataset) == good
    assert workflow.open_change(dataset) is None


def test_report_api(dataset: Any, steward: Any, outsider: Any) -> None:
    first = ingest(dataset, "c.csv", b"id,kind\n1,roof\n1,fence\n")
    bad = with_schema(dataset, first, {"id": {"unique": True}})
    anonymous = Client()
    assert anonymous.get(f"/api/v1/datasets/checked/versions/{bad.pk}/report").status_code == 404
    secret = token_create(actor=steward, user=steward, name="t")[1]
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        .get(f"/api/v1/datasets/checked/versions/{bad.pk}/report")
        .json()
    )
    assert body["blocks_publication"] and body["errors"] == 1
    unique = next(f for f in body["findings"] if f["check"] == "unique")
    assert (unique["column"], unique["count"], unique["severity"]) == ("id", 1, "error")
    assert 0 <= body["score"] <= 100 and "Add a description to 2 columns." in body["suggestions"]
    public = anonymous.get(f"/api/v1/datasets/checked/versions/{first.pk}/report").json()
    assert public["errors"] == 0 and isinstance(public["findings"], list)


def test_a_misspelt_check_in_the_quality_policy_stops_the_start(settings: Any) -> None:
    settings.QUALITY_ERRORS = ["required", "uniqe"]
    (error,) = check_quality_errors(None)
    assert "uniqe" in error.msg and error.id == "townsquare.E101"
    with pytest.raises(SystemCheckError, match="uniqe"):
        call_command("check")


def test_every_check_is_in_the_one_list_that_settings_validation_and_docs_read() -> None:
    docs = (Path(__file__).resolve().parents[4] / "docs" / "configuration.md").read_text()
    line = next(line for line in docs.splitlines() if "TOWNSQUARE_QUALITY_ERRORS" in line)
    assert set(re.findall(r"[a-z_]{4,}", line.split("|")[3] + line.split("|")[4])) >= set(
        severity.CHECKS
    )
    assert set(settings.QUALITY_ERRORS) <= set(severity.CHECKS)
    assert severity.CHECKS is validate.CHECKS
    with pytest.raises(ValueError, match="not in validate.CHECKS"):
        validate._finding("spelling", None, 1, "A check nobody listed.")  # noqa: SLF001


def test_dates_a_year_ahead_are_found_on_29_february_too(monkeypatch: Any) -> None:
    assert validate.years_after(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)
    assert validate.years_after(datetime.date(2027, 3, 1), 1) == datetime.date(2028, 3, 1)
    monkeypatch.setattr(validate, "today_", lambda: datetime.date(2028, 2, 29))
    tests = validate._value_tests([{"name": "when", "type": "date"}])  # noqa: SLF001
    assert any(t.check == "implausible_date" and "2029-02-28" in t.params for t in tests)
