"""Fill the configured database with N generated datasets (for bench/search.py).

Realistic enough for search: 30 departments, titles and descriptions built from a municipal
vocabulary, keywords, themes, licenses, access levels and 1-3 distributions each. Deterministic.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
django.setup()

from django.db import transaction  # noqa: E402

from townsquare.catalog import search  # noqa: E402
from townsquare.catalog.models import Dataset, Distribution, Organization  # noqa: E402
from townsquare.catalog.vocabularies import LICENSES, THEMES, State  # noqa: E402

DEPARTMENTS = [
    "Public Works",
    "Police Department",
    "Fire Department",
    "Finance",
    "Planning and Development",
    "Parks and Recreation",
    "Public Library",
    "Health Department",
    "Transportation",
    "Water Utility",
    "Housing Authority",
    "Human Resources",
    "Information Technology",
    "Town Clerk",
    "Assessor",
    "Economic Development",
    "Environmental Services",
    "Building Inspection",
    "Schools",
    "Emergency Management",
    "Courts",
    "Animal Services",
    "Senior Services",
    "Airport",
    "Port Authority",
    "Elections",
    "Sustainability Office",
    "Arts and Culture",
    "Veterans Affairs",
    "Procurement",
]
TOPICS = [
    "building permits",
    "street trees",
    "water quality",
    "traffic counts",
    "crime incidents",
    "school enrollment",
    "restaurant inspections",
    "parking citations",
    "bike lanes",
    "energy use",
    "operating budget",
    "payroll",
    "election results",
    "service requests",
    "zoning districts",
    "land parcels",
    "snow plow routes",
    "library circulation",
    "park facilities",
    "bus stops",
    "fire incidents",
    "ambulance response times",
    "housing units",
    "affordable housing",
    "business licenses",
    "sidewalk repairs",
    "street lights",
    "recycling tonnage",
    "air quality",
    "noise complaints",
    "animal shelter intakes",
    "public art",
    "capital projects",
    "contracts",
    "vendor payments",
    "property assessments",
    "tax collections",
    "inspections",
    "code violations",
    "pothole repairs",
    "stormwater outfalls",
    "sewer overflows",
    "drinking water tests",
    "greenhouse gas emissions",
    "electric vehicle chargers",
    "parking meters",
    "crash reports",
    "traffic signals",
    "speed cameras",
    "transit ridership",
]
QUALIFIERS = [
    "",
    "by ward",
    "by month",
    "annual report",
    "inventory",
    "map",
    "since 2010",
    "summary",
    "daily",
    "current",
    "historical",
    "by neighborhood",
    "locations",
]
FILLER = (
    "data collected maintained published department town residents records each row includes "
    "date location address category status type year month total count amount value reported "
    "updated weekly monthly annually source system field staff review public information "
    "program service city county state federal standards quality accuracy coverage period "
    "geographic boundaries ward district neighborhood block street results measures performance"
).split()
KEYWORDS = [
    "transportation",
    "safety",
    "environment",
    "finance",
    "housing",
    "health",
    "planning",
    "infrastructure",
    "permits",
    "education",
    "energy",
    "water",
    "parks",
    "elections",
    "economy",
    "budget",
    "gis",
    "inspections",
    "311",
    "traffic",
]
FORMATS = [
    ("CSV", "text/csv"),
    ("JSON", "application/json"),
    ("GeoJSON", "application/geo+json"),
    ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("PDF", "application/pdf"),
]


def description(rng: random.Random, topic: str) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(35, 80))]
    words.insert(rng.randrange(len(words)), topic)
    return " ".join(words).capitalize() + "."


def main(count: int) -> None:
    rng = random.Random(10_000)
    organizations = [
        Organization.objects.create(slug=name.lower().replace(" ", "-"), name=name)
        for name in DEPARTMENTS
    ]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    datasets = []
    for n in range(count):
        topic = rng.choice(TOPICS)
        title = f"{topic.capitalize()} {rng.choice(QUALIFIERS)}".strip()
        access = rng.choices(["public", "restricted public", "non-public"], weights=[85, 10, 5])[0]
        # Most are published; a few are drafts (hidden from the public, like non-public ones).
        state = rng.choices([State.PUBLISHED, State.DRAFT], weights=[97, 3])[0]
        datasets.append(
            Dataset(
                slug=f"dataset-{n:05d}",
                title=title,
                description=description(rng, topic),
                organization=rng.choice(organizations),
                keywords=rng.sample(KEYWORDS, rng.randint(1, 4)) + [topic.split()[-1]],
                themes=[t.code for t in rng.sample(THEMES, rng.randint(1, 2))],
                license=rng.choice(LICENSES).id,
                access_level=access,
                state=state,
                rights="" if access == "public" else "Restricted by policy.",
                contact_name="Data desk",
                contact_email="data@town.example",
                modified=now - timedelta(minutes=rng.randrange(2_000_000)),
            )
        )
    with transaction.atomic():
        Dataset.objects.bulk_create(datasets, batch_size=1000)
        created = list(Dataset.objects.order_by("pk"))
        distributions = []
        for dataset in created:
            for fmt, media_type in rng.sample(FORMATS, rng.randint(1, 3)):
                distributions.append(
                    Distribution(
                        dataset=dataset,
                        kind="link",
                        title=f"{dataset.title} ({fmt})",
                        format=fmt,
                        media_type=media_type,
                        download_url=f"https://files.town.example/{dataset.slug}.{fmt.lower()}",
                    )
                )
        Distribution.objects.bulk_create(distributions, batch_size=2000)
    search.reindex(Dataset.objects.all())
    search.recount()
    search.refresh_statistics()


if __name__ == "__main__":
    main(int(sys.argv[1]))
