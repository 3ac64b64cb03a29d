from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from townsquare.catalog import distributions, search, selectors, services
from townsquare.catalog.models import Dataset, DatasetFacet, FacetTerm, SearchDocument
from townsquare.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def find(actor: Any, text: str = "", **kwargs: Any) -> search.Results:
    filters = kwargs.pop("filters", {})
    return search.search(
        viewer=selectors.visibility(actor),
        query=search.Query(text=text, filters=filters, **kwargs),
    )


def slugs(results: search.Results) -> list[str]:
    return [d.slug for d in results.datasets]


@pytest.fixture
def catalog(public_works: Any, parks: Any, make_dataset: Any) -> dict[str, Dataset]:
    return {
        "title": make_dataset(
            public_works,
            slug="trees-title",
            title="Street trees inventory",
            description="Locations of plantings along roads.",
            keywords=["urban forest"],
        ),
        "description": make_dataset(
            parks,
            slug="trees-description",
            title="Park plantings",
            description="Every tree planted in a park since 2010.",
            keywords=["parks"],
            themes=["ENVI"],
            license="CC0-1.0",
        ),
        "keyword": make_dataset(
            parks,
            slug="trees-keyword",
            title="Canopy survey",
            description="Aerial survey of the canopy.",
            keywords=["trees"],
        ),
        "other": make_dataset(
            public_works,
            slug="potholes",
            title="Pothole repairs",
            description="Potholes fixed by the road crew.",
            keywords=["roads"],
        ),
    }


def test_title_match_ranks_above_keyword_and_description(catalog: Any, anonymous: Any) -> None:
    results = find(anonymous, "trees")
    assert slugs(results) == ["trees-title", "trees-keyword", "trees-description"]
    assert results.count == 3


def test_stemming_and_prefix_find_partial_words(catalog: Any, anonymous: Any) -> None:
    assert "trees-title" in slugs(find(anonymous, "tree"))
    assert slugs(find(anonymous, "potho")) == ["potholes"]
    assert slugs(find(anonymous, "Inventories")) == ["trees-title"]


def test_all_words_must_match(catalog: Any, anonymous: Any) -> None:
    assert slugs(find(anonymous, "street trees")) == ["trees-title"]
    assert find(anonymous, "trees zebra").count == 0


def test_organization_name_is_searchable(catalog: Any, anonymous: Any) -> None:
    assert set(slugs(find(anonymous, "recreation"))) == {"trees-description", "trees-keyword"}


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "trees OR 1=1",
        "title:trees",
        "NEAR(trees roads)",
        "*",
        "trees'; DROP TABLE x; --",
        "(((",
        "a & b | !c",
        "\x00",
        "trees:*",
        "-trees",
        "é" * 300,
    ],
)
def test_operators_and_punctuation_are_plain_text(
    catalog: Any, anonymous: Any, hostile: str
) -> None:
    results = find(anonymous, hostile)
    assert results.count >= 0  # no database error, whatever the input
    assert Dataset.objects.count() == 4


def test_facet_counts_and_filters(catalog: Any, anonymous: Any) -> None:
    results = find(anonymous, "")
    organizations = {item.value: item.count for item in results.facets["organization"]}
    assert organizations == {"public-works": 2, "parks": 2}
    assert {i.value: i.label for i in results.facets["organization"]}[
        "parks"
    ] == "Parks and Recreation"
    licenses = {item.value: item.count for item in results.facets["license"]}
    assert licenses == {"CC-BY-4.0": 3, "CC0-1.0": 1}
    filtered = find(anonymous, "", filters={"organization": ["parks"], "license": ["CC0-1.0"]})
    assert slugs(filtered) == ["trees-description"]
    selected = [i for i in filtered.facets["organization"] if i.selected]
    assert [i.value for i in selected] == ["parks"]


def test_values_within_a_facet_are_alternatives(catalog: Any, anonymous: Any) -> None:
    results = find(anonymous, "", filters={"keyword": ["ROADS", "trees"]})
    assert set(slugs(results)) == {"potholes", "trees-keyword"}


def test_format_facet_follows_distributions(catalog: Any, anonymous: Any) -> None:
    distributions.distribution_add_file(
        actor=SYSTEM, dataset=catalog["other"], upload=ContentFile(b"a\n1\n", name="p.csv")
    )
    results = find(anonymous, "", filters={"format": ["CSV"]})
    assert slugs(results) == ["potholes"]


def test_sorts_and_pages(catalog: Any, anonymous: Any) -> None:
    by_title = find(anonymous, "", sort="title", per_page=2)
    assert slugs(by_title) == ["trees-keyword", "trees-description"]
    assert by_title.pages == 2
    second = find(anonymous, "", sort="title", per_page=2, page=2)
    assert slugs(second) == ["potholes", "trees-title"]
    services.dataset_update(actor=SYSTEM, dataset=catalog["keyword"], spatial="Town")
    assert slugs(find(anonymous, "", sort="updated"))[0] == "trees-keyword"
    assert find(anonymous, "trees", page=9).datasets == []


def test_non_public_datasets_are_invisible_to_outsiders_even_in_counts(
    public_works: Any,
    make_dataset: Any,
    anonymous: Any,
    outsider: Any,
    viewer: Any,
    coordinator: Any,
) -> None:
    make_dataset(
        public_works,
        slug="secret-salaries",
        title="Salaries",
        access_level="non-public",
        rights="Personnel records.",
        keywords=["payroll"],
    )
    make_dataset(public_works, slug="open-budget", title="Budget", keywords=["payroll"])
    for actor in (anonymous, outsider):
        results = find(actor, "salaries")
        assert results.count == 0
        everything = find(actor, "")
        assert slugs(everything) == ["open-budget"]
        assert {i.value: i.count for i in everything.facets["keyword"]} == {"payroll": 1}
        assert {i.value for i in everything.facets["access_level"]} == {"public"}
    for actor in (viewer, coordinator):
        assert slugs(find(actor, "salaries")) == ["secret-salaries"]


def test_deleted_datasets_leave_the_index(catalog: Any, anonymous: Any) -> None:
    services.dataset_set_state(actor=SYSTEM, dataset=catalog["title"], state="archived")
    services.dataset_delete(actor=SYSTEM, dataset=catalog["title"])
    assert "trees-title" not in slugs(find(anonymous, "trees"))


def test_reindex_rebuilds_documents_and_facets(catalog: Any, anonymous: Any) -> None:
    def facets() -> list[tuple[int, str, str]]:
        rows = DatasetFacet.objects.values_list("dataset_id", "term__facet", "term__value")
        return sorted(rows)

    before = facets()
    SearchDocument.objects.all().delete()
    DatasetFacet.objects.all().delete()
    assert find(anonymous, "trees").count == 0
    call_command("reindex", stdout=StringIO())
    assert slugs(find(anonymous, "trees")) == ["trees-title", "trees-keyword", "trees-description"]
    assert facets() == before


def stored_counts_are_exact() -> bool:
    actual = dict(
        DatasetFacet.objects.values_list("term_id").annotate(n=Count("dataset_id")).order_by()
    )
    stored = {pk: n for pk, n in FacetTerm.objects.values_list("pk", "dataset_count") if n}
    return actual == stored


def test_term_counts_stay_exact_through_every_change(catalog: Any, public_works: Any) -> None:
    assert stored_counts_are_exact()
    services.dataset_update(
        actor=SYSTEM, dataset=catalog["title"], keywords=["new", "Words"], license="", themes=[]
    )
    assert stored_counts_are_exact()
    distributions.distribution_add_link(
        actor=SYSTEM, dataset=catalog["other"], download_url="https://x.example/a.csv"
    )
    assert stored_counts_are_exact()
    services.dataset_update(
        actor=SYSTEM,
        dataset=catalog["other"],
        organization=public_works,
        access_level="non-public",
        rights="x",
    )
    assert stored_counts_are_exact()
    services.dataset_set_state(actor=SYSTEM, dataset=catalog["keyword"], state="archived")
    services.dataset_delete(actor=SYSTEM, dataset=catalog["keyword"])
    assert stored_counts_are_exact()
    FacetTerm.objects.update(dataset_count=99)
    search.recount()
    assert stored_counts_are_exact()


def test_the_database_keeps_its_full_text_index_after_every_migration() -> None:
    """A migration that rebuilds catalog_searchdocument on SQLite drops the triggers feeding
    the FTS table (see migration 0002); this fails if one ever does."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'catalog_search_%'"
            )
            assert {row[0] for row in cursor.fetchall()} == {
                "catalog_search_ai",
                "catalog_search_ad",
                "catalog_search_au",
            }
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_searchdocument_vector'"
            )
            assert "gin (vector)" in cursor.fetchone()[0].lower()


def test_a_whole_word_is_not_taken_as_the_start_of_others(
    public_works: Any, make_dataset: Any, anonymous: Any
) -> None:
    """Both databases stem a prefix: "bus" as a prefix is "bu", which would find budgets and
    buildings. A word the catalog has is matched as a word; a word typed halfway, as a
    prefix."""
    for slug, title, about in [
        ("bus-stops", "Bus stops", "Where the buses stop."),
        ("budget", "Budget", "The town's spending plan."),
        ("buildings", "Building footprints", "Outlines of structures."),
    ]:
        make_dataset(public_works, slug=slug, title=title, description=about, keywords=[])
    assert slugs(find(anonymous, "bus")) == ["bus-stops"]
    assert slugs(find(anonymous, "budg")) == ["budget"]
    assert slugs(find(anonymous, "buil")) == ["buildings"]
