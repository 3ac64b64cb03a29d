"""Finding datasets: words, facet filters, sorts, pages and facet counts.

Ranking weights title above keywords above organization above description, so a title match
ranks above a description match on both databases.

Every condition is a restriction on dataset ids (the words, each facet filter, not hidden from
the visitor), applied straight to the table at hand: the full-text index for ranking, the facet
table for counts, the dataset table for sorted pages. The datasets hidden from a visitor are few
(other organizations' non-public ones), so leaving them out never reads the whole catalog.

All SQL here is built from constants and from SQL that Django compiled from querysets; every
value, the visitor's words included, is bound as a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset, DatasetFacet, FacetTerm, Organization
from townsquare.catalog.search.listing import Listed, listed
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel

FACETS = ("organization", "theme", "keyword", "format", "license", "access_level", "freshness")
SORTS = ("relevance", "updated", "title")
MAX_TERMS = 12
FACET_LIMIT = 20

# SQLite bm25 column weights, in the FTS table's column order: title, keywords, organization,
# description. PostgreSQL uses setweight A, B, C, D on the same columns.
_BM25_WEIGHTS = "10.0, 5.0, 3.0, 1.0"

Counts = dict[tuple[str, str], int]


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
    datasets: list[Listed]
    facets: dict[str, list[FacetItem]]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and operators are dropped."""
    return re.findall(r"[^\W_]+", text.lower())[:MAX_TERMS]


def search(*, hidden: QuerySet[Dataset], query: Query) -> Results:
    """The datasets that match ``query``, leaving out ``hidden`` (the datasets the visitor may
    not see: ``selectors.datasets_hidden_from``): one page of them, the total and the facet
    counts."""
    filters = _clean_filters(query.filters)
    restriction = Restriction(terms(query.text), filters, hidden)
    counts = restriction.counts()
    # Every dataset has exactly one access-level term, so their counts add up to the total.
    count = sum(n for (facet, _), n in counts.items() if facet == "access_level")
    offset = (query.page - 1) * query.per_page
    sort = query.sort if query.sort in SORTS else "relevance"
    if offset >= count:
        ids: list[int] = []
    elif sort == "relevance" and restriction.words:
        ids = restriction.ranked_ids(offset, query.per_page)
    else:
        ids = restriction.sorted_ids(sort, offset, query.per_page)
    return Results(count, listed(ids), _facets(counts, filters), query.page, query.per_page)


def _clean_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned = {}
    for facet in FACETS:
        values = [value for value in filters.get(facet, []) if value]
        if facet == "keyword":
            values = [value.lower() for value in values]
        if values:
            cleaned[facet] = values
    return cleaned


class Restriction:
    """The dataset ids a search may return: matching the words, having a value of each
    filtered facet, and not hidden from the visitor."""

    def __init__(self, words: list[str], filters: dict[str, list[str]], hidden: QuerySet[Dataset]):
        self.words = words
        self.filters = list(filters.items())
        self.required = [
            DatasetFacet.objects.filter(
                term__in=FacetTerm.objects.filter(facet=facet, value__in=values)
            ).values("dataset_id")
            for facet, values in self.filters
        ]
        self.hidden = None if hidden.query.is_empty() else hidden.order_by().values("pk")

    # -- the parts --------------------------------------------------------------------------

    def conditions(self, column: str, skip_first_filter: bool = False) -> tuple[str, list[Any]]:
        """The filters and the hidden datasets as SQL conditions on ``column``."""
        sql_parts: list[str] = []
        params: list[Any] = []
        for ids in self.required[1 if skip_first_filter else 0 :]:
            sql, values = ids.query.sql_with_params()
            sql_parts.append(f"{column} IN ({sql})")
            params += values
        if self.hidden is not None:
            sql, values = self.hidden.query.sql_with_params()
            sql_parts.append(f"{column} NOT IN ({sql})")
            params += values
        return " AND ".join(sql_parts) or "1 = 1", params

    def ids(self) -> tuple[str, list[Any]]:
        """SQL selecting the matching ids, driven by the most selective source: the full-text
        index when there are words, else the first filtered facet. Needs words or filters."""
        if self.words:
            driver, driver_params = _matcher(self.words)
            column = "dataset_id" if _postgres() else "+rowid"
            conditions, params = self.conditions(column)
        else:
            facet, values = self.filters[0]
            placeholders = ", ".join(["%s"] * len(values))
            driver = (
                "SELECT dataset_id FROM catalog_datasetfacet WHERE term_id IN "  # noqa: S608
                "(SELECT id FROM catalog_facetterm WHERE facet = %s "
                f"AND value IN ({placeholders}))"
            )
            driver_params = [facet, *values]
            conditions, params = self.conditions("dataset_id", skip_first_filter=True)
        return f"{driver} AND {conditions}", [*driver_params, *params]

    # -- what a search needs ----------------------------------------------------------------

    def counts(self) -> Counts:
        """Datasets per facet value among the matches."""
        if self.words or self.filters:
            ids, params = self.ids()
            source = (
                "SELECT term_id, COUNT(*) AS n FROM catalog_datasetfacet "  # noqa: S608
                f"WHERE dataset_id IN ({ids}) GROUP BY term_id"
            )
            sql = (
                "SELECT t.facet, t.value, c.n FROM catalog_facetterm t "  # noqa: S608
                f"JOIN ({source}) c ON c.term_id = t.id"
            )
        else:  # the whole catalog: the stored counts, minus what is hidden from the visitor
            params = []
            hidden = "SELECT term_id, 0 AS n FROM catalog_datasetfacet WHERE 1 = 0"
            if self.hidden is not None:
                hidden_ids, hidden_params = self.hidden.query.sql_with_params()
                params = list(hidden_params)
                hidden = (
                    "SELECT term_id, COUNT(*) AS n FROM catalog_datasetfacet "  # noqa: S608
                    f"WHERE dataset_id IN ({hidden_ids}) GROUP BY term_id"
                )
            sql = (
                "SELECT t.facet, t.value, t.dataset_count - COALESCE(h.n, 0) "  # noqa: S608
                f"FROM catalog_facetterm t LEFT JOIN ({hidden}) h ON h.term_id = t.id "
                "WHERE t.dataset_count > 0"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return {(facet, value): n for facet, value, n in cursor.fetchall() if n > 0}

    def ranked_ids(self, offset: int, limit: int) -> list[int]:
        """One page of matching ids in relevance order: the full-text index drives, the other
        conditions are checked for each match."""
        if _postgres():
            conditions, params = self.conditions("d.dataset_id")
            sql = (
                "SELECT d.dataset_id, ts_rank(d.vector, q) AS score "  # noqa: S608
                "FROM catalog_searchdocument d, to_tsquery('english', %s) q "
                f"WHERE d.vector @@ q AND {conditions} "
                "ORDER BY score DESC, d.dataset_id DESC LIMIT %s OFFSET %s"
            )
            text = _tsquery(self.words)
        else:
            # "+rowid" keeps the conditions away from FTS5's planner, which would otherwise run
            # the full-text match once per candidate id.
            conditions, params = self.conditions("+rowid")
            sql = (
                f"SELECT rowid, bm25(catalog_search_fts, {_BM25_WEIGHTS}) AS score "  # noqa: S608
                f"FROM catalog_search_fts WHERE catalog_search_fts MATCH %s AND {conditions} "
                "ORDER BY score ASC, rowid DESC LIMIT %s OFFSET %s"
            )
            text = _fts5(self.words)
        with connection.cursor() as cursor:
            cursor.execute(sql, [text, *params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def sorted_ids(self, sort: str, offset: int, limit: int) -> list[int]:
        if self.words or self.filters:
            chosen = Dataset.objects.filter(pk__in=RawSQL(*self.ids()))
        elif self.hidden is not None:
            chosen = Dataset.objects.exclude(pk__in=self.hidden)
        else:
            chosen = Dataset.objects.all()
        ordering = ["title", "pk"] if sort == "title" else ["-modified", "-pk"]
        window = chosen.order_by(*ordering).values_list("pk", flat=True)
        return list(window[offset : offset + limit])


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _matcher(words: list[str]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of datasets whose document matches every word (the last one as a
    prefix, so that a query typed halfway still finds)."""
    if _postgres():
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


def _facets(counts: Counts, filters: dict[str, list[str]]) -> dict[str, list[FacetItem]]:
    by_facet: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    for (facet, value), n in counts.items():
        by_facet[facet].append((value, n))
    for facet, values in filters.items():  # a chosen value stays visible, even at zero
        present = {value for value, _ in by_facet[facet]}
        by_facet[facet] += [(value, 0) for value in values if value not in present]
    labels = _labels(by_facet)
    facets: dict[str, list[FacetItem]] = {}
    for facet in FACETS:
        chosen = set(filters.get(facet, []))
        ordered = sorted(by_facet[facet], key=lambda item: (-item[1], item[0]))
        kept = ordered[:FACET_LIMIT] + [i for i in ordered[FACET_LIMIT:] if i[0] in chosen]
        facets[facet] = [
            FacetItem(value, labels.get((facet, value), value), n, value in chosen)
            for value, n in kept
        ]
    return facets


def _labels(by_facet: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], str]:
    slugs = [value for value, _ in by_facet.get("organization", [])]
    labels = {
        ("organization", slug): name
        for slug, name in Organization.objects.filter(slug__in=slugs).values_list("slug", "name")
    }
    for value, _ in by_facet.get("theme", []):
        if value in THEMES_BY_CODE:
            labels[("theme", value)] = THEMES_BY_CODE[value].label
    for value, _ in by_facet.get("license", []):
        if value in LICENSES_BY_ID:
            labels[("license", value)] = LICENSES_BY_ID[value].title
    for value, label in AccessLevel.choices:
        labels[("access_level", value)] = str(label)
    for value, label in freshness.State.choices:
        labels[("freshness", value)] = str(label)
    return labels
