"""The inventory as the spreadsheet towns keep: import all rows or none, every problem with its
line and field, re-imports update by identifier, exports import back unchanged."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from townsquare.audit.tests.helpers import actions, last
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Invalid, PermissionDenied
from townsquare.readiness import services
from townsquare.readiness.models import InventoryItem
from townsquare.readiness.sheets import SheetError
from townsquare.readiness.tests.helpers import PERMITS, ZONING, csv_file

pytestmark = pytest.mark.django_db


def problems_of(content: bytes, actor: Any = SYSTEM, filename: str = "inventory.csv") -> set[Any]:
    with pytest.raises(Invalid) as raised:
        services.inventory_import(actor=actor, content=content, filename=filename)
    return {(p["line"], p["field"]) for p in raised.value.problems}


def test_an_import_creates_the_items_with_their_department_steward_and_factors(
    public_works: Any, steward: Any
) -> None:
    kept = [*ZONING[:3], "steward", *ZONING[4:]]
    imported = services.inventory_import(
        actor=SYSTEM, content=csv_file([kept, PERMITS]), filename="inventory.csv"
    )
    assert imported.created == ["PW-001", "PW-002"]
    zoning = InventoryItem.objects.get(identifier="PW-001")
    assert zoning.organization == public_works and zoning.steward == steward
    assert (zoning.update_frequency, zoning.public_requests, zoning.transparency) == (
        "R/P1Y",
        12,
        3,
    )
    assert InventoryItem.objects.get(identifier="PW-002").state == "shortlisted"  # by its name
    assert last("inventory.imported").after == {
        "file": "inventory.csv",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert actions().count("inventory_item.created") == 2


def test_a_re_import_updates_by_identifier_instead_of_duplicating(public_works: Any) -> None:
    services.inventory_import(actor=SYSTEM, content=csv_file([ZONING, PERMITS]), filename="a.csv")
    changed = [*PERMITS[:8], 40, 2]
    again = services.inventory_import(
        actor=SYSTEM, content=csv_file([ZONING, changed]), filename="a.csv"
    )
    assert (again.created, again.updated, again.unchanged) == ([], ["PW-002"], ["PW-001"])
    assert InventoryItem.objects.count() == 2
    assert InventoryItem.objects.get(identifier="PW-002").public_requests == 40
    event = last("inventory_item.updated")
    assert event.before == {"public_requests": 4} and event.after == {"public_requests": 40}


def test_every_bad_row_is_reported_with_its_line_and_field_and_nothing_is_imported(
    public_works: Any,
) -> None:
    rows = [
        ZONING,  # line 2: good, and still not imported
        ["PW-003", "", "public-works", "", "", "", "", "", "", ""],  # no title
        ["PW-004", "Trees", "forestry", "", "", "", "", "", "", ""],  # unknown department
        ["PW-005", "Roads", "public-works", "nobody", "weekly", "", "", "", "many", 5],
        ["PW-006", "Jail roster", "public-works", "", "", "hidden", "", "not releasable", "", ""],
        ["PW-001", "Zoning again", "public-works", "", "", "", "", "", "", ""],  # duplicate
        ["PW-007", "Payroll", "public-works", "", "", "non-public", "", "", "", ""],  # no reason
    ]
    assert problems_of(csv_file(rows)) == {
        (3, "title"),
        (4, "department"),
        (5, "steward"),
        (5, "public_requests"),
        (5, "transparency"),
        (6, "access_level"),
        (7, "identifier"),
        (8, "reason"),
    }
    assert not InventoryItem.objects.exists()


def test_model_rules_are_reported_as_row_problems(public_works: Any) -> None:
    rows = [
        ["PW-005", "Roads", "public-works", "", "every week", "", "", "", "", ""],
        ["PW-006", "Jail roster", "public-works", "", "", "", "", "not releasable", "", ""],
        ["PW-008", "Parcels", "public-works", "", "", "", "", "published", "", ""],
    ]
    assert problems_of(csv_file(rows)) == {
        (2, "update_frequency"),
        (3, "reason"),
        (4, "dataset"),
    }


def test_the_header_is_checked_before_any_row(public_works: Any) -> None:
    content = csv_file([["PW-1", "Roads", "x"]], header=["identifier", "titel", "steward"])
    assert problems_of(content) == {(1, "titel"), (1, "title"), (1, "department")}


def test_a_file_that_is_no_inventory_says_so(public_works: Any) -> None:
    for content, filename in ((b"", "a.csv"), (b"PK\x03\x04broken", "a.xlsx")):
        with pytest.raises(SheetError):
            services.inventory_import(actor=SYSTEM, content=content, filename=filename)


def test_stewards_keep_only_their_departments_items(
    public_works: Any, parks: Any, steward: Any
) -> None:
    parks_row = ["PK-001", "Park trees", "parks", "", "", "", "", "", "", ""]
    assert problems_of(csv_file([ZONING, parks_row]), actor=steward) == {(3, "department")}
    services.inventory_import(actor=SYSTEM, content=csv_file([parks_row]), filename="a.csv")
    moved = ["PK-001", "Park trees", "public-works", "", "", "", "", "", "", ""]
    assert problems_of(csv_file([moved]), actor=steward) == {(2, "identifier")}
    services.inventory_import(actor=steward, content=csv_file([ZONING]), filename="a.csv")
    exported = services.inventory_export(actor=steward, file_format="csv").decode()
    assert "PW-001" in exported and "PK-001" not in exported


def test_outsiders_neither_import_nor_export(public_works: Any, outsider: Any) -> None:
    assert problems_of(csv_file([ZONING]), actor=outsider) == {(2, "department")}
    with pytest.raises(PermissionDenied):
        services.inventory_export(actor=outsider, file_format="csv")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(
    public_works: Any, steward: Any, file_format: str
) -> None:
    services.inventory_import(actor=SYSTEM, content=csv_file([ZONING, PERMITS]), filename="a.csv")
    exported = services.inventory_export(actor=SYSTEM, file_format=file_format)
    again = services.inventory_import(
        actor=SYSTEM, content=exported, filename=f"inventory.{file_format}"
    )
    assert sorted(again.unchanged) == ["PW-001", "PW-002"] and not again.updated


def test_an_xlsx_inventory_imports_with_its_numbers_and_any_header_case(public_works: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Identifier", "Title", "Department", "Public requests", "Risk resolved"])
    sheet.append(["PW-010", "Street lights", "Public Works", 7, "yes"])
    sheet.append([None, None, None, None, None])  # a blank row is skipped
    out = io.BytesIO()
    workbook.save(out)
    services.inventory_import(actor=SYSTEM, content=out.getvalue(), filename="inventory.xlsx")
    item = InventoryItem.objects.get(identifier="PW-010")
    assert item.public_requests == 7 and item.risk_resolved


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_is_exported_as_text_and_imports_back(
    public_works: Any, file_format: str
) -> None:
    row = [
        "PW-001",
        '=HYPERLINK("http://evil.example")',
        "public-works",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    services.inventory_import(actor=SYSTEM, content=csv_file([row]), filename="a.csv")
    exported = services.inventory_export(actor=SYSTEM, file_format=file_format)
    if file_format == "csv":
        assert b"'=HYPERLINK" in exported
    else:
        sheet = load_workbook(io.BytesIO(exported)).active
        assert sheet is not None and sheet.cell(2, 2).data_type == "s"
    again = services.inventory_import(actor=SYSTEM, content=exported, filename=f"x.{file_format}")
    assert again.unchanged == ["PW-001"]
    assert InventoryItem.objects.get().title == '=HYPERLINK("http://evil.example")'


def test_a_workbook_that_would_unpack_too_far_is_refused_before_reading(
    public_works: Any,
) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024**2))
    with pytest.raises(SheetError, match="unpack to more than 100 MB"):
        services.inventory_import(actor=SYSTEM, content=out.getvalue(), filename="big.xlsx")
