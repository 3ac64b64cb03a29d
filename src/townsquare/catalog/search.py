"""Catalog search: full text with facets, behind one interface for SQLite and PostgreSQL.

Indexing: ``index_dataset`` keeps a ``SearchDocument`` row (title, keywords, organization and the
plain text of the description) and the dataset's ``FacetValue`` rows. The database keeps its own
full-text index over the document table: an FTS5 table fed by triggers on SQLite, a generated,
weighted ``tsvector`` column with a GIN index on PostgreSQL (migration 0002).

Ranking weights title above keywords above organization above description, so a title match
ranks above a description match on both databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from townsquare.catalog.models import Dataset, FacetValue, SearchDocument
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel
from townsquare.core.markdown import plain_text

FACETS = ("organization", "theme", "keyword", "format", "license", "access_level")
SORTS = ("relevance", "updated", "title")
MAX_TERMS = 12
FACET_LIMIT = 20

# SQLite bm25 column weights, in the FTS table's column order: title, keywords, organization,
# description. PostgreSQL uses setweight A, B, C, D on the same columns.
_BM25_WEIGHTS = "10.0, 5.0, 3.0, 1.0"


# --- Indexing -----------------------------------------------------------------------------


def facet_values(dataset: Dataset) -> list[tuple[str, str]]:
    values = [
        ("organization", dataset.organization.slug),
        ("access_level", dataset.access_level),
    ]
    if dataset.license:
        values.append(("license", dataset.license))
    values += [("theme", code) for code in dict.fromkeys(dataset.themes)]
    values += [("keyword", keyword.strip().lower()[:300]) for keyword in dataset.keywords]
    formats = {d.format for d in dataset.distributions.all() if d.format}
    values += [("format", fmt) for fmt in sorted(formats)]
    return list(dict.fromkeys(values))


def index_dataset(dataset: Dataset) -> None:
    """Bring the dataset's search document and facet values up to date. Call inside the
    transaction that changed the dataset."""
    SearchDocument.objects.update_or_create(
        dataset=dataset,
        defaults={
            "title": dataset.title,
            "keywords": " ".join(dataset.keywords),
            "organization": dataset.organization.name,
            "description": plain_text(dataset.description),
        },
    )
    FacetValue.objects.filter(dataset=dataset).delete()
    FacetValue.objects.bulk_create(
        FacetValue(dataset=dataset, facet=facet, value=value)
        for facet, value in facet_values(dataset)
    )


# --- Querying -----------------------------------------------------------------------------


@dataclass
class Query:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Results:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[FacetItem]]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and operators are dropped."""
    return re.findall(r"[^\W_]+", text.lower())[:MAX_TERMS]


def search(*, visible: QuerySet[Dataset], query: Query) -> Results:
    """Datasets among ``visible`` that match ``query``, one page of them, and facet counts."""
    filtered = _apply_filters(visible, query.filters)
    words = terms(query.text)
    matcher = _matcher(words) if words else None
    if matcher is not None:
        sql, params = matcher
        filtered = filtered.filter(pk__in=RawSQL(sql, params))
    offset = (query.page - 1) * query.per_page
    sort = query.sort if query.sort in SORTS else "relevance"
    if sort == "relevance" and words:
        count, page = _ranked_page(filtered, words, offset, query.per_page)
    else:
        count = filtered.count()
        ordering = ["title", "pk"] if sort == "title" else ["-modified", "-pk"]
        page = list(_with_related(filtered.order_by(*ordering))[offset : offset + query.per_page])
    facets = _facet_counts(filtered, query.filters) if count else _selected_only(query.filters)
    return Results(count, page, facets, query.page, query.per_page)


def _apply_filters(datasets: QuerySet[Dataset], filters: dict[str, list[str]]) -> QuerySet[Dataset]:
    for facet in FACETS:
        values = [value for value in filters.get(facet, []) if value]
        if values:
            if facet == "keyword":
                values = [value.lower() for value in values]
            datasets = datasets.filter(
                pk__in=FacetValue.objects.filter(facet=facet, value__in=values).values("dataset_id")
            )
    return datasets


def _matcher(words: list[str]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of datasets whose document matches every word (the last one as a
    prefix, so that a query typed halfway still finds)."""
    if connection.vendor == "postgresql":
        return (
            "SELECT dataset_id FROM catalog_searchdocument "
            "WHERE vector @@ to_tsquery('english', %s)",
            [_tsquery(words)],
        )
    return (
        "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s",
        [_fts5(words)],
    )


def _fts5(words: list[str]) -> str:
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


def _tsquery(words: list[str]) -> str:
    parts = list(words)
    parts[-1] += ":*"
    return " & ".join(parts)


def _ranked_page(
    filtered: QuerySet[Dataset], words: list[str], offset: int, limit: int
) -> tuple[int, list[Dataset]]:
    # ids_sql is SQL compiled by Django from a queryset, its values bound in ids_params; the
    # user's words are bound too. Nothing typed by a user is ever formatted into the SQL.
    ids_sql, ids_params = filtered.values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        rank_sql = (
            "SELECT d.dataset_id, ts_rank(d.vector, q) AS score "  # noqa: S608
            "FROM catalog_searchdocument d, to_tsquery('english', %s) q "
            f"WHERE d.vector @@ q AND d.dataset_id IN ({ids_sql}) "
            "ORDER BY score DESC, d.dataset_id DESC LIMIT %s OFFSET %s"
        )
        params = [_tsquery(words), *ids_params, limit, offset]
    else:
        rank_sql = (
            f"SELECT rowid, bm25(catalog_search_fts, {_BM25_WEIGHTS}) AS score "  # noqa: S608
            "FROM catalog_search_fts WHERE catalog_search_fts MATCH %s "
            f"AND rowid IN ({ids_sql}) ORDER BY score ASC, rowid DESC LIMIT %s OFFSET %s"
        )
        params = [_fts5(words), *ids_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(rank_sql, params)
        ranked = [row[0] for row in cursor.fetchall()]
    count = filtered.count() if ranked or offset else 0
    by_id = {d.pk: d for d in _with_related(Dataset.objects.filter(pk__in=ranked))}
    return count, [by_id[pk] for pk in ranked if pk in by_id]


def _with_related(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return datasets.select_related("organization").prefetch_related("distributions")


def _facet_counts(
    filtered: QuerySet[Dataset], filters: dict[str, list[str]]
) -> dict[str, list[FacetItem]]:
    rows = (
        FacetValue.objects.filter(dataset__in=filtered.values("pk"))
        .values_list("facet", "value")
        .annotate(n=Count("dataset_id"))
        .order_by()
    )
    grouped: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    for facet, value, n in rows:
        grouped.setdefault(facet, []).append((value, n))
    labels = _labels(grouped)
    facets: dict[str, list[FacetItem]] = {}
    for facet in FACETS:
        chosen = {
            value.lower() if facet == "keyword" else value for value in filters.get(facet, [])
        }
        ordered = sorted(grouped[facet], key=lambda item: (-item[1], item[0]))
        kept = ordered[:FACET_LIMIT]
        kept += [item for item in ordered[FACET_LIMIT:] if item[0] in chosen]
        facets[facet] = [
            FacetItem(value, labels.get((facet, value), value), n, value in chosen)
            for value, n in kept
        ]
    return facets


def _selected_only(filters: dict[str, list[str]]) -> dict[str, list[FacetItem]]:
    grouped = {facet: [(value, 0) for value in filters.get(facet, []) if value] for facet in FACETS}
    labels = _labels(grouped)
    return {
        facet: [FacetItem(value, labels.get((facet, value), value), 0, True) for value, _ in items]
        for facet, items in grouped.items()
    }


def _labels(grouped: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], str]:
    from townsquare.catalog.models import Organization

    slugs = [value for value, _ in grouped.get("organization", [])]
    labels = {
        ("organization", slug): name
        for slug, name in Organization.objects.filter(slug__in=slugs).values_list("slug", "name")
    }
    for value, _ in grouped.get("theme", []):
        if value in THEMES_BY_CODE:
            labels[("theme", value)] = THEMES_BY_CODE[value].label
    for value, _ in grouped.get("license", []):
        if value in LICENSES_BY_ID:
            labels[("license", value)] = LICENSES_BY_ID[value].title
    for value, label in AccessLevel.choices:
        labels[("access_level", value)] = str(label)
    return labels
