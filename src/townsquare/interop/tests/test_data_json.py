"""``/data.json`` as DCAT-US 1.1, valid against the POD non-federal schema and data.gov's
harvester schema (jsonschema), listing what the public may know of; and ``validate-catalog``
naming each error by dataset and field, with the fix."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from townsquare.catalog.models import Dataset
from townsquare.datastore.tests.helpers import flights_csv, ingest
from townsquare.interop import catalog_check, dcat_us

pytestmark = pytest.mark.django_db


def catalog(client: Client, version: str = "1.1") -> dict[str, Any]:
    response: Any = client.get(f"/data.json?version={version}")
    assert response.status_code == 200
    assert response.streaming
    found: dict[str, Any] = json.loads(b"".join(response.streaming_content))
    return found


@pytest.fixture
def full(public_works: Any, make_dataset: Any) -> Dataset:
    """A dataset with every optional DCAT-US field, restricted, with a data table."""
    dataset = make_dataset(
        public_works,
        slug="inspections",
        title="Restaurant inspections",
        access_level="restricted public",
        rights="Addresses of home kitchens are withheld.",
        accrual_periodicity="weekly",
        temporal="2020-01-01/2024-12-31",
        spatial="Springfield",
        issued=date(2020, 2, 1),
        language=["en-US"],
        landing_page="https://town.example/inspections",
        references=["https://town.example/inspections/manual.pdf"],
        conforms_to="https://town.example/standards/inspections",
        described_by="https://town.example/inspections/dictionary",
        described_by_type="text/html",
        is_part_of="health",
        data_quality=True,
    )
    ingest(dataset, "flights.csv", flights_csv(20))
    made: Dataset = dataset
    return made


def test_lists_published_public_and_restricted_datasets_valid_with_no_errors(
    client: Client, town: Any, full: Dataset
) -> None:
    found = catalog(client)
    assert found["conformsTo"] == dcat_us.CONFORMS_TO
    ids = {record["identifier"] for record in found["dataset"]}
    expected = {town[k].identifier for k in ("permits", "trees", "roads")} | {full.identifier}
    assert ids == expected  # not the non-public one, not the draft
    assert catalog_check.check_catalog(found) == []
    record = next(r for r in found["dataset"] if r["identifier"] == full.identifier)
    assert record["accrualPeriodicity"] == "R/P1W"
    assert record["accessLevel"] == "restricted public"
    assert all("downloadURL" not in d for d in record["distribution"])  # for the granted only
    trees = next(r for r in found["dataset"] if r["identifier"] == town["trees"].identifier)
    [csv] = trees["distribution"]
    assert csv["downloadURL"].startswith("http://127.0.0.1:8000/datasets/street-trees/")
    assert csv["mediaType"] == "text/csv"
    assert trees["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert trees["theme"] == ["Environment"]


def test_version_3_is_valid_with_its_data_services(
    client: Client, town: Any, full: Dataset
) -> None:
    found = catalog(client, "3")
    assert found["conformsTo"]["@id"] == "https://resources.data.gov/dcat-us/3.0.0/"
    assert {r["identifier"] for r in found["dataset"]} == {
        town[k].identifier for k in ("permits", "trees", "roads")
    } | {full.identifier}
    assert catalog_check.check_catalog(found, "3.0") == []
    record = next(r for r in found["dataset"] if r["identifier"] == full.identifier)
    assert record["temporal"] == [
        {"@type": "PeriodOfTime", "startDate": "2020-01-01", "endDate": "2024-12-31"}
    ]
    assert record["language"] == ["en"]
    assert record["accrualPeriodicity"] == "R/P1W"
    [table] = [d for d in record["distribution"] if "accessService" in d]
    [service] = table["accessService"]
    assert service["endpointURL"] == [f"http://127.0.0.1:8000/api/v1/datasets/{full.slug}/records"]
    assert [s["@id"] for s in found["service"]] == [service["@id"]]
    broken = {**record, "contactPoint": {"@type": "Kind", "fn": "Desk", "hasEmail": "desk"}}
    [problem] = catalog_check.check_record(broken, "3.0")
    assert "Contact" in problem.field


def test_a_large_catalog_streams_every_dataset(
    client: Client, public_works: Any, make_dataset: Any
) -> None:
    for n in range(dcat_us.CHUNK + 20):
        Dataset.objects.create(
            slug=f"set-{n}",
            title=f"Set {n}",
            description="A set.",
            organization=public_works,
            keywords=["sets"],
            contact_name="Desk",
            contact_email="desk@town.example",
            state="published",
        )
    found = catalog(client)
    assert len(found["dataset"]) == dcat_us.CHUNK + 20
    assert catalog_check.check_catalog(found) == []
    assert len(catalog(client, "3")["dataset"]) == dcat_us.CHUNK + 20


def test_validate_catalog_names_each_error_with_its_fix(
    town: Any, public_works: Any, make_dataset: Any
) -> None:
    out = StringIO()
    call_command("validate-catalog", stdout=out)
    assert "DCAT-US 1.1: 3 datasets, 0 errors." in out.getvalue()
    assert "DCAT-US 3.0: 3 datasets, 0 errors." in out.getvalue()
    Dataset.objects.filter(pk=town["roads"].pk).update(keywords=[])
    out = StringIO()
    with pytest.raises(CommandError, match="1.1: 3 datasets, 1 errors"):
        call_command("validate-catalog", stdout=out)
    line = out.getvalue().splitlines()[0]
    assert "Road repairs" in line
    assert town["roads"].identifier in line
    assert "Keywords" in line
    assert "Add at least one keyword" in line


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"contactPoint": {"fn": "Desk", "hasEmail": "desk"}}, "Contact email"),
        ({"accrualPeriodicity": "every now and then"}, "Update frequency"),
        ({"modified": "yesterday"}, "Last modified"),
        ({"accessLevel": "secret"}, "Access level"),
        ({"distribution": [{"downloadURL": "https://x.example/a.csv"}]}, "Media type"),
    ],
)
def test_each_kind_of_record_error_is_named(
    client: Client, town: Any, record: dict[str, Any], field: str
) -> None:
    good = catalog(client)["dataset"][0]
    problems = catalog_check.check_record({**good, **record})
    assert problems
    assert any(field in p.field for p in problems), [str(p) for p in problems]
    assert all(p.fix for p in problems)


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("R/P1M", "R/P1M"),
        ("monthly", "R/P1M"),
        ("http://purl.org/cld/freq/annual", "R/P1Y"),
        ("irregular", "irregular"),
        ("http://publications.europa.eu/resource/authority/frequency/DAILY", "R/P1D"),
        ("threeTimesAYear", "R/P122D"),
        ("", None),
    ],
)
def test_frequencies_are_written_as_dcat_us_takes_them(given: str, written: str | None) -> None:
    assert dcat_us.frequency(given) == written


def test_other_versions_are_refused_plainly(client: Client) -> None:
    response = client.get("/data.json?version=2")
    assert response.status_code == 400
    assert "version=3" in response.json()["error"]


def test_the_coordinators_page_shows_each_error_with_a_link_to_fix_it(
    client: Client, town: Any, coordinator: Any, steward: Any
) -> None:
    client.force_login(coordinator)
    page = client.get("/catalog-check").content.decode()
    assert "DCAT-US 1.1: 3 datasets, no errors" in page
    assert "DCAT-US 3.0: 3 datasets, no errors" in page
    Dataset.objects.filter(pk=town["roads"].pk).update(keywords=[])
    page = client.get("/catalog-check").content.decode()
    assert "DCAT-US 1.1: 3 datasets, 1 error" in page
    assert 'href="/datasets/road-repairs/edit"' in page
    assert "Add at least one keyword" in page
    client.force_login(steward)
    assert client.get("/catalog-check").status_code == 403
    client.logout()
    assert client.get("/catalog-check").status_code == 302
