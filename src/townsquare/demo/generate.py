"""Deterministic files for the demo town of Alder Falls: the same bytes on every run.

Every generator takes the folder to write into and returns the file's path. Randomness comes
from ``random.Random`` seeded per file; dates count from a fixed day, not from today.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from townsquare.demo import geography

REFERENCE_DAY = date(2026, 10, 31)
FIXED_TIME = datetime(2026, 10, 31, 12, 0, 0)
EAST_WEST_STREETS = geography.EAST_WEST

ZONES = {
    "R-1": "Single-family residential",
    "R-2": "Two-family residential",
    "R-3": "Multi-family residential",
    "C-1": "Neighborhood commercial",
    "C-2": "General commercial",
    "MU": "Mixed use downtown",
    "I-1": "Light industrial",
    "P": "Parks and open space",
}
LAND_USE_BY_ZONE = {
    "R-1": ["Single-family home"] * 9 + ["Vacant residential"],
    "R-2": ["Two-family home"] * 5 + ["Single-family home"] * 3 + ["Vacant residential"],
    "R-3": ["Apartment building"] * 5 + ["Townhouses"] * 3 + ["Two-family home"],
    "C-1": ["Retail"] * 4 + ["Office"] * 2 + ["Restaurant"] * 2 + ["Vacant commercial"],
    "C-2": ["Retail"] * 3 + ["Auto services"] * 2 + ["Office"] * 2 + ["Warehouse"],
    "MU": ["Mixed use"] * 4 + ["Retail"] * 2 + ["Apartment building"] * 2 + ["Office"],
    "I-1": ["Manufacturing"] * 3 + ["Warehouse"] * 3 + ["Utility"],
    "P": ["Park"] * 4 + ["School"] + ["Civic building"],
}


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def zoning_districts(folder: Path) -> Path:
    features = []
    for number, (code, shape) in enumerate(geography.districts(), start=1):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "district_id": f"ZD-{number:02d}",
                    "zone_code": code,
                    "zone_name": ZONES[code],
                    "area_acres": round(shape.area / 4046.86, 1),
                    "ordinance": "Ord. 2019-14" if code != "MU" else "Ord. 2023-02",
                    "effective_date": "2019-07-01" if code != "MU" else "2023-03-15",
                },
                "geometry": {"type": "Polygon", "coordinates": geography.ring(shape)},
            }
        )
    return _write_json(
        folder / "zoning-districts.geojson", {"type": "FeatureCollection", "features": features}
    )


def _parcels() -> list[dict[str, Any]]:
    """Land-use parcels: the lots of the town's blocks, each with its address on the nearest
    street, its use by its zone, and its size as cut."""
    rng = random.Random(1857)
    parcels = []
    numbers: dict[int, int] = {}
    for lot in geography.lots():
        centre = lot.shape.representative_point()
        street = geography.nearest_street(centre.x, centre.y)
        use = rng.choice(LAND_USE_BY_ZONE[lot.zone])
        built = None if use.startswith("Vacant") or use == "Park" else rng.randint(1890, 2024)
        area = lot.shape.area * 10.7639
        value = 0 if use.startswith("Vacant") else round(area * rng.uniform(18, 95), -3)
        numbers[lot.block] = numbers.get(lot.block, 0) + 1
        parcels.append(
            {
                "parcel_id": f"{lot.block + 1:03d}-{numbers[lot.block]:03d}",
                "address": f"{geography.house_number(street, centre.x, centre.y)} {street.name}",
                "land_use": use,
                "zone_code": lot.zone,
                "lot_area_sqft": round(area),
                "assessed_value": int(value),
                "year_built": built,
                "owner_type": "Public"
                if lot.zone == "P" or use in ("School", "Utility", "Civic building")
                else "Private",
                "_shape": lot.shape,
                "_centre": (centre.x, centre.y),
            }
        )
    return parcels


def land_use_parcels(folder: Path) -> Path:
    features = []
    for parcel in _parcels():
        properties = {k: v for k, v in parcel.items() if not k.startswith("_")}
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": geography.ring(parcel["_shape"])},
            }
        )
    return _write_json(
        folder / "land-use-parcels.geojson", {"type": "FeatureCollection", "features": features}
    )


# Where people live and work, for where permits and 311 requests come from.
PEOPLE = {"R-1": 2.0, "R-2": 3.0, "R-3": 7.0, "MU": 6.0, "C-1": 2.5, "C-2": 1.5, "I-1": 0.6,
          "P": 0.8}  # fmt: skip
BUILDING = {"R-1": 3.0, "R-2": 3.0, "R-3": 2.0, "MU": 3.0, "C-1": 2.0, "C-2": 1.5, "I-1": 1.0,
            "P": 0.2}  # fmt: skip


PERMIT_TYPES = [
    ("Building", "New construction", 3, (150_000, 900_000)),
    ("Building", "Addition", 6, (20_000, 180_000)),
    ("Building", "Alteration", 14, (5_000, 120_000)),
    ("Electrical", "Service upgrade", 12, (1_500, 15_000)),
    ("Plumbing", "Water heater", 10, (800, 4_000)),
    ("Mechanical", "Furnace replacement", 9, (3_000, 14_000)),
    ("Roofing", "Re-roof", 11, (6_000, 35_000)),
    ("Demolition", "Garage", 2, (2_000, 12_000)),
    ("Sign", "Wall sign", 3, (500, 6_000)),
    ("Fence", "Residential fence", 8, (1_000, 9_000)),
]
CONTRACTORS = [
    "Alder Builders LLC",
    "Northwoods Electric",
    "Falls Plumbing & Heating",
    "Riverside Roofing",
    "Owner",
    "Badger Mechanical",
    "Prairie Construction Co",
    "Kettle Signs",
    "Owner",
    "Millrace Remodeling",
]


PERMIT_COLUMNS = [
    "permit_number",
    "issued_date",
    "permit_type",
    "work_class",
    "status",
    "address",
    "parcel_id",
    "zone_code",
    "valuation",
    "fee",
    "contractor",
    "latitude",
    "longitude",
    "description",
]


def building_permits(folder: Path, rows: int = 3200) -> Path:
    rng = random.Random(2026)
    parcels = [p for p in _parcels() if not p["land_use"].startswith(("Park", "Vacant"))]
    where = list(itertools.accumulate(BUILDING[p["zone_code"]] for p in parcels))
    path = folder / "building-permits.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PERMIT_COLUMNS)
        for n in range(rows):
            writer.writerow(_permit(rng, n, parcels, where))
    return path


def _permit(
    rng: random.Random, n: int, parcels: list[dict[str, Any]], where: list[float]
) -> list[Any]:
    weights = [weight for _, _, weight, _ in PERMIT_TYPES]
    kind, work, _, (low, high) = rng.choices(PERMIT_TYPES, weights=weights)[0]
    parcel = rng.choices(parcels, cum_weights=where)[0]
    issued = REFERENCE_DAY - timedelta(days=int(rng.triangular(0, 4 * 365, 0)))
    age = (REFERENCE_DAY - issued).days
    status = "Finaled" if age > 200 else rng.choice(["Issued", "Issued", "Inspections", "Finaled"])
    valuation = round(rng.uniform(low, high), -2)
    lon, lat = geography.lon_lat(*parcel["_centre"])
    return [
        f"BP-{issued.year}-{n + 1:05d}",
        issued.isoformat(),
        kind,
        work,
        status,
        parcel["address"],
        parcel["parcel_id"],
        parcel["zone_code"],
        f"{valuation:.2f}",
        f"{max(50.0, round(valuation * 0.012, 2)):.2f}",
        rng.choice(CONTRACTORS),
        lat,
        lon,
        f"{work} at {parcel['land_use'].lower()}",
    ]


BUDGET_LINES = {
    ("General Fund", "Police Department"): [
        ("Patrol", 2_450_000),
        ("Investigations", 610_000),
        ("Dispatch", 420_000),
    ],
    ("General Fund", "Fire and Rescue"): [
        ("Suppression", 1_880_000),
        ("Emergency medical services", 940_000),
        ("Fire prevention", 180_000),
    ],
    ("General Fund", "Public Works"): [
        ("Streets", 1_320_000),
        ("Snow and ice control", 410_000),
        ("Fleet maintenance", 365_000),
        ("Forestry", 210_000),
    ],
    ("General Fund", "Parks and Recreation"): [
        ("Parks maintenance", 690_000),
        ("Recreation programs", 355_000),
        ("Aquatic center", 240_000),
    ],
    ("General Fund", "Planning and Development"): [
        ("Planning", 385_000),
        ("Building inspection", 445_000),
    ],
    ("General Fund", "Finance"): [
        ("Accounting", 410_000),
        ("Assessor", 275_000),
        ("Treasurer", 190_000),
    ],
    ("General Fund", "Town Manager"): [
        ("Administration", 520_000),
        ("Clerk and elections", 240_000),
        ("Information technology", 610_000),
    ],
    ("Library Fund", "Public Library"): [("Library services", 870_000), ("Collections", 160_000)],
    ("Water Utility", "Public Works"): [("Water treatment", 1_450_000), ("Distribution", 980_000)],
    ("Sewer Utility", "Public Works"): [
        ("Wastewater treatment", 1_720_000),
        ("Collection system", 640_000),
    ],
    ("Capital Projects Fund", "Public Works"): [
        ("Street reconstruction", 2_900_000),
        ("Bridge repairs", 1_150_000),
    ],
}
CATEGORIES = [
    ("Personnel", "Salaries and wages", 0.55),
    ("Personnel", "Benefits", 0.2),
    ("Operating", "Supplies and services", 0.17),
    ("Operating", "Utilities", 0.04),
    ("Capital", "Equipment", 0.04),
]


BUDGET_COLUMNS = [
    "fund",
    "department",
    "division",
    "account",
    "category",
    "line_item",
    "fy2026_adopted",
    "fy2027_adopted",
    "change_percent",
]


def _budget_rows(rng: random.Random) -> list[list[Any]]:
    """One row per budget line: each division's total shared among the categories."""
    rows, account = [], 5100
    for (fund, department), divisions in BUDGET_LINES.items():
        for division, total in divisions:
            lines = [("Capital", "Construction", 1.0)] if fund == "Capital Projects Fund" else None
            for category, line_item, share in lines or CATEGORIES:
                previous = round(total * share * rng.uniform(0.9, 1.0), -2)
                adopted = round(previous * rng.uniform(0.97, 1.07), -2)
                change = round((adopted - previous) / previous * 100, 1) if previous else 0.0
                code = f"{account}-{len(line_item):02d}"
                rows.append(
                    [fund, department, division, code, category, line_item, previous, adopted]
                    + [change]
                )
            account += 10
    return rows


def adopted_budget(folder: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Adopted budget FY2027"
    sheet.append(BUDGET_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _budget_rows(random.Random(2027)):
        sheet.append(row)
    sheet2 = workbook.create_sheet("Notes")
    sheet2.append(["Adopted by the Town Council on 12 November 2026 (Resolution 2026-41)."])
    sheet2.append(["Amounts in US dollars. Fiscal year 2027 runs 1 January to 31 December 2027."])
    for properties in (workbook.properties,):
        properties.created = FIXED_TIME
        properties.modified = FIXED_TIME
        properties.creator = "Alder Falls Finance Department"
    path = folder / "adopted-budget-fy2027.xlsx"
    workbook.save(path)
    _make_reproducible(path)
    return path


def _make_reproducible(path: Path) -> None:
    """openpyxl stamps the zip members and the document's "modified" property with the time
    of saving; rewrite both fixed so the file's bytes (and checksum) are the same every run."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    fixed = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


REQUEST_TYPES = [
    ("Streets", "Pothole", 18, 6),
    ("Streets", "Street light out", 9, 9),
    ("Streets", "Sidewalk repair", 4, 40),
    ("Snow", "Unplowed street", 7, 2),
    ("Snow", "Icy sidewalk", 4, 3),
    ("Sanitation", "Missed garbage pickup", 14, 2),
    ("Sanitation", "Missed recycling pickup", 9, 2),
    ("Sanitation", "Bulk item pickup", 8, 7),
    ("Forestry", "Tree trimming", 5, 30),
    ("Forestry", "Fallen branch", 5, 4),
    ("Water", "Water main break", 1, 1),
    ("Water", "Low pressure", 2, 5),
    ("Parks", "Playground damage", 2, 12),
    ("Code enforcement", "Tall grass", 6, 14),
    ("Code enforcement", "Abandoned vehicle", 3, 10),
    ("Animals", "Dead animal removal", 3, 2),
    ("Graffiti", "Graffiti removal", 3, 8),
]
CHANNELS = ["Phone"] * 5 + ["Web"] * 4 + ["Mobile app"] * 3 + ["Walk-in"]


SERVICE_REQUEST_COLUMNS = [
    "request_id",
    "opened_at",
    "closed_at",
    "status",
    "category",
    "request_type",
    "channel",
    "block_address",
    "ward",
    "latitude",
    "longitude",
    "days_to_close",
]


def service_requests(folder: Path, rows: int = 40_000) -> Path:
    rng = random.Random(311)
    lots = geography.lots()
    people = list(itertools.accumulate(PEOPLE[lot.zone] * lot.shape.area for lot in lots))
    blocks = [_block_of(lot) for lot in lots]
    start = datetime(2023, 1, 1, 7, 0)
    span_minutes = int(
        (datetime.combine(REFERENCE_DAY, datetime.min.time()) - start).total_seconds() // 60
    )
    path = folder / "311-service-requests.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SERVICE_REQUEST_COLUMNS)
        opened_times = sorted(
            start + timedelta(minutes=rng.randrange(span_minutes)) for _ in range(rows)
        )
        for n, opened in enumerate(opened_times):
            writer.writerow(_service_request(rng, n, opened, lots, people, blocks))
    return path


def _block_of(lot: Any) -> str:
    """A lot's "100 block of Main St", from its nearest street."""
    centre = lot.shape.representative_point()
    street = geography.nearest_street(centre.x, centre.y)
    number = geography.house_number(street, centre.x, centre.y) // 100 * 100
    return f"{number} block of {street.name}"


def _service_request(
    rng: random.Random,
    n: int,
    opened: datetime,
    lots: Sequence[Any],
    people: list[float],
    blocks: list[str],
) -> list[Any]:
    weights = [weight for _, _, weight, _ in REQUEST_TYPES]
    category, kind, _, typical_days = rng.choices(REQUEST_TYPES, weights=weights)[0]
    if category == "Snow" and opened.month not in (11, 12, 1, 2, 3):
        category, kind, typical_days = "Streets", "Pothole", 6
    index = rng.choices(range(len(lots)), cum_weights=people)[0]
    x0, y0, x1, y1 = lots[index].shape.bounds
    x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
    lon, lat = geography.lon_lat(x, y)
    days = round(rng.expovariate(1 / typical_days), 1)
    closed = opened + timedelta(days=days)
    is_open = closed.date() > REFERENCE_DAY
    return [
        f"SR-{opened.year}-{n + 1:06d}",
        opened.isoformat(timespec="minutes"),
        "" if is_open else closed.isoformat(timespec="minutes"),
        "Open" if is_open else "Closed",
        category,
        kind,
        rng.choice(CHANNELS),
        blocks[index],
        f"Ward {1 + min(int(x // 800), 3)}",
        round(lat, 4),
        round(lon, 4),
        "" if is_open else days,
    ]


def plow_routes(folder: Path) -> Path:
    """Snow plow routes and the crews assigned to them (internal scheduling)."""
    rng = random.Random(1888)
    path = folder / "plow-route-assignments.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["route", "street", "priority", "crew", "truck", "shift"])
        for number, street in enumerate(EAST_WEST_STREETS, start=1):
            writer.writerow(
                [
                    f"R{number:02d}",
                    street,
                    1 if number <= 3 else 2,
                    f"Crew {rng.randint(1, 6)}",
                    f"T-{rng.randint(10, 40)}",
                    rng.choice(["day", "night"]),
                ]
            )
    return path


GENERATORS: dict[str, Callable[[Path], Path]] = {
    "zoning-districts": zoning_districts,
    "land-use-parcels": land_use_parcels,
    "building-permits": building_permits,
    "adopted-budget-fy2027": adopted_budget,
    "311-service-requests": service_requests,
    "plow-route-assignments": plow_routes,
}
