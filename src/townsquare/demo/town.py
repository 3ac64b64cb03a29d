"""Alder Falls, the fictional town of the demo: its departments, datasets and purpose."""

from __future__ import annotations

from typing import Any

from townsquare.demo.geography import HEIGHT, WIDTH, lon_lat

WEST, SOUTH = lon_lat(0, 0)
EAST, NORTH = lon_lat(WIDTH, HEIGHT)
BBOX = f"{WEST},{SOUTH},{EAST},{NORTH}"

PURPOSE_TITLE = "Open data for Alder Falls"
PURPOSE = """\
Alder Falls shares the data it collects so that residents can see how their town works,
hold it to account, and build on it.

- **Transparency**: the budget, permits and service requests, as the town itself sees them.
- **Better services**: departments use the same data to plan snow routes, inspections and repairs.
- **Engagement**: residents, journalists and local businesses can ask questions and reuse the data.

We start with five datasets residents asked for most, publish each with a named contact, and
keep them current on the schedule each one states. Personal information is never published.
"""

POLICY_TITLE = "Alder Falls data governance policy"
POLICY = """\
This policy says how Alder Falls decides what data to publish, keeps it right, and keeps it
current. It applies to every department that publishes on the portal.

## Adding a dataset
1. The department's data steward prepares the dataset: a description, a named contact, the
   update schedule, a data dictionary, and the file itself.
2. If the privacy check finds personal data, the records officer decides first: she signs it
   off as a public record, or the steward withholds those columns.
3. The department's approver reviews it and signs off. The town's data coordinator (the CIO)
   signs off last. Nobody approves their own submission.
4. Only then is it published.

## Data quality
Every file is checked before publication: values of the declared type, required columns
filled, no duplicate rows. A file with errors is not published until they are fixed.

## Access and privacy
Data is public unless the law or a person's privacy says otherwise. Personal information (names
with addresses, phone numbers, email addresses, identification numbers) is never published.
Restricted datasets are shared only with people the department has approved.

## Keeping data current
Each dataset states how often it is updated, and the steward updates it on that schedule.
Scheduled refreshes whose checks pass are published without a new review.
"""
# Who signs new versions of the governance policy: (role, username, first name, last name).
POLICY_SIGNATORIES = [
    ("Chief Information Officer", "cio", "Dana", "Whitfield"),
    ("Director of Public Works", "pw-director", "Luis", "Ortega"),
]

# The town's data coordinator is its CIO: she signs off last, as the policy says.
COORDINATOR = ("cio", "Dana", "Whitfield")
# The approval policy the governance policy describes: the department's approver, then the
# coordinator. Scheduled refreshes whose checks pass publish without review (the default).
APPROVAL_STEPS = [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]
# The records officer holds the privacy role in every department: she signed off the
# addresses in the public registers (parcels, permits, 311 requests) as public records.
PRIVACY_OFFICER = ("records-officer", "Rosa", "Lindqvist")
# Each department's people: (department, username, first name, last name, role).
DEPARTMENT_ROLES = [
    ("public-works", "pw-steward", "Jordan", "Price", "steward"),
    ("public-works", "pw-director", "Luis", "Ortega", "approver"),
    ("planning-and-development", "planner", "Amara", "Okafor", "steward"),
    ("planning-and-development", "planning-director", "Henrik", "Sand", "approver"),
    ("finance", "budget-analyst", "Mei", "Chen", "steward"),
    ("finance", "finance-director", "Grace", "Adeyemi", "approver"),
    ("town-manager", "service-desk", "Tomas", "Rivera", "steward"),
    ("town-manager", "town-manager", "Ruth", "Bergstrom", "approver"),
]
PRIVACY_NOTE = "Addresses of properties and requests are public records under the town's policy."

# The submission that waits for sign-off in the demo: Public Works' steward proposes to share
# the plow routes with signed-in partners (wider access: it always needs review).
PENDING: dict[str, Any] = {
    "organization": "public-works",
    "steward": ("pw-steward", "Jordan", "Price"),
    "approver": ("pw-director", "Luis", "Ortega"),
    "dataset": "plow-route-assignments",
    "values": {
        "access_level": "restricted public",
        "rights": "Shared with partner agencies who were granted access; crews change weekly.",
    },
}

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "slug": "town-manager",
        "name": "Office of the Town Manager",
        "description": (
            "Runs the town's day-to-day operations, the 311 service desk and information "
            "technology."
        ),
        "email": "manager@alderfalls.example",
        "homepage": "https://alderfalls.example/manager",
    },
    {
        "slug": "planning-and-development",
        "name": "Planning and Development",
        "description": "Zoning, land use planning and building inspection.",
        "email": "planning@alderfalls.example",
        "homepage": "https://alderfalls.example/planning",
    },
    {
        "slug": "finance",
        "name": "Finance Department",
        "description": "Budget, accounting, the assessor and the treasurer.",
        "email": "finance@alderfalls.example",
        "homepage": "https://alderfalls.example/finance",
    },
    {
        "slug": "public-works",
        "name": "Public Works",
        "description": "Streets, snow and ice control, forestry, water and sewer utilities.",
        "email": "publicworks@alderfalls.example",
        "homepage": "https://alderfalls.example/public-works",
    },
]

_COMMON = {"language": ["en"], "spatial": BBOX, "data_quality": True}

DATASETS: list[dict[str, Any]] = [
    {
        "organization": "planning-and-development",
        "file": "zoning-districts",
        "values": {
            **_COMMON,
            "slug": "zoning-districts",
            "title": "Zoning districts",
            "description": (
                "The zoning district of every part of Alder Falls, as adopted in the zoning "
                "ordinance (Ord. 2019-14) and amended for the downtown mixed-use district "
                "in 2023.\n\n"
                "Each polygon carries its zone code (for example `R-1` single-family "
                "residential or "
                "`MU` mixed use downtown), the ordinance that set it and the date it took effect."
            ),
            "keywords": ["zoning", "land use", "planning", "districts", "ordinance"],
            "themes": ["REGI", "GOVE"],
            "contact_name": "Planning desk",
            "contact_email": "planning@alderfalls.example",
            "license": "CC-BY-4.0",
            "accrual_periodicity": "irregular",
            "temporal": "2019-07-01/2026-10-31",
            "issued": "2020-02-03",
            "landing_page": "https://alderfalls.example/planning/zoning",
            "featured": True,
        },
    },
    {
        "organization": "planning-and-development",
        "file": "land-use-parcels",
        "values": {
            **_COMMON,
            "slug": "land-use-parcels",
            "access_level": "restricted public",
            "rights": "Owner names go only to people the Assessor's office granted access.",
            "title": "Land-use parcels",
            "description": (
                "Every tax parcel in Alder Falls with its current land use, zoning, lot area, "
                "assessed value and the year its main building was built.\n\n"
                "Owner names are not published; `owner_type` tells public from private ownership."
            ),
            "keywords": ["parcels", "land use", "property", "assessment"],
            "themes": ["REGI", "ECON"],
            "contact_name": "Assessor's office",
            "contact_email": "assessor@alderfalls.example",
            "license": "CC-BY-4.0",
            "accrual_periodicity": "R/P1Y",
            "temporal": "2026-01-01/2026-10-31",
            "issued": "2021-05-10",
        },
    },
    {
        "organization": "planning-and-development",
        "file": "building-permits",
        "values": {
            **_COMMON,
            "slug": "building-permits",
            "title": "Building permits",
            "description": (
                "Building, electrical, plumbing, mechanical, roofing, demolition, sign and fence "
                "permits issued by Building Inspection since November 2022, with the work's "
                "valuation, the fee charged and the permit's status."
            ),
            "keywords": ["permits", "construction", "building inspection", "housing"],
            "themes": ["REGI", "ECON"],
            "contact_name": "Building inspection",
            "contact_email": "inspections@alderfalls.example",
            "license": "CC-BY-4.0",
            "accrual_periodicity": "R/P1M",
            "temporal": "2022-11-01/2026-10-31",
            "issued": "2023-01-09",
            "featured": True,
        },
    },
    {
        "organization": "finance",
        "file": "adopted-budget-fy2027",
        "values": {
            **_COMMON,
            "slug": "adopted-budget-fy2027",
            "title": "Adopted budget, fiscal year 2027",
            "description": (
                "The operating and capital budget the Town Council adopted on 12 November 2026, "
                "by fund, department, division and line item, beside the previous year's adopted "
                "amounts."
            ),
            "keywords": ["budget", "finance", "spending", "council"],
            "themes": ["ECON", "GOVE"],
            "contact_name": "Budget office",
            "contact_email": "finance@alderfalls.example",
            "license": "CC0-1.0",
            "accrual_periodicity": "R/P1Y",
            "temporal": "2027-01-01/2027-12-31",
            "issued": "2026-11-13",
            "featured": True,
        },
    },
    {
        "organization": "town-manager",
        "file": "311-service-requests",
        "values": {
            **_COMMON,
            "slug": "311-service-requests",
            "title": "311 service requests",
            "description": (
                "Requests residents made to the 311 service desk since January 2023, by phone, "
                "web, mobile app or in person: potholes, missed pickups, street lights, snow, "
                "trees and more, "
                "with when each was opened and closed.\n\n"
                "Locations are given to the block, not the house, to protect residents' privacy."
            ),
            "keywords": ["311", "service requests", "potholes", "snow", "sanitation"],
            "themes": ["GOVE", "REGI", "TRAN"],
            "contact_name": "311 service desk",
            "contact_email": "311@alderfalls.example",
            "license": "CC-BY-4.0",
            "accrual_periodicity": "R/P1D",
            "temporal": "2023-01-01/2026-10-31",
            "issued": "2023-03-01",
            "featured": True,
        },
    },
    {
        "organization": "public-works",
        "file": "plow-route-assignments",
        "values": {
            **_COMMON,
            "slug": "plow-route-assignments",
            "title": "Snow plow route assignments",
            "description": (
                "Which crew and truck clear each street, by priority and shift. Internal: crews "
                "and trucks change with staffing."
            ),
            "keywords": ["snow", "plowing", "crews"],
            "themes": ["TRAN"],
            "contact_name": "Public Works dispatch",
            "contact_email": "dispatch@alderfalls.example",
            "license": "CC0-1.0",
            "access_level": "non-public",
            "rights": "Staff scheduling; not published while crews are reassigned weekly.",
            "accrual_periodicity": "R/P1W",
            "temporal": "2026-11-01/2027-03-31",
            "issued": "2026-11-01",
        },
    },
]

# The dataset refreshed from a live source on a schedule (demo/sources.py serves it).
LIVE: dict[str, Any] = {
    "organization": "public-works",
    "path": "/demo/sources/street-light-outages.csv",
    "key": "outage_id",
    "values": {
        **_COMMON,
        "slug": "street-light-outages",
        "title": "Street light outages",
        "description": (
            "Every street light reported out and not yet repaired, with the pole, when it was "
            "reported, the repair's status and the crew assigned. Refreshed every hour from "
            "Public Works' outage system: outages appear when reported and leave once repaired."
        ),
        "keywords": ["street lights", "outages", "repairs", "public works"],
        "themes": ["TRAN", "GOVE"],
        "contact_name": "Public Works dispatch",
        "contact_email": "dispatch@alderfalls.example",
        "license": "CC0-1.0",
        "accrual_periodicity": "R/P1D",
        "temporal": "2026-10-01/2026-12-31",
        "issued": "2026-10-01",
    },
}
# How long ago each dataset's data was last updated, in days, as the town's history goes (the
# freshness dashboard and the reminders have something to say): building permits are overdue
# (monthly, 50 days), the parcels due this week (yearly, 360 days).
LAST_UPDATED_DAYS_AGO = {
    "building-permits": 50,
    "land-use-parcels": 360,
    "adopted-budget-fy2027": 18,
    "zoning-districts": 200,
    "311-service-requests": 0.5,
    "plow-route-assignments": 2,
}

# The demo town opens launched, so that a visitor sees the portal as residents would. Its
# datasets were seeded as the catalog stood (not through sign-off), so its checklist is not
# all done: it launched with this reason.
LAUNCH_OVERRIDE = (
    "The demo town opens launched for its visitors; its datasets were seeded as the catalog "
    "stood, not published through sign-off."
)
# Besides the launch, the departments whose first dataset the town announced (the other
# milestones' drafts wait for the coordinator).
ANNOUNCED_FIRSTS = ["planning-and-development", "finance"]

# `townsquare demo --preparing`: these datasets wait for sign-off (their stewards submitted them).
PREPARING_DRAFTS = ["adopted-budget-fy2027", "311-service-requests"]


def steward_of(department: str) -> tuple[str, str, str]:
    """The department's steward: (username, first name, last name)."""
    for slug, username, first, last, role in DEPARTMENT_ROLES:
        if slug == department and role == "steward":
            return username, first, last
    raise LookupError(department)
