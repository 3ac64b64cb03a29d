from __future__ import annotations

import csv
import hashlib
import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

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
from townsquare.quality.models import PrivacySignOff
from townsquare.readiness import checklist, selectors
from townsquare.readiness.models import Announcement, InventoryItem, Program


@pytest.fixture
def demo(db: Any, settings: Any) -> str:
    """The demo town, loaded as `make demo` does; its output (which shows the admin's password
    once)."""
    settings.DATASTORE_ALLOW_HOSTS = ["127.0.0.1:8000"]
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_demo_admin_password_is_shown_once_and_a_second_run_reuses_the_town(
    demo: str,
) -> None:
    assert "Username: admin" in demo
    password = demo.split("Password (shown only now): ")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    again = StringIO()
    call_command("demo", stdout=again)
    assert "exists already" in again.getvalue() and "Password" not in again.getvalue()
    assert Dataset.objects.count() == 7 and not Distribution.objects.exists()
    assert User.objects.get(username="admin").check_password(password)


def test_every_demo_dataset_is_described_and_published_from_its_data_table(demo: str) -> None:
    assert Organization.objects.count() >= 3
    assert Dataset.objects.count() >= 5
    for dataset in Dataset.objects.all():
        assert dataset.published_data.version.status == "ready", dataset.slug
        assert (dataset.published_data.version.row_count or 0) > 0
        assert (
            dataset.description and dataset.keywords and dataset.license and dataset.contact_email
        )
        assert dataset.accrual_periodicity and dataset.temporal and dataset.spatial
        assert not dataset.distributions.exists()  # each file is the dataset's data table
        assert default_storage.exists(dataset.published_data.version.original)


def test_the_demo_governance_documents_are_in_effect_and_every_role_is_held(demo: str) -> None:
    assert Document.objects.filter(kind="purpose").count() == 1
    policy = current_document("policy")
    assert policy is not None and policy.signatures.count() == 2
    assert "Director of Public Works" in Client().get("/governance-policy").content.decode()
    # The approval policy does what the signed governance policy says: the department's
    # approver, then the coordinator (the CIO), and every department has its people.
    assert "coordinator (the CIO)\n   signs off last" in policy.body
    assert User.objects.get(username="cio").is_coordinator
    for organization in Organization.objects.all():
        assert all(n.ready for n in role_readiness(organization=organization)), organization
    assert stuck_changes() == []


def test_the_demo_restricts_access_and_holds_a_change_for_review(demo: str) -> None:
    levels = dict(Dataset.objects.values_list("slug", "access_level"))
    assert levels["land-use-parcels"] == "restricted public"
    assert levels["plow-route-assignments"] == "non-public"
    anonymous = Client()
    assert anonymous.get("/datasets/plow-route-assignments").status_code == 404
    assert anonymous.get("/api/v1/datasets/land-use-parcels/records").status_code == 403
    pending = Change.objects.get(status="in_review")
    assert pending.dataset.slug == "plow-route-assignments"
    assert pending.reasons == ["wider access", "metadata edit"]
    assert pending.steps == [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]
    approver = User.objects.get(username="pw-director")
    assert [c.pk for c in inbox(actor=approver)] == [pending.pk]


def test_the_demo_addresses_were_signed_off_by_the_records_officer(demo: str) -> None:
    """The public registers' addresses were found by the privacy scan and signed off as public
    records by the records officer, through the workflow."""
    accepted = {
        (s.version.dataset.slug, f["check"], f["column"])
        for s in PrivacySignOff.objects.select_related("version__dataset")
        for f in s.findings
    }
    assert ("building-permits", "street_address", "address") in accepted
    assert ("land-use-parcels", "street_address", "address") in accepted
    assert {s.username for s in PrivacySignOff.objects.all()} == {"records-officer"}


def test_the_demo_data_answers_queries(demo: str) -> None:
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


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    for make in generate.GENERATORS.values():
        make(tmp_path)
    return tmp_path


def test_generated_files_are_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for make in generate.GENERATORS.values():
        one, two = make(first), make(second)
        assert (
            hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()
        ), one.name


def test_zoning_districts_follow_the_streets_and_the_river(generated: Path) -> None:
    """A believable town: districts of varied shapes and sizes (not a grid of squares)."""
    districts = json.loads((generated / "zoning-districts.geojson").read_text())["features"]
    assert districts[0]["geometry"]["type"] == "Polygon"
    assert 10 <= len(districts) <= 60
    assert len({d["properties"]["area_acres"] for d in districts}) > len(districts) * 0.8
    shaped = [d for d in districts if len(d["geometry"]["coordinates"][0]) > 12]
    assert len(shaped) > len(districts) * 0.6  # their edges bend with streets and the river
    assert {d["properties"]["zone_code"] for d in districts} == set(generate.ZONES)


def test_parcels_have_varied_lots_and_addresses(generated: Path) -> None:
    parcels = json.loads((generated / "land-use-parcels.geojson").read_text())["features"]
    assert 1500 <= len(parcels) <= 5000
    areas = [p["properties"]["lot_area_sqft"] for p in parcels]
    assert len(set(areas)) > len(areas) * 0.5 and max(areas) > 10 * min(areas)
    addresses = [p["properties"]["address"] for p in parcels]
    assert len(set(addresses)) > len(addresses) * 0.6


def test_service_requests_come_from_where_people_live(generated: Path) -> None:
    parcels = json.loads((generated / "land-use-parcels.geojson").read_text())["features"]
    requests = list(
        csv.DictReader(io.StringIO((generated / "311-service-requests.csv").read_text()))
    )
    assert len(requests) >= 10_000
    zone_of = {
        p["properties"]["address"].split(" ", 1)[1]: p["properties"]["zone_code"] for p in parcels
    }
    streets = {r["block_address"].split(" of ", 1)[1] for r in requests}
    assert len(streets) >= 10 and streets <= set(zone_of) | {"Old Mill Rd"}
    assert {r["status"] for r in requests} == {"Open", "Closed"}


def test_permits_and_the_budget_have_their_columns(generated: Path) -> None:
    permits = list(csv.DictReader(io.StringIO((generated / "building-permits.csv").read_text())))
    assert 2000 <= len(permits) <= 5000 and float(permits[0]["valuation"]) > 0
    sheet = load_workbook(generated / "adopted-budget-fy2027.xlsx").active
    assert isinstance(sheet, Worksheet)
    assert sheet.cell(1, 1).value == "fund" and sheet.max_row > 50


def test_the_demo_town_is_launched_with_its_reason_recorded(demo: str, settings: Any) -> None:
    settings.BEFORE_LAUNCH = "coming-soon"
    assert selectors.launched()
    assert "is coming soon" not in Client().get("/datasets").content.decode()
    assert "not published through sign-off" in Program.objects.get().launch_override


def test_the_demo_town_has_its_inventory_shortlist_and_announcements(demo: str) -> None:
    items = InventoryItem.objects.all()
    assert 28 <= items.count() <= 35
    assert set(items.values_list("organization__slug", flat=True)) == {
        o.slug for o in Organization.objects.all()
    }
    barred = items.filter(state="not releasable")
    assert barred.count() >= 5 and all(i.reason for i in barred)
    assert items.filter(on_shortlist=True).count() == 5
    assert all(i.dataset is not None for i in items.filter(on_shortlist=True))
    shown = [a.title for a in selectors.announcements_shown()]
    assert "Our open data portal is live" in shown and len(shown) == 3
    assert Announcement.objects.filter(state="draft").exists()  # more milestones to announce


def test_the_preparing_demo_is_the_town_weeks_before_its_launch(db: Any, settings: Any) -> None:
    settings.BEFORE_LAUNCH = "coming-soon"
    call_command("demo", "--preparing", stdout=StringIO())
    assert not selectors.launched()
    assert "is coming soon" in Client().get("/datasets").content.decode()
    waiting = Change.objects.filter(status="in_review")
    assert set(waiting.values_list("dataset__slug", flat=True)) == {
        "adopted-budget-fy2027",
        "311-service-requests",
    }
    assert 14 <= InventoryItem.objects.count() <= 20
    assert InventoryItem.objects.filter(on_shortlist=True).count() == 5
    found = checklist.evaluate()
    assert not found.ready and found.percent < 100
    assert any(c.key == "dataset_published" for c in found.blocking)
