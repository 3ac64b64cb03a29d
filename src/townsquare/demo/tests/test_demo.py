from __future__ import annotations

import csv
import hashlib
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from townsquare.accounts.models import User
from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.demo import generate
from townsquare.governance.models import Change, Document
from townsquare.governance.selectors import current_document, inbox, role_readiness, stuck_changes


@pytest.mark.django_db
def test_demo_loads_once_and_reuses_what_exists() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    first = out.getvalue()
    assert "Username: admin" in first
    password = first.split("Password (shown only now): ")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert Organization.objects.count() >= 3
    assert Dataset.objects.count() >= 5
    assert Document.objects.filter(kind="purpose").count() == 1
    policy = current_document("policy")
    assert policy is not None and policy.signatures.count() == 2
    assert "Director of Public Works" in Client().get("/governance-policy").content.decode()
    for dataset in Dataset.objects.all():
        assert dataset.published_data.version.status == "ready", dataset.slug
        assert (dataset.published_data.version.row_count or 0) > 0
        assert (
            dataset.description and dataset.keywords and dataset.license and dataset.contact_email
        )
        assert dataset.accrual_periodicity and dataset.temporal and dataset.spatial
        assert not dataset.distributions.exists()  # each file is the dataset's data table
        assert default_storage.exists(dataset.published_data.version.original)
    _demo_data_is_queryable()
    _demo_shows_governance()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "exists already" in again.getvalue() and "Password" not in again.getvalue()
    assert Dataset.objects.count() == 6 and not Distribution.objects.exists()
    assert User.objects.get(username="admin").check_password(password)


def test_generated_files_are_realistic_and_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for make in generate.GENERATORS.values():
        one, two = make(first), make(second)
        assert (
            hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()
        ), one.name
    zoning = json.loads((first / "zoning-districts.geojson").read_text())
    assert zoning["features"][0]["geometry"]["type"] == "Polygon"
    # A believable town: districts of varied shapes and sizes that follow the streets and the
    # river (not a grid of squares), and lots of varied sizes.
    districts = zoning["features"]
    assert 10 <= len(districts) <= 60
    assert len({d["properties"]["area_acres"] for d in districts}) > len(districts) * 0.8
    shaped = [d for d in districts if len(d["geometry"]["coordinates"][0]) > 12]
    assert len(shaped) > len(districts) * 0.6  # their edges bend with streets and the river
    assert {d["properties"]["zone_code"] for d in districts} == set(generate.ZONES)
    parcels = json.loads((first / "land-use-parcels.geojson").read_text())
    assert 1500 <= len(parcels["features"]) <= 5000
    areas = [p["properties"]["lot_area_sqft"] for p in parcels["features"]]
    assert len(set(areas)) > len(areas) * 0.5 and max(areas) > 10 * min(areas)
    addresses = [p["properties"]["address"] for p in parcels["features"]]
    assert len(set(addresses)) > len(addresses) * 0.6
    permits = list(csv.DictReader(io.StringIO((first / "building-permits.csv").read_text())))
    assert 2000 <= len(permits) <= 5000 and float(permits[0]["valuation"]) > 0
    requests = list(csv.DictReader(io.StringIO((first / "311-service-requests.csv").read_text())))
    assert len(requests) >= 10_000
    # requests come from where people live: the dense residential blocks more than the parks
    zone_of = {
        p["properties"]["address"].split(" ", 1)[1]: p["properties"]["zone_code"]
        for p in parcels["features"]
    }
    streets = {r["block_address"].split(" of ", 1)[1] for r in requests}
    assert len(streets) >= 10 and streets <= set(zone_of) | {"Old Mill Rd"}
    assert {r["status"] for r in requests} == {"Open", "Closed"}
    sheet = load_workbook(first / "adopted-budget-fy2027.xlsx").active
    assert isinstance(sheet, Worksheet)
    assert sheet.cell(1, 1).value == "fund" and sheet.max_row > 50


def _demo_shows_governance() -> None:
    levels = dict(Dataset.objects.values_list("slug", "access_level"))
    assert levels["land-use-parcels"] == "restricted public"
    assert levels["plow-route-assignments"] == "non-public"
    anonymous = Client()
    assert anonymous.get("/datasets/plow-route-assignments").status_code == 404
    assert anonymous.get("/api/v1/datasets/land-use-parcels/records").status_code == 403
    pending = Change.objects.get(status="in_review")
    assert pending.dataset.slug == "plow-route-assignments"
    assert pending.reasons == ["wider access", "metadata edit"]
    approver = User.objects.get(username="pw-director")
    assert [c.pk for c in inbox(actor=approver)] == [pending.pk]
    # The approval policy does what the signed governance policy says: the department's
    # approver, then the coordinator (the CIO), and every department has its people.
    assert pending.steps == [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]
    assert User.objects.get(username="cio").is_coordinator
    policy_document = current_document("policy")
    assert policy_document is not None
    assert "coordinator (the CIO)\n   signs off last" in policy_document.body
    for organization in Organization.objects.all():
        assert all(n.ready for n in role_readiness(organization=organization)), organization
    assert stuck_changes() == []
    # The public registers' addresses were found by the privacy scan and signed off as public
    # records by the records officer, through the workflow.
    from townsquare.quality.models import PrivacySignOff

    accepted = {
        (s.version.dataset.slug, f["check"], f["column"])
        for s in PrivacySignOff.objects.select_related("version__dataset")
        for f in s.findings
    }
    assert ("building-permits", "street_address", "address") in accepted
    assert ("land-use-parcels", "street_address", "address") in accepted
    assert {s.username for s in PrivacySignOff.objects.all()} == {"records-officer"}


def _demo_data_is_queryable() -> None:
    """The contract: the demo town's tabular and geographic data answer queries (as the
    administrator, who may read the restricted and non-public ones too)."""
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    for dataset in Dataset.objects.all():
        version = dataset.published_data.version
        url = f"/api/v1/datasets/{dataset.slug}/records"
        body = client.get(url, {"limit": 5}).json()
        assert body["total"] == version.row_count and len(body["rows"]) == 5, dataset.slug
        if version.is_geographic:
            features = client.get(url, {"format": "geojson", "limit": "3"}).json()["features"]
            assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon", "Point")
        first = version.fields[0]["name"]
        grouped = client.get(url, {"select": f'"{first}", count(*) AS n', "group_by": f'"{first}"'})
        assert grouped.status_code == 200, (dataset.slug, grouped.content)
        assert client.get(f"/api/v1/datasets/{dataset.slug}/export.csv").status_code == 200
