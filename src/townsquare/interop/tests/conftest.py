from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from conftest import dataset_values
from townsquare.accounts import services as accounts
from townsquare.catalog import distributions, services
from townsquare.catalog.models import Dataset, Distribution
from townsquare.core.actors import SYSTEM


@pytest.fixture
def town(public_works: Any, parks: Any, make_dataset: Any) -> dict[str, Dataset]:
    """Public datasets in two organizations, a non-public one and a draft."""
    made = {
        "permits": make_dataset(
            public_works,
            slug="building-permits",
            keywords=["permits", "construction"],
            themes=["REGI"],
            license="CC-BY-4.0",
        ),
        "trees": make_dataset(
            parks,
            slug="street-trees",
            title="Street trees",
            description="Every tree on a street.",
            keywords=["trees", "parks"],
            themes=["ENVI"],
            license="CC0-1.0",
        ),
        "roads": make_dataset(
            public_works,
            slug="road-repairs",
            title="Road repairs",
            description="Potholes fixed.",
            keywords=["roads"],
            themes=["TRAN", "REGI"],
            license="CC0-1.0",
        ),
        "secret": make_dataset(
            public_works,
            slug="staff-phones",
            title="Staff phone list",
            keywords=["staff", "confidential-keyword"],
            access_level="non-public",
            rights="Internal only.",
        ),
        "draft": services.dataset_create(
            actor=SYSTEM,
            organization=parks,
            **dataset_values(slug="future-parks", title="Future parks", keywords=["draft-only"]),
        ),
    }
    _attach(made)
    return made


def _attach(made: dict[str, Dataset]) -> None:
    distributions.distribution_add_file(
        actor=SYSTEM,
        dataset=made["trees"],
        upload=ContentFile(b"id,species\n1,oak\n", name="trees.csv"),
        privacy=Distribution.Privacy.ACCEPTED,  # signed off by a privacy officer,
    )
    distributions.distribution_add_link(
        actor=SYSTEM,
        dataset=made["roads"],
        title="Repairs map",
        download_url="https://files.town.example/repairs.geojson",
        media_type="application/geo+json",
        format="GeoJSON",
    )


@pytest.fixture
def steward_token(steward: Any) -> str:
    return accounts.token_create(actor=steward, user=steward, name="ckan")[1]
