"""Each dataset's freshness, evaluated and kept on its row: the badge on its page and in search
results, the search facet, the API field, and the dashboard for coordinators and stewards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from townsquare.accounts.services import token_create
from townsquare.catalog import services as catalog_services
from townsquare.catalog.models import Dataset, FacetTerm
from townsquare.core.actors import SYSTEM
from townsquare.datastore.models import PublishedVersion
from townsquare.governance.tests.helpers import load
from townsquare.upkeep import evaluation

pytestmark = pytest.mark.django_db


def aged(dataset: Any, days: float) -> None:
    """The dataset's last update ``days`` ago (its published version, else its metadata)."""
    moment = timezone.now() - timedelta(days=days)
    if not PublishedVersion.objects.filter(dataset=dataset).update(published_at=moment):
        Dataset.objects.filter(pk=dataset.pk).update(modified=moment)


@pytest.fixture
def town(public_works: Any, parks: Any, make_dataset: Any) -> dict[str, Any]:
    """Monthly datasets of each state, one yearly, one irregular, one draft."""
    made = {
        "fresh": make_dataset(public_works, slug="roads", title="Road repairs"),
        "due": make_dataset(public_works, slug="potholes", title="Potholes"),
        "overdue": make_dataset(public_works, slug="bridges", title="Bridge inspections"),
        "delinquent": make_dataset(parks, slug="trees", title="Street trees"),
        "irregular": make_dataset(parks, slug="events", accrual_periodicity="irregular"),
        "draft": make_dataset(public_works, slug="draft", title="Not yet"),
    }
    load(SYSTEM, made["fresh"], b"road,km\nMain,3\n", publish=True)
    aged(made["fresh"], 5)
    aged(made["due"], 35)
    aged(made["overdue"], 50)
    aged(made["delinquent"], 90)
    aged(made["irregular"], 900)
    Dataset.objects.filter(pk=made["draft"].pk).update(state="draft")
    aged(made["draft"], 900)
    evaluation.evaluate()
    return made


def test_every_state_is_kept_on_the_dataset(town: dict[str, Any]) -> None:
    states = dict(Dataset.objects.values_list("slug", "freshness"))
    assert states == {
        "roads": "fresh",
        "potholes": "due",
        "bridges": "overdue",
        "trees": "delinquent",
        "events": "",
        "draft": "",
    }
    bridges = Dataset.objects.get(slug="bridges")
    assert bridges.update_due_at is not None
    assert (timezone.now() - bridges.update_due_at).days == 19  # 50 days, monthly


def test_an_evaluation_writes_only_what_changed_and_a_publication_refreshes_it(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    again = evaluation.evaluate()
    assert again.datasets == 6 and again.changed == []
    with django_capture_on_commit_callbacks(execute=True):
        load(SYSTEM, town["overdue"], b"bridge,state\nElm,good\n", publish=True)
    assert Dataset.objects.get(slug="bridges").freshness == "fresh"
    counts = {t.value: t.dataset_count for t in FacetTerm.objects.filter(facet="freshness")}
    assert counts == {"fresh": 2, "due": 1, "overdue": 0, "delinquent": 1}
    with django_capture_on_commit_callbacks(execute=True):  # a yearly dataset is not due
        catalog_services.dataset_update(
            actor=SYSTEM, dataset=town["due"], accrual_periodicity="R/P1Y"
        )
    assert Dataset.objects.get(slug="potholes").freshness == "fresh"
    assert sorted(evaluation.evaluate(timezone.now() + timedelta(days=400)).changed)[0][2] in (
        "delinquent",
        "overdue",
    )
    counts = {t.value: t.dataset_count for t in FacetTerm.objects.filter(facet="freshness")}
    assert counts["delinquent"] == 3 and counts["fresh"] == 0 and counts["due"] == 1


def test_the_badge_on_the_dataset_page_and_in_search_results(town: dict[str, Any]) -> None:
    page = Client().get("/datasets/bridges").content.decode()
    assert 'class="badge badge-freshness-overdue"' in page and "Overdue" in page
    results = Client().get("/datasets?q=bridge").content.decode()
    assert "badge-freshness-overdue" in results
    assert "an update was due" in page
    fresh = Client().get("/datasets/roads").content.decode()
    assert "badge-freshness-fresh" in fresh and "Up to date" in fresh
    assert "next update due" in fresh
    assert "badge-freshness" not in Client().get("/datasets/events").content.decode()


def test_the_search_facet_finds_the_overdue(town: dict[str, Any]) -> None:
    body = Client().get("/api/v1/datasets?freshness=overdue&freshness=delinquent").json()
    assert sorted(d["slug"] for d in body["results"]) == ["bridges", "trees"]
    facet = {f["value"]: (f["label"], f["count"]) for f in body["facets"]["freshness"]}
    assert facet["overdue"] == ("Overdue", 1) and facet["delinquent"] == ("Delinquent", 1)
    html = Client().get("/datasets?freshness=overdue").content.decode()
    assert "Freshness" in html and "Bridge inspections" in html and "Road repairs" not in html


def test_the_api_carries_the_freshness_of_each_dataset(town: dict[str, Any]) -> None:
    one = Client().get("/api/v1/datasets/trees").json()["freshness"]
    assert one["state"] == "delinquent" and one["label"] == "Delinquent"
    assert one["days_late"] == 59 and one["due_at"]
    listed = Client().get("/api/v1/datasets?q=potholes").json()["results"][0]["freshness"]
    assert listed["state"] == "due" and listed["days_late"] == 4


def test_the_dashboard_latest_first_by_department(
    town: dict[str, Any], coordinator: Any, steward: Any
) -> None:
    page = Client()
    page.force_login(coordinator)
    html = page.get("/freshness").content.decode()
    # Both departments have one late dataset: by name; within one, the latest first.
    assert html.index("Parks and Recreation") < html.index("Public Works")
    assert html.index("Bridge inspections") < html.index("Potholes") < html.index("Road repairs")
    assert "19 days" in html and "59 days" in html and "events" not in html
    only_overdue = page.get("/freshness?state=overdue").content.decode()
    assert "Bridge inspections" in only_overdue and "Potholes" not in only_overdue
    theirs = Client()
    theirs.force_login(steward)  # Public Works only
    mine = theirs.get("/freshness").content.decode()
    assert "Bridge inspections" in mine and "Street trees" not in mine


def test_the_dashboard_is_refused_to_the_public_and_outsiders(
    town: dict[str, Any], outsider: Any, steward: Any
) -> None:
    assert Client().get("/freshness").status_code == 302  # to sign in
    them = Client()
    them.force_login(outsider)
    assert them.get("/freshness").status_code == 403
    secret = token_create(actor=steward, user=steward, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    rows = api.get("/api/v1/freshness").json()
    assert [(r["slug"], r["state"], r["days_late"]) for r in rows] == [
        ("bridges", "overdue", 19),
        ("potholes", "due", 4),
        ("roads", "fresh", 0),
    ]
    mine = token_create(actor=outsider, user=outsider, name="t")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {mine}").get("/api/v1/freshness").status_code == 403


def test_ten_thousand_datasets_are_evaluated_in_batches(
    public_works: Any, make_dataset: Any, django_assert_max_num_queries: Any
) -> None:
    dataset = make_dataset(public_works, slug="one")
    Dataset.objects.bulk_create(
        Dataset(
            slug=f"d{n}",
            title=f"Dataset {n}",
            description="x",
            organization=public_works,
            contact_name="x",
            contact_email="x@town.example",
            accrual_periodicity="R/P1D",
            state="published",
            modified=dataset.modified - timedelta(days=n % 5),
            identifier=f"id-{n}",
        )
        for n in range(3000)
    )
    with django_assert_max_num_queries(250):  # not one per dataset (3001)
        found = evaluation.evaluate()
    assert found.datasets == 3001
    assert Dataset.objects.filter(freshness="delinquent").count() == 1200  # 3 and 4 days old


def test_non_public_datasets_stay_out_of_the_public_facet_and_other_dashboards(
    town: dict[str, Any], parks: Any, steward: Any
) -> None:
    Dataset.objects.filter(slug="bridges").update(access_level="non-public", rights="Internal.")
    body = Client().get("/api/v1/datasets?freshness=overdue").json()
    assert body["count"] == 0 and body["results"] == []
    assert Client().get("/datasets/bridges").status_code == 404
    page = Client()
    page.force_login(steward)  # Public Works: its own non-public dataset is followed
    assert "Bridge inspections" in page.get("/freshness").content.decode()
    mine = page.get("/api/v1/datasets?freshness=overdue").json()
    assert [d["slug"] for d in mine["results"]] == ["bridges"]
