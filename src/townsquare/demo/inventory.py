"""Alder Falls' inventory: every data asset the four departments hold, as the spreadsheet the
town keeps (imported through the same service a coordinator's upload uses). The six datasets
on the portal are in it, with the five it launched with on the shortlist; some assets can never
be released, each with its reason."""

from __future__ import annotations

import csv
import io
from typing import Any

# identifier, title, department, steward, source system, format, update frequency,
# access level, reason, reason note, privacy, state, dataset, then the factors: public
# requests, failed searches, records requests, transparency, services, economic, purpose,
# effort, sensitivity, source quality risk.
HEADER = [
    "identifier",
    "title",
    "department",
    "steward",
    "source_system",
    "format",
    "update_frequency",
    "access_level",
    "reason",
    "reason_note",
    "privacy",
    "license",
    "state",
    "dataset",
    "public_requests",
    "failed_searches",
    "records_requests",
    "transparency",
    "services",
    "economic",
    "purpose",
    "effort",
    "sensitivity",
    "source_quality_risk",
    "risk_resolved",
]

PL, PW, FI, TM = "planning-and-development", "public-works", "finance", "town-manager"
OPEN = ("public", "", "")

# fmt: off
ITEMS: list[tuple[Any, ...]] = [
    # Published: the five the portal launched with, and the plow routes for partners.
    ("PL-001", "Zoning districts", PL, "planner", "GIS (ArcGIS)", "GeoJSON", "R/P1Y", *OPEN,
     "none", "published", "zoning-districts", 14, 9, 3, 2, 2, 3, 3, 1, 0, 0, "no"),
    ("PL-002", "Land use parcels", PL, "planner", "Assessor's CAMA", "GeoJSON", "R/P1M",
     "restricted public", "", "Owner names are withheld; partners see the full parcels.",
     "personal", "published", "land-use-parcels", 11, 6, 4, 2, 2, 3, 3, 2, 2, 1, "yes"),
    ("PL-003", "Building permits", PL, "planner", "Permit tracking (Accela)", "CSV", "R/P1W",
     *OPEN, "personal", "published", "building-permits", 9, 5, 7, 3, 2, 2, 3, 1, 1, 1, "yes"),
    ("FI-001", "Adopted budget FY2027", FI, "budget-analyst", "Finance ERP", "XLSX", "R/P1Y",
     *OPEN, "none", "published", "adopted-budget-fy2027", 12, 4, 6, 3, 1, 1, 3, 1, 0, 0, "no"),
    ("TM-001", "311 service requests", TM, "service-desk", "311 CRM", "CSV", "R/P1D", *OPEN,
     "personal", "published", "311-service-requests", 10, 8, 2, 2, 3, 1, 3, 2, 1, 1, "yes"),
    ("PW-001", "Plow route assignments", PW, "pw-steward", "Fleet dispatch", "CSV", "R/P1W",
     "restricted public", "security", "Crew assignments change weekly; partners only.",
     "indirect", "published", "plow-route-assignments", 2, 1, 0, 1, 3, 0, 2, 1, 2, 0, "yes"),
    # Candidates, ranked by their factors.
    ("PW-002", "Street tree inventory", PW, "pw-steward", "Forestry (TreeKeeper)", "CSV",
     "R/P1Y", *OPEN, "none", "candidate", "", 6, 5, 0, 1, 2, 1, 2, 2, 0, 1, "no"),
    ("PW-003", "Pothole repairs", PW, "pw-steward", "Work orders (Cityworks)", "CSV", "R/P1W",
     *OPEN, "none", "candidate", "", 8, 7, 1, 2, 3, 0, 2, 1, 0, 1, "no"),
    ("PW-004", "Sidewalk condition survey", PW, "pw-steward", "Survey spreadsheets", "XLSX",
     "R/P2Y", *OPEN, "none", "candidate", "", 3, 2, 0, 1, 2, 0, 1, 2, 0, 2, "no"),
    ("PW-005", "Streetlight outages", PW, "pw-steward", "Work orders (Cityworks)", "CSV",
     "R/P1D", *OPEN, "none", "candidate", "", 4, 3, 0, 1, 3, 0, 1, 1, 0, 1, "no"),
    ("PW-006", "Water main breaks", PW, "pw-steward", "Utility GIS", "GeoJSON", "R/P1M",
     *OPEN, "none", "candidate", "", 2, 1, 1, 2, 2, 0, 1, 2, 1, 1, "no"),
    ("PW-007", "Snow plow GPS traces", PW, "pw-steward", "Fleet telematics", "CSV", "R/PT1H",
     "restricted public", "security", "Live positions of crews are shared with partners only.",
     "indirect", "candidate", "", 5, 4, 0, 1, 3, 0, 1, 3, 2, 1, "no"),
    ("PL-004", "Zoning variances", PL, "planner", "Board of appeals minutes", "PDF", "R/P1M",
     *OPEN, "personal", "candidate", "", 3, 2, 4, 3, 1, 1, 2, 2, 1, 2, "no"),
    ("PL-005", "Planning applications", PL, "planner", "Permit tracking (Accela)", "CSV",
     "R/P1W", *OPEN, "personal", "candidate", "", 5, 4, 3, 3, 2, 2, 2, 1, 1, 1, "no"),
    ("PL-006", "Code enforcement cases", PL, "planner", "Code enforcement (Accela)", "CSV",
     "R/P1W", *OPEN, "personal", "candidate", "", 4, 3, 6, 3, 1, 0, 2, 2, 2, 2, "no"),
    ("PL-007", "Historic district boundaries", PL, "planner", "GIS (ArcGIS)", "GeoJSON",
     "irregular", *OPEN, "none", "candidate", "", 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, "no"),
    ("FI-002", "Check register (vendor payments)", FI, "budget-analyst", "Finance ERP",
     "CSV", "R/P1M", *OPEN, "indirect", "candidate", "", 7, 3, 9, 3, 0, 1, 3, 1, 1, 1, "no"),
    ("FI-003", "Property assessments", FI, "budget-analyst", "Assessor's CAMA", "CSV", "R/P1Y",
     *OPEN, "personal", "candidate", "", 6, 5, 5, 2, 1, 2, 2, 2, 2, 1, "no"),
    ("FI-004", "Tax rates by year", FI, "budget-analyst", "Finance ERP", "CSV", "R/P1Y",
     *OPEN, "none", "candidate", "", 2, 3, 1, 2, 0, 1, 2, 0, 0, 0, "no"),
    ("FI-005", "Capital improvement projects", FI, "budget-analyst", "Capital plan (Excel)",
     "XLSX", "R/P1Y", *OPEN, "none", "candidate", "", 4, 2, 2, 3, 1, 2, 2, 1, 0, 1, "no"),
    ("TM-002", "Council meeting votes", TM, "service-desk", "Agenda management", "CSV",
     "R/P2W", *OPEN, "none", "candidate", "", 3, 2, 2, 3, 0, 0, 3, 1, 0, 0, "no"),
    ("TM-003", "Business licenses", TM, "service-desk", "Licensing (Accela)", "CSV", "R/P1M",
     *OPEN, "indirect", "candidate", "", 4, 3, 1, 1, 1, 3, 1, 1, 1, 1, "no"),
    ("TM-004", "311 call volume by hour", TM, "service-desk", "Telephony reports", "CSV",
     "R/P1M", *OPEN, "none", "candidate", "", 1, 1, 0, 1, 2, 0, 1, 1, 0, 1, "no"),
    ("TM-005", "Public records requests log", TM, "service-desk", "Records request portal",
     "CSV", "R/P1M", *OPEN, "personal", "candidate", "", 2, 1, 3, 3, 1, 0, 3, 1, 2, 1, "no"),
    # Never releasable, each with its reason.
    ("FI-006", "Employee payroll records", FI, "budget-analyst", "Payroll (ADP)", "CSV",
     "R/P2W", "non-public", "privacy", "Salaries with names, bank accounts and tax IDs.",
     "sensitive", "not releasable", "", 3, 0, 5, 2, 0, 0, 0, 2, 3, 0, "no"),
    ("PW-008", "Water utility customer accounts", PW, "pw-steward", "Utility billing", "CSV",
     "R/P1M", "non-public", "privacy", "Names, addresses and payment histories of customers.",
     "sensitive", "not releasable", "", 1, 0, 2, 1, 0, 0, 0, 2, 3, 0, "no"),
    ("TM-006", "Network and server inventory", TM, "service-desk", "IT asset management",
     "CSV", "R/P1M", "non-public", "security", "Would map the town's systems for attackers.",
     "none", "not releasable", "", 0, 0, 1, 0, 0, 0, 0, 1, 3, 0, "no"),
    ("TM-007", "Pending litigation files", TM, "service-desk", "Town attorney's files",
     "PDF", "irregular", "non-public", "legal", "Privileged while cases are open.",
     "personal", "not releasable", "", 0, 0, 3, 1, 0, 0, 0, 3, 3, 0, "no"),
    ("FI-007", "Vendor unit prices", FI, "budget-analyst", "Procurement contracts", "XLSX",
     "irregular", "non-public", "contract", "Contracts forbid disclosure until they end.",
     "none", "not releasable", "", 1, 1, 2, 2, 0, 1, 1, 1, 1, 0, "no"),
    ("PL-008", "Scanned permit files before 1990", PL, "planner", "Microfiche scans", "PDF",
     "irregular", "non-public", "quality", "Unindexed scans; too poor to read by machine.",
     "personal", "not releasable", "", 2, 2, 1, 1, 1, 0, 1, 3, 1, 3, "no"),
]
# fmt: on

# The launch shortlist: what the town launched with.
SHORTLIST = ["PL-001", "PL-002", "PL-003", "FI-001", "TM-001"]


def spreadsheet(items: list[tuple[Any, ...]] | None = None) -> bytes:
    """The inventory as the CSV file the town keeps."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in ITEMS if items is None else items:
        identifier, title, department, steward, system, fmt, frequency, *rest = row
        access, reason, note, privacy, state, dataset, *factors = rest
        license = "CC-BY-4.0" if access == "public" else ""
        writer.writerow(
            [
                identifier,
                title,
                department,
                steward,
                system,
                fmt,
                frequency,  # fmt: skip
                access,
                reason,
                note,
                privacy,
                license,
                state,
                dataset,
                *factors,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def preparing() -> list[tuple[Any, ...]]:
    """Weeks before the launch: half the inventory kept so far, and the two datasets being
    prepared not published yet."""
    waiting = {"FI-001", "TM-001"}
    kept = [row for number, row in enumerate(ITEMS) if number < 6 or number % 2 == 0]
    return [(*row[:11], "in preparation", *row[12:]) if row[0] in waiting else row for row in kept]
