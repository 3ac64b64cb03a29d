"""Inventory items one by one (API), who sees them, and an item turned into a dataset draft."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Conflict
from townsquare.readiness import services
from townsquare.readiness.models import InventoryItem
from townsquare.readiness.tests.helpers import PERMITS, ZONING, csv_file

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    secret = token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def item(identifier: str = "PW-001", **values: Any) -> InventoryItem:
    return InventoryItem.objects.create(
        identifier=identifier,
        title=values.pop("title", "Zoning districts"),
        organization=values.pop("organization"),
        **values,
    )


def test_a_steward_adds_and_changes_an_item_over_the_api(public_works: Any, steward: Any) -> None:
    client = api(steward)
    body = {"identifier": "PW-001", "title": "Zoning", "department": "public-works"}
    created = send(client, "post", "/api/v1/inventory", {**body, "transparency": 3})
    assert created.status_code == 201, created.content
    assert created.json()["transparency"] == 3 and created.json()["state"] == "candidate"
    changed = send(client, "patch", "/api/v1/inventory/PW-001", {"state": "shortlisted"})
    assert changed.status_code == 200 and changed.json()["state"] == "shortlisted"
    assert last("inventory_item.updated").after == {"state": "shortlisted"}


def test_a_bad_item_gets_every_problem_by_field(public_works: Any, steward: Any) -> None:
    client = api(steward)
    refused = send(
        client,
        "post",
        "/api/v1/inventory",
        {"identifier": "PW-001", "department": "forestry", "effort": 9, "colour": "red"},
    )
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"colour"}
    refused = send(client, "post", "/api/v1/inventory", {"identifier": "PW-001"})
    assert {e["field"] for e in refused.json()["errors"]} == {"title", "department"}
    refused = send(
        client,
        "post",
        "/api/v1/inventory",
        {"identifier": "PW-001", "title": "Roads", "department": "forestry", "effort": 9},
    )
    assert {e["field"] for e in refused.json()["errors"]} == {"department", "effort"}
    item(organization=public_works)
    renamed = send(client, "patch", "/api/v1/inventory/PW-001", {"identifier": "PW-9"})
    assert renamed.status_code == 400 and renamed.json()["errors"][0]["field"] == "identifier"
    assert not InventoryItem.objects.filter(identifier="PW-9").exists()


def test_members_see_their_departments_items_and_coordinators_all(
    public_works: Any, parks: Any, viewer: Any, coordinator: Any, outsider: Any
) -> None:
    item(organization=public_works)
    item("PK-001", organization=parks, title="Park trees")
    listed = [i["identifier"] for i in api(viewer).get("/api/v1/inventory").json()]
    assert listed == ["PW-001"]
    everything = api(coordinator).get("/api/v1/inventory").json()
    assert {i["identifier"] for i in everything} == {"PW-001", "PK-001"}
    assert api(viewer).get("/api/v1/inventory/PK-001").status_code == 404
    assert api(outsider).get("/api/v1/inventory").status_code == 403
    assert Client().get("/api/v1/inventory").status_code in (401, 403)
    refused = send(api(viewer), "patch", "/api/v1/inventory/PW-001", {"title": "Mine"})
    assert refused.status_code == 403


def test_the_import_endpoint_lists_each_problem_with_its_line(
    public_works: Any, steward: Any
) -> None:
    bad = csv_file([ZONING, ["PW-002", "", "public-works", "", "", "", "", "", "", ""]])
    client = api(steward)
    refused = client.post("/api/v1/inventory/import", {"file": _upload(bad)})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"line": 3, "field": "title", "message": "The title is required."}
    ]
    assert not InventoryItem.objects.exists()
    done = client.post("/api/v1/inventory/import", {"file": _upload(csv_file([ZONING, PERMITS]))})
    assert done.status_code == 200 and done.json()["created"] == ["PW-001", "PW-002"]
    exported = client.get("/api/v1/inventory/export.xlsx")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/api/v1/inventory/export.csv").content.startswith(b"identifier,title,")


def _upload(content: bytes) -> Any:
    return SimpleUploadedFile("inventory.csv", content, content_type="text/csv")


def test_an_item_becomes_a_dataset_draft_with_its_metadata(public_works: Any, steward: Any) -> None:
    found = item(
        organization=public_works,
        description="Where each zone is.",
        steward=steward,
        license="CC-BY-4.0",
        update_frequency="R/P1Y",
        state="shortlisted",
    )
    made = api(steward).post("/api/v1/inventory/PW-001/draft")
    assert made.status_code == 201, made.content
    dataset = Dataset.objects.get(slug=made.json()["dataset"])
    assert dataset.state == "draft" and dataset.organization == public_works
    assert (dataset.title, dataset.description) == ("Zoning districts", "Where each zone is.")
    assert (dataset.license, dataset.accrual_periodicity) == ("CC-BY-4.0", "R/P1Y")
    assert dataset.contact_email == steward.email or dataset.contact_email == "pw@town.example"
    found.refresh_from_db()
    assert found.dataset == dataset and found.state == "in preparation"
    assert last("inventory_item.drafted").after == {
        "state": "in preparation",
        "dataset": dataset.slug,
    }
    with pytest.raises(Conflict, match="already has its dataset"):
        services.inventory_item_draft(actor=steward, item=found)


def test_an_item_that_cannot_be_released_makes_no_draft(public_works: Any, steward: Any) -> None:
    found = item(organization=public_works, state="not releasable", reason="privacy")
    assert api(steward).post("/api/v1/inventory/PW-001/draft").status_code == 409
    found.refresh_from_db()
    assert found.dataset is None and not Dataset.objects.exists()


def test_the_command_line_imports_reports_bad_rows_and_exports(
    public_works: Any, tmp_path: Any
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([ZONING, ["PW-002", "Trees", "forestry", "", "", "", "", "", "", ""]]))
    errors = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("inventory", "import", str(bad), stderr=errors)
    assert "bad.csv: line 3, department: There is no department 'forestry'." in errors.getvalue()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([ZONING, PERMITS]))
    out = StringIO()
    call_command("inventory", "import", str(good), stdout=out)
    assert "2 created, 0 updated, 0 unchanged" in out.getvalue()
    exported = StringIO()
    call_command("inventory", "export", stdout=exported)
    assert exported.getvalue().splitlines()[0].startswith("identifier,title,description")
    target = tmp_path / "inventory.xlsx"
    call_command("inventory", "export", "--format", "xlsx", "--output", str(target), stdout=out)
    again = services.inventory_import(actor=SYSTEM, content=target.read_bytes(), filename="x.xlsx")
    assert sorted(again.unchanged) == ["PW-001", "PW-002"]
