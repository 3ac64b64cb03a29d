"""Nothing derived from the values of data a person may not read reaches them, on any surface:
the column profile (lowest, highest and most frequent values, distinct and empty counts),
histograms, the map, the rows preview, the ingest report, the quality findings' samples, the
version pages and APIs, exports, SQL, the diff of a change and search. One rule decides
(datastore.policies.can_read_data); this test asks every surface, for a restricted public
dataset (its metadata is public) and a non-public one (it does not exist for outsiders)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from townsquare.catalog.models import Dataset
from townsquare.datastore.models import DataVersion
from townsquare.datastore.tests.helpers import ingest
from townsquare.governance import workflow
from townsquare.governance.tests.helpers import load

pytestmark = pytest.mark.django_db

# Values that occur only in the data, each more than once (so they are "frequent"), with an
# outlier and a constraint the data breaks (so findings have samples).
ROWS = [
    "Quixotic Row,100,C-271828",
    "Quixotic Row,101,C-271829",
    "Zephyrine Way,102,C-271828",
    "Zephyrine Way,103,C-271829",
    "Zephyrine Way,314159,C-271828",
]
CSV = ("road,metres,code\n" + "\n".join(ROWS * 3) + "\n").encode()
SECRETS = ["Quixotic", "Zephyrine", "271828", "271829", "314159", "314,159", "271,828"]


@pytest.fixture
def datasets(public_works: Any, make_dataset: Any, steward: Any) -> dict[str, Dataset]:
    made = {
        "restricted public": make_dataset(
            public_works,
            slug="roads",
            title="Roads",
            access_level="restricted public",
            rights="Partners only.",
        ),
        "non-public": make_dataset(
            public_works,
            slug="inner",
            title="Inner roads",
            access_level="non-public",
            rights="Staff only.",
        ),
    }
    for dataset in made.values():
        version = ingest(dataset, "roads.csv", CSV)
        assert version.status == DataVersion.Status.READY
        assert version.profile["columns"]["road"]["top"]  # a profile exists to leak
        # …and a change waiting with a new version: its diff and samples must not leak either
        load(steward, dataset, CSV + b"Quixotic Row,104,C-271828\n")
        workflow.change_submit(actor=steward, dataset=dataset)
    return made


def surfaces(dataset: Dataset) -> list[str]:
    version = dataset.data_versions.order_by("number").first()
    assert version is not None
    slug = dataset.slug
    changes = [f"/review/{c.pk}" for c in dataset.changes.all()]
    changes += [f"/api/v1/changes/{c.pk}" for c in dataset.changes.all()]
    return [
        *changes,
        f"/datasets/{slug}",
        f"/datasets/{slug}/data",
        f"/datasets/{slug}/data/versions/{version.pk}",
        f"/api/v1/datasets/{slug}",
        f"/api/v1/datasets/{slug}/versions",
        f"/api/v1/datasets/{slug}/versions/{version.pk}",
        f"/api/v1/datasets/{slug}/versions/{version.pk}/report",
        f"/api/v1/datasets/{slug}/records",
        f"/api/v1/datasets/{slug}/records?format=geojson",
        f"/api/v1/datasets/{slug}/export.csv",
        f"/api/v1/datasets/{slug}/export.json",
        f'/api/v1/sql?q=SELECT * FROM "{slug}"',
        "/",
        "/organizations/public-works",
        "/quality/",
    ]


def leaks(client: Client, dataset: Dataset) -> dict[str, list[str]]:
    found = {}
    for path in surfaces(dataset):
        response = client.get(path)
        assert response.status_code < 500, path
        body = response.getvalue()
        text = body.decode(errors="replace")
        seen = [s for s in SECRETS if s in text]
        if seen:
            found[path] = seen
    return found


@pytest.mark.parametrize("level", ["restricted public", "non-public"])
def test_no_surface_shows_data_derived_values_to_those_who_may_not_read(
    datasets: dict[str, Dataset], outsider: Any, steward: Any, level: str
) -> None:
    dataset = datasets[level]
    signed = Client()
    signed.force_login(outsider)
    for client in (Client(), signed):
        assert leaks(client, dataset) == {}
        # the search finds datasets by their metadata, never by their values
        assert client.get("/api/v1/datasets", {"q": "Quixotic"}).json()["count"] == 0
        assert "Roads" not in client.get("/datasets", {"q": "Quixotic"}).content.decode()
    member = Client()
    member.force_login(steward)
    seen = leaks(member, dataset)  # the test can fail: members do see the values
    assert (
        f"/datasets/{dataset.slug}" in seen and f"/api/v1/datasets/{dataset.slug}/records" in seen
    )
    assert f"/review/{dataset.changes.get().pk}" in seen  # members see the diff's rows


def test_the_public_page_of_restricted_data_keeps_its_columns_and_says_how_to_ask(
    datasets: dict[str, Dataset], outsider: Any
) -> None:
    page = Client().get("/datasets/roads").content.decode()
    assert "road" in page and "metres" in page  # the columns are metadata
    assert "15 rows" in page
    assert "sign in to ask for access" in page
    signed = Client()
    signed.force_login(outsider)
    assert "Request access to the data" in signed.get("/datasets/roads").content.decode()


def test_findings_keep_their_counts_but_not_their_values_for_outsiders(
    datasets: dict[str, Dataset], steward: Any
) -> None:
    version = datasets["restricted public"].data_versions.order_by("number").first()
    assert version is not None
    path = f"/api/v1/datasets/roads/versions/{version.pk}/report"
    member = Client()
    member.force_login(steward)
    inside = {f["check"]: f for f in member.get(path).json()["findings"]}
    outside = {f["check"]: f for f in Client().get(path).json()["findings"]}
    assert inside.keys() == outside.keys() and "outliers" in inside
    assert "Values outside" in inside["outliers"]["message"]
    assert outside["outliers"]["message"] == "Some values are far from the others (outliers)."
    assert all("value" not in s for f in outside.values() for s in f["sample"])
    assert any("value" in s for f in inside.values() for s in f["sample"])
