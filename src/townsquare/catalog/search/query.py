"""Finding datasets: words, facet filters, sorts, pages and facet counts.

Ranking weights title above keywords above organization above description, so a title match
ranks above a description match on both databases.

The database's full-text index finds the datasets that have the words and ranks them; the
process's snapshot of the catalog (``snapshot``) holds everything else as arrays: which datasets
the visitor may see, which have each facet value, the sort orders. Every condition is a mask
over the snapshot's datasets, and the facet counts are one ``bincount`` over the terms of the
masked ones, so that a search costs about the same whatever the catalog's size.

All SQL here is built from constants and from SQL that Django compiled from querysets; every
value, the visitor's words included, is bound as a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import connection

from townsquare.catalog import freshness, policies
from townsquare.catalog.models import Organization
from townsquare.catalog.search import snapshot
from townsquare.catalog.search.listing import Listed, listed
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel

FACETS = ("organization", "theme", "keyword", "format", "license", "access_level", "freshness")
SORTS = ("relevance", "updated", "title")
# Also for machine clients (the CKAN API): by slug and by identifier.
MORE_SORTS = ("name", "identifier")
MAX_TERMS = 12
NARROW_SHARE = 0.5
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
    offset: int | None = None  # instead of the page: from this match on
    reverse: bool = False  # the sorted listing turned around (not relevance)
    # More conditions, for machine clients: each (facet, values) must hold too, each
    # excluded (facet, values) must not; and a window on the modification time.
    required: list[tuple[str, list[str]]] = field(default_factory=list)
    excluded: list[tuple[str, list[str]]] = field(default_factory=list)
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    published_only: bool = False  # of what the viewer may see, only published datasets
    facet_limit: int | None = FACET_LIMIT  # values per facet (None: all)


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


def search(*, viewer: policies.Visibility, query: Query) -> Results:
    """The datasets that match ``query`` among those ``viewer`` may know exist
    (``selectors.visibility``): one page of them, the total and the facet counts."""
    filters = _clean_filters(query.filters)
    words = terms(query.text)
    catalog = snapshot.current()
    mask = catalog.visible(viewer)
    for facet, values in filters.items():
        mask &= catalog.having(facet, values)
    _narrow(catalog, mask, query)
    sort = query.sort if query.sort in (*SORTS, *MORE_SORTS) else "relevance"
    ranked = sort == "relevance" and bool(words)
    if words:
        # Ranking scores every dataset it is given: when the filters and the visitor's view
        # leave out most of the catalog, only the matches they keep are ranked, afterwards.
        narrow = ranked and np.count_nonzero(mask) <= NARROW_SHARE * len(mask)
        found = _ranked_ids(words) if ranked and not narrow else _matching_ids(words)
        in_text = np.zeros(len(mask), dtype=bool)
        in_text[catalog.positions(found)] = True
        mask &= in_text
        if narrow:
            found = _ranked_ids(words, among=catalog.ids[mask])
    count = int(np.count_nonzero(mask))
    offset = (query.page - 1) * query.per_page if query.offset is None else query.offset
    if offset >= count:
        ids: list[int] = []
    elif ranked:
        positions = catalog.positions(found)  # in relevance order
        chosen = positions[mask[positions]][offset : offset + query.per_page]
        ids = [int(i) for i in catalog.ids[chosen]]
    else:
        listing = "updated" if sort == "relevance" else sort  # no words: newest first
        ids = catalog.page(mask, listing, offset, query.per_page, reverse=query.reverse)
    counts = catalog.counts(mask)
    facets = _facets(counts, filters, query.facet_limit)
    return Results(count, listed(ids), facets, query.page, query.per_page)


def _narrow(catalog: snapshot.Snapshot, mask: np.ndarray, query: Query) -> None:
    """Apply the machine clients' conditions to the mask."""
    for facet, values in query.required:
        mask &= catalog.having(facet, _cleaned(facet, values))
    for facet, values in query.excluded:
        mask &= ~catalog.having(facet, _cleaned(facet, values))
    if query.modified_from is not None:
        mask &= catalog.modified >= snapshot.micros(query.modified_from)
    if query.modified_to is not None:
        mask &= catalog.modified <= snapshot.micros(query.modified_to)
    if query.published_only:
        mask &= catalog.published


def _cleaned(facet: str, values: list[str]) -> list[str]:
    return [value.lower() for value in values] if facet == "keyword" else values


def _clean_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned = {}
    for facet in FACETS:
        values = [value for value in filters.get(facet, []) if value]
        if values:
            cleaned[facet] = _cleaned(facet, values)
    return cleaned


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _matching_ids(words: list[str]) -> np.ndarray:
    """The ids of datasets whose document matches every word (the last one as a prefix, so
    that a query typed halfway still finds), as one comma-separated string from the database:
    tens of thousands of ids arrive in a millisecond instead of as as many rows."""
    if _postgres():
        sql = (
            "SELECT string_agg(dataset_id::text, ',') FROM catalog_searchdocument "
            "WHERE vector @@ to_tsquery('english', %s)"
        )
        text = _tsquery(words)
    else:
        sql = "SELECT group_concat(rowid) FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"
        text = _fts5(words)
    with connection.cursor() as cursor:
        cursor.execute(sql, [text])
        return _ids(cursor.fetchone()[0])


def _ranked_ids(words: list[str], among: np.ndarray | None = None) -> np.ndarray:
    """The ids of the datasets that match (of those ``among``, if given), in relevance order.
    The database ranks every match it is given (a page of the best needs all their scores):
    here they all arrive at once, as a comma-separated string of ids (on SQLite with one of
    scores, in the same order, sorted here)."""
    chosen = None if among is None else ",".join(map(str, among.tolist()))
    if _postgres():
        sql = (
            "SELECT string_agg(d.dataset_id::text, ',' "
            "ORDER BY ts_rank(d.vector, q) DESC, d.dataset_id DESC) "
            "FROM catalog_searchdocument d, to_tsquery('english', %s) q WHERE d.vector @@ q"
            + (
                ""
                if chosen is None
                else " AND d.dataset_id = ANY(string_to_array(%s, ',')::bigint[])"
            )
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_tsquery(words)] + ([] if chosen is None else [chosen]))
            return _ids(cursor.fetchone()[0])
    sql = (
        "SELECT group_concat(id), group_concat(score) FROM ("  # noqa: S608
        f"SELECT rowid AS id, bm25(catalog_search_fts, {_BM25_WEIGHTS}) AS score "
        "FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"
        # "+rowid" keeps the condition from FTS5's planner, which would run the match once
        # per id; LIMIT keeps SQLite from folding the inner query into the outer one, where
        # bm25 cannot run.
        + (
            ""
            if chosen is None
            else " AND +rowid IN (SELECT value FROM json_each('[' || %s || ']'))"
        )
        + " LIMIT -1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts5(words)] + ([] if chosen is None else [chosen]))
        ids, scores = cursor.fetchone()
    found = _ids(ids)
    score = np.fromstring(scores or "", dtype=np.float64, sep=",")
    return found[np.lexsort((-found, score))]  # lowest bm25 first; ties: newest first


def _ids(text: str | None) -> np.ndarray:
    return np.fromstring(text or "", dtype=np.int64, sep=",")


def _fts5(words: list[str]) -> str:
    quoted = [f'"{word}"' for word in words]
    if not _is_word(f'"{words[-1]}"'):
        quoted[-1] += "*"
    return " AND ".join(quoted)


def _tsquery(words: list[str]) -> str:
    parts = list(words)
    if not _is_word(parts[-1]):
        parts[-1] += ":*"
    return " & ".join(parts)


def _is_word(text: str) -> bool:
    """Whether the last word, as typed, is a word the catalog has: then it is matched as a
    word, else as the start of one (a query typed halfway). Both databases stem a prefix too,
    so "bus" as a prefix would be "bu" and find budgets and buildings."""
    if _postgres():
        sql = (
            "SELECT 1 FROM catalog_searchdocument WHERE vector @@ to_tsquery('english', %s) LIMIT 1"
        )
    else:
        sql = "SELECT 1 FROM catalog_search_fts WHERE catalog_search_fts MATCH %s LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [text])
        return cursor.fetchone() is not None


def _facets(
    counts: Counts, filters: dict[str, list[str]], limit: int | None
) -> dict[str, list[FacetItem]]:
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
        kept = ordered[:limit] + ([i for i in ordered[limit:] if i[0] in chosen] if limit else [])
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
