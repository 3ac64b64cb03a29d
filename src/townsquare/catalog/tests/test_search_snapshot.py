"""The search snapshot (catalog/search/snapshot.py) against the database it copies: counts,
filters, visibility and sorted pages agree with the same questions asked of the tables, after
every kind of change, caught up without a rebuild, and a rolled-back change is forgotten."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Lower

from conftest import dataset_values
from townsquare.catalog import search, selectors, services
from townsquare.catalog.models import Dataset, DatasetFacet, Organization, SearchChange
from townsquare.catalog.search import index, snapshot
from townsquare.core.actors import SYSTEM

pytestmark = pytest.mark.django_db

KEYWORDS = ["roads", "trees", "water", "budget", "permits", "Parks"]
THEMES = ["ENVI", "REGI", "TRAN", "ECON"]
LICENSES = ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0"]


def find(actor: Any, text: str = "", **kwargs: Any) -> search.Results:
    return search.search(
        viewer=selectors.visibility(actor), query=search.Query(text=text, **kwargs)
    )


@pytest.fixture
def mixed(public_works: Organization, parks: Organization) -> list[Dataset]:
    """Forty datasets of every access level and state, with random terms."""
    rng = random.Random(7)
    made = []
    for n in range(40):
        made.append(
            services.dataset_create(
                actor=SYSTEM,
                organization=rng.choice([public_works, parks]),
                state=rng.choice(["published", "published", "draft", "archived"]),
                **dataset_values(
                    title=rng.choice(["apple", "Banana", "cherry", "Date"]) + f" list {n}",
                    keywords=rng.sample(KEYWORDS, rng.randint(1, 3)),
                    themes=rng.sample(THEMES, rng.randint(1, 2)),
                    license=rng.choice(LICENSES),
                    access_level=rng.choice(["public", "restricted public", "non-public"]),
                    rights="Restricted by policy.",
                ),
            )
        )
    return made


def expected(actor: Any, filters: dict[str, list[str]]) -> QuerySet[Dataset]:
    """The same question asked of the tables."""
    chosen = selectors.datasets_visible_to(actor)
    for facet, values in filters.items():
        wanted = [v.lower() for v in values] if facet == "keyword" else values
        chosen = chosen.filter(
            pk__in=DatasetFacet.objects.filter(term__facet=facet, term__value__in=wanted).values(
                "dataset_id"
            )
        )
    return chosen


def expected_counts(chosen: QuerySet[Dataset]) -> dict[tuple[str, str], int]:
    rows = (
        DatasetFacet.objects.filter(dataset__in=chosen)
        .values_list("term__facet", "term__value")
        .annotate(n=Count("dataset_id"))
    )
    return {(facet, value): n for facet, value, n in rows}


def found_counts(results: search.Results) -> dict[tuple[str, str], int]:
    return {
        (facet, item.value): item.count
        for facet, items in results.facets.items()
        for item in items
        if item.count
    }


FILTERS: list[dict[str, list[str]]] = [
    {},
    {"keyword": ["ROADS"]},
    {"keyword": ["trees", "water"], "theme": ["ENVI"]},
    {"organization": ["parks"], "license": ["CC0-1.0", "ODbL-1.0"]},
    {"access_level": ["restricted public"]},
    {"theme": ["nothing-like-this"]},
]


def assert_agrees(actor: Any) -> None:
    for filters in FILTERS:
        chosen = expected(actor, filters)
        by_title = list(chosen.order_by(Lower("title"), "pk").values_list("slug", flat=True))
        by_time = list(chosen.order_by("-modified", "-pk").values_list("slug", flat=True))
        titled = find(actor, filters=filters, sort="title", per_page=100)
        recent = find(actor, filters=filters, sort="updated", per_page=7, page=2)
        assert titled.count == len(by_title), filters
        assert [d.slug for d in titled.datasets] == by_title, filters
        assert [d.slug for d in recent.datasets] == by_time[7:14], filters
        assert found_counts(titled) == expected_counts(chosen), filters


@pytest.mark.parametrize("who", ["anonymous", "steward", "viewer", "coordinator"])
def test_counts_filters_and_pages_agree_with_the_tables(mixed: Any, who: str, request: Any) -> None:
    assert_agrees(request.getfixturevalue(who))


def test_titles_sort_without_regard_to_case(mixed: Any, coordinator: Any) -> None:
    titles = [d.title for d in find(coordinator, sort="title", per_page=100).datasets]
    assert titles == sorted(titles, key=str.casefold)
    assert titles != sorted(titles)  # "Banana" between "apple" and "cherry"


def test_each_change_is_caught_up_without_a_rebuild(
    mixed: Any, anonymous: Any, steward: Any, public_works: Any, monkeypatch: Any
) -> None:
    snapshot.current()
    built: list[int] = []
    real_build = snapshot.build

    def counted_build() -> snapshot.Snapshot:
        built.append(1)
        return real_build()

    monkeypatch.setattr(snapshot, "build", counted_build)
    draft = next(d for d in mixed if d.state == "draft" and d.organization == public_works)
    archived = next(d for d in mixed if d.state == "archived")
    changes: list[Callable[[], object]] = [
        lambda: services.dataset_create(
            actor=SYSTEM, organization=public_works, state="published", **dataset_values()
        ),
        lambda: services.dataset_update(actor=SYSTEM, dataset=mixed[0], title="Aardvark counts"),
        lambda: services.dataset_update(actor=SYSTEM, dataset=mixed[1], keywords=["zebra"]),
        lambda: services.dataset_set_state(actor=SYSTEM, dataset=draft, state="published"),
        lambda: services.dataset_set_state(actor=SYSTEM, dataset=mixed[2], state="archived"),
        lambda: services.dataset_delete(actor=SYSTEM, dataset=archived),
    ]
    for change in changes:
        change()
        assert_agrees(anonymous)
        assert_agrees(steward)
    assert built == []
    assert find(anonymous, "zebra").count == int(
        mixed[1].access_level != "non-public" and mixed[1].state == "published"
    )


def test_a_caught_up_snapshot_equals_a_rebuilt_one(mixed: Any, anonymous: Any) -> None:
    snapshot.current()
    for dataset in mixed[:5]:
        services.dataset_update(actor=SYSTEM, dataset=dataset, keywords=["renamed"])
    services.dataset_delete(actor=SYSTEM, dataset=next(d for d in mixed if d.state == "draft"))
    caught_up, rebuilt = snapshot.current(), snapshot.build()
    viewer = selectors.visibility(anonymous)
    mask = caught_up.visible(viewer)
    assert set(caught_up.ids[mask].tolist()) == set(rebuilt.ids[rebuilt.visible(viewer)].tolist())
    assert caught_up.counts(mask) == rebuilt.counts(rebuilt.visible(viewer))


def test_a_rolled_back_change_is_forgotten(mixed: Any, coordinator: Any, parks: Any) -> None:
    before = find(coordinator).count
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dataset_create(
            actor=SYSTEM, organization=parks, **dataset_values(title="Ghost listing")
        )
        assert find(coordinator, "ghost").count == 1
        raise RuntimeError("roll it back")
    assert find(coordinator, "ghost").count == 0
    assert find(coordinator).count == before
    services.dataset_create(actor=SYSTEM, organization=parks, **dataset_values(title="Real"))
    assert find(coordinator).count == before + 1


def test_old_changes_are_pruned_and_a_snapshot_that_far_behind_is_rebuilt(
    mixed: Any, anonymous: Any, monkeypatch: Any
) -> None:
    snapshot.current()
    monkeypatch.setattr(index, "KEPT_GENERATIONS", 2)
    for dataset in mixed[:6]:
        services.dataset_update(actor=SYSTEM, dataset=dataset, keywords=["pruned"])
    assert SearchChange.objects.values("generation").distinct().count() <= 3
    assert_agrees(anonymous)


def test_an_empty_catalog_searches(db: Any, anonymous: Any) -> None:
    snapshot.forget()
    results = find(anonymous, "anything", filters={"theme": ["ENVI"]})
    assert results.count == 0
    assert find(anonymous, sort="title").datasets == []


@pytest.mark.parametrize("filters", [{"keyword": ["roads"]}, {"organization": ["parks"]}])
def test_ranking_among_few_keeps_the_order_of_ranking_all(
    mixed: Any, coordinator: Any, anonymous: Any, filters: dict[str, list[str]]
) -> None:
    """Filters that leave out most of the catalog rank only what they keep (query.NARROW_SHARE):
    the same order as ranking every match and leaving the others out."""
    everything = find(coordinator, "list permits", per_page=100).datasets
    kept = {d.slug for d in expected(anonymous, filters)}
    narrow = find(anonymous, "list permits", filters=filters, per_page=100)
    assert 0 < narrow.count <= len(mixed) // 2
    assert [d.slug for d in narrow.datasets] == [d.slug for d in everything if d.slug in kept]


def test_a_starting_web_process_loads_the_snapshot_ahead(mixed: Any, settings: Any) -> None:
    assert "townsquare.catalog.search.snapshot.warm" in settings.WARM_UP
    snapshot.forget()
    snapshot.warm()
    assert snapshot._current is not None
    assert len(snapshot._current.ids) == len(mixed)
