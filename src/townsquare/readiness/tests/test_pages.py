"""The launch program's pages: the inventory, an item, the import with its problems by line,
the export, and the priorities with the shortlist — for each role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.catalog.models import Dataset
from townsquare.readiness.models import InventoryItem
from townsquare.readiness.tests.helpers import PERMITS, ZONING, csv_file

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item(organization: Any, identifier: str = "PW-001", **values: Any) -> InventoryItem:
    return InventoryItem.objects.create(
        identifier=identifier,
        title=values.pop("title", "Zoning districts"),
        organization=organization,
        **values,
    )


def form(**overrides: Any) -> dict[str, Any]:
    values = {
        "identifier": "PW-001",
        "title": "Zoning districts",
        "department": "public-works",
        "access_level": "public",
        "privacy": "none",
        "state": "candidate",
        "public_requests": 4,
        "failed_searches": 0,
        "records_requests": 0,
        "transparency": 2,
        "services": 0,
        "economic": 0,
        "purpose": 3,
        "effort": 1,
        "sensitivity": 0,
        "source_quality_risk": 0,
    }
    return {**values, **overrides}


def test_the_menu_offers_the_program_to_members_and_coordinators_only(
    public_works: Any, viewer: Any, coordinator: Any, outsider: Any
) -> None:
    assert "Program</a>" in signed_in(viewer).get("/").content.decode()
    assert "Program</a>" in signed_in(coordinator).get("/").content.decode()
    assert "Program</a>" not in signed_in(outsider).get("/").content.decode()
    assert signed_in(outsider).get("/program/inventory").status_code == 403
    assert Client().get("/program/inventory").status_code == 302  # sign in first


def test_a_steward_adds_an_item_on_the_page_and_a_bad_one_is_kept_with_its_errors(
    public_works: Any, steward: Any
) -> None:
    client = signed_in(steward)
    refused = client.post("/program/inventory/new", form(update_frequency="every week"))
    assert refused.status_code == 200 and "ISO 8601" in refused.content.decode()
    assert not InventoryItem.objects.exists()
    added = client.post("/program/inventory/new", form())
    assert added.status_code == 302 and added["Location"] == "/program/inventory/PW-001"
    assert InventoryItem.objects.get().purpose == 3
    page = client.get("/program/inventory").content.decode()
    assert "Zoning districts" in page and "Import a spreadsheet" in page


def test_a_steward_edits_an_item_and_a_viewer_only_reads_it(
    public_works: Any, steward: Any, viewer: Any
) -> None:
    item(public_works)
    saved = signed_in(steward).post(
        "/program/inventory/PW-001",
        form(access_level="non-public", reason="privacy", reason_note="Names residents."),
    )
    assert saved.status_code == 302
    assert InventoryItem.objects.get().access_level == "non-public"
    page = signed_in(viewer).get("/program/inventory/PW-001").content.decode()
    assert "Names residents." in page and '<form method="post" class="stacked">' not in page
    signed_in(viewer).post("/program/inventory/PW-001", form(title="Changed"))
    assert InventoryItem.objects.get().title == "Zoning districts"


def test_an_import_on_the_page_lists_each_problem_by_line_and_imports_nothing(
    public_works: Any, steward: Any
) -> None:
    client = signed_in(steward)
    bad = csv_file([ZONING, ["PW-002", "Trees", "forestry", "", "", "", "", "", "", ""]])
    page = client.post(
        "/program/inventory/import", {"file": SimpleUploadedFile("inv.csv", bad)}
    ).content.decode()
    assert "nothing was imported" in page
    assert (
        "<td>3</td><td>department</td><td>There is no department &#x27;forestry&#x27;.</td>" in page
    )
    assert not InventoryItem.objects.exists()
    done = client.post(
        "/program/inventory/import",
        {"file": SimpleUploadedFile("inv.csv", csv_file([ZONING, PERMITS]))},
        follow=True,
    )
    assert "2 created, 0 updated, 0 unchanged" in done.content.decode()
    exported = client.get("/program/inventory/export.csv")
    assert exported["Content-Disposition"] == 'attachment; filename="inventory.csv"'
    assert b"PW-002" in exported.content


def test_an_item_becomes_a_draft_from_its_page(public_works: Any, steward: Any) -> None:
    item(public_works, description="Where each zone is.")
    client = signed_in(steward)
    assert (
        "Start its dataset as a draft" in client.get("/program/inventory/PW-001").content.decode()
    )
    made = client.post("/program/inventory/PW-001/draft")
    dataset = Dataset.objects.get()
    assert made["Location"] == f"/datasets/{dataset.slug}/edit" and dataset.state == "draft"
    assert "Start its dataset" not in client.get("/program/inventory/PW-001").content.decode()


def test_the_coordinator_ranks_weighs_and_shortlists_on_the_priorities_page(
    public_works: Any, coordinator: Any, steward: Any
) -> None:
    item(public_works, public_requests=12)
    item(public_works, "PW-002", title="Payroll", sensitivity=3)
    client = signed_in(coordinator)
    page = client.get("/program/priorities").content.decode()
    assert page.index("Zoning districts") < page.index("Payroll")
    assert "+9.0 public requests and nominations (12, weight 3)" in page
    client.post("/program/inventory/PW-002/shortlist", {"on": "yes", "back": "priorities"})
    page = client.get("/program/priorities").content.decode()
    assert "Payroll has a risk nobody marked as handled" in page
    weights = {
        "shortlist_target": 3,
        "min_score": 70,
        "review_months": 12,
        **{
            k: 1
            for k in (
                "public_requests",
                "failed_searches",
                "records_requests",
                "transparency",
                "services",
                "economic",
                "purpose",
                "effort",
                "source_quality_risk",
            )
        },
    }
    refused = client.post("/program/priorities", {**weights, "sensitivity": 11})
    assert refused.status_code == 200 and "less than or equal to 10" in refused.content.decode()
    assert client.post("/program/priorities", {**weights, "sensitivity": 5}).status_code == 302
    steward_page = signed_in(steward).get("/program/priorities").content.decode()
    assert "Coordinators set the weights." in steward_page and "Sensitivity: 5" in steward_page
    assert (
        signed_in(steward).post("/program/priorities", {**weights, "sensitivity": 0}).status_code
        == 403
    )


def test_the_program_page_charts_the_plan_and_each_departments_progress(
    public_works: Any, parks: Any, coordinator: Any, steward: Any, outsider: Any
) -> None:
    item(public_works, state="published", on_shortlist=True, dataset=None, reason="")
    item(public_works, "PW-002", title="Potholes", on_shortlist=True, state="in preparation")
    item(public_works, "PW-003", title="Payroll", state="not releasable", reason="privacy")
    client = Client()
    client.force_login(coordinator)
    page = client.get("/program").content.decode()
    assert 'aria-label="published: 1 of 2; in preparation: 1 of 2; not started: 0 of 2"' in page
    assert "3 items in the inventory (2 releasable, 0 verified with the working group)" in page
    assert "<strong>No lead</strong>" in page  # Parks has no steward
    assert signed_in(steward).get("/program").status_code == 200
    assert signed_in(outsider).get("/program").status_code == 403


def test_long_lists_come_in_pages_of_a_hundred(public_works: Any, coordinator: Any) -> None:
    InventoryItem.objects.bulk_create(
        InventoryItem(
            identifier=f"PW-{n:03d}",
            title=f"Item {n:03d}",
            organization=public_works,
            public_requests=200 - n,
        )
        for n in range(150)
    )
    client = signed_in(coordinator)
    first = client.get("/program/priorities").content.decode()
    assert "Item 000" in first and "Item 120" not in first and "Page 1 of 2" in first
    second = client.get("/program/priorities?page=2").content.decode()
    assert "Item 120" in second and "Item 000" not in second
    listed = client.get("/program/inventory?page=2").content.decode()
    assert "150 items." in listed and "Item 149" in listed
