"""Catalog search: full text with facets, behind one interface for SQLite and PostgreSQL.

- ``index``: what is searchable about each dataset, kept up to date by the catalog services.
- ``query``: finding, ranking, counting facets.
- ``listing``: the few fields a result list shows, loaded in one query.
"""

from townsquare.catalog.search.index import (
    index_dataset,
    recount,
    refresh_statistics,
    reindex,
    set_facet,
    unindex,
)
from townsquare.catalog.search.listing import Listed, listed
from townsquare.catalog.search.query import (
    FACETS,
    MORE_SORTS,
    SORTS,
    FacetItem,
    Query,
    Results,
    search,
    terms,
)

__all__ = [
    "FACETS",
    "MORE_SORTS",
    "SORTS",
    "FacetItem",
    "Listed",
    "Query",
    "Results",
    "index_dataset",
    "listed",
    "recount",
    "refresh_statistics",
    "reindex",
    "search",
    "set_facet",
    "terms",
    "unindex",
]
