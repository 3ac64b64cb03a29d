"""The catalog's facet terms, visibility and sort keys, held by each process as arrays.

Facet counts, facet filters, "not hidden from the visitor" and the sorted listings are work
over every matching dataset; done by the database they grow with the catalog (a GROUP BY over
every match's terms). Here they are a few passes of numpy over arrays of a million small
integers at 100,000 datasets: a mask of the matching datasets, and ``bincount`` over their
terms.

The arrays are a snapshot of the database. Every change to the search entries is written down
in the same transaction as a new generation (``index.changed``); before each search the snapshot
reads the current generation (one row) and, when it is behind, applies the datasets changed
since. A snapshot whose own generation is not in the history any more (rolled back, or too old)
is rebuilt from the tables. A new snapshot replaces the old one whole, so a search in another
thread keeps reading the one it started with.

Positions: each dataset has a position in the arrays (its place in id order when the snapshot
was built, new datasets after); ``ids[position]`` is its id.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import DatabaseError, connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from townsquare.catalog import policies
from townsquare.catalog.models import Dataset, DatasetFacet, FacetTerm, SearchChange
from townsquare.catalog.vocabularies import State

logger = logging.getLogger(__name__)

# A catch-up touching more datasets than this share of the catalog rebuilds instead.
REBUILD_SHARE = 0.2
# The texts a listing can be sorted by (Dataset fields: title, slug, identifier).
TEXT_KEYS = ("title", "name", "identifier")
TEXT_FIELDS = ("title", "slug", "identifier")

# A term of at least this share of the datasets is counted as bits (one bit per dataset, the
# size of its postings at 1/64), the others from their postings.
DENSE_SHARE = 1 / 64


@dataclass(frozen=True)
class Snapshot:
    generation: int
    token: str
    ids: np.ndarray  # position → dataset id, ascending
    alive: np.ndarray  # bool: the dataset exists
    public: np.ndarray  # bool: policies.PUBLIC
    published: np.ndarray  # bool: in the published state (of any access level)
    organization: np.ndarray  # organization id
    by_modified: np.ndarray  # positions, most recently modified first (ties: higher id first)
    orders: dict[str, np.ndarray]  # TEXT_KEYS → positions in that order, made when first asked
    owner: np.ndarray  # posting → position, postings in term order
    term: np.ndarray  # posting → term id
    slices: dict[int, tuple[int, int]]  # term id → its postings, owner[start:end]
    dense_terms: np.ndarray  # the terms of many datasets …
    dense: np.ndarray  # … as bits, one row of packed bits per term
    sparse_owner: np.ndarray  # the postings of the other terms
    sparse_term: np.ndarray
    terms: dict[int, tuple[str, str]]  # term id → (facet, value)
    term_ids: dict[tuple[str, str], int]
    modified: np.ndarray  # position → microseconds since the epoch
    texts: dict[str, tuple[str, ...]]  # TEXT_KEYS → position → text

    def positions(self, dataset_ids: np.ndarray) -> np.ndarray:
        """The positions of these datasets, in their order; unknown ids are left out."""
        if not len(self.ids) or not len(dataset_ids):
            return np.zeros(0, dtype=np.int64)
        found = np.searchsorted(self.ids, dataset_ids)
        clipped = np.minimum(found, len(self.ids) - 1)
        known: np.ndarray = clipped[(found < len(self.ids)) & (self.ids[clipped] == dataset_ids)]
        return known

    def visible(self, viewer: policies.Visibility) -> np.ndarray:
        """A mask of the datasets the viewer may know exist (policies.Visibility)."""
        if viewer.everything:
            return self.alive.copy()
        seen: np.ndarray = self.public.copy()
        if viewer.organizations:
            seen |= np.isin(self.organization, np.fromiter(viewer.organizations, np.int64))
        seen &= self.alive
        return seen

    def having(self, facet: str, values: list[str]) -> np.ndarray:
        """A mask of the datasets with any of these values of one facet."""
        mask = np.zeros(len(self.ids), dtype=bool)
        for value in values:
            start, end = self.slices.get(self.term_ids.get((facet, value), -1), (0, 0))
            mask[self.owner[start:end]] = True
        return mask

    def counts(self, mask: np.ndarray) -> dict[tuple[str, str], int]:
        """Datasets per facet value among those in the mask: for the terms of many datasets,
        bits in common with the mask; for the others, a count of their masked postings."""
        found = dict(
            zip(
                self.dense_terms.tolist(),
                np.bitwise_count(self.dense & np.packbits(mask)).sum(axis=1).tolist(),
                strict=True,
            )
        )
        sparse = np.bincount(self.sparse_term[mask[self.sparse_owner]])
        found.update(zip(np.flatnonzero(sparse).tolist(), sparse[sparse > 0].tolist(), strict=True))
        return {self.terms[t]: n for t, n in found.items() if n and t in self.terms}

    def page(  # noqa: PLR0913 - a page of an order
        self, mask: np.ndarray, sort: str, offset: int, limit: int, reverse: bool = False
    ) -> list[int]:
        """One page of the ids in the mask: most recently modified first ("updated"), or by
        one of TEXT_KEYS; ``reverse`` turns the order around."""
        order = self.by_modified if sort == "updated" else self.order(sort)
        chosen = order[mask[order]]
        if reverse:
            chosen = chosen[::-1]
        return [int(i) for i in self.ids[chosen[offset : offset + limit]]]

    def order(self, key: str) -> np.ndarray:
        """The positions by one of TEXT_KEYS, case-insensitively, ties by id. Sorting 100,000
        titles takes a tenth of a second: done when first asked, and kept by the next
        snapshot while none of these texts changes."""
        found = self.orders.get(key)
        if found is None:
            texts, ids = self.texts[key], self.ids
            keyed = sorted(range(len(ids)), key=lambda p: (texts[p].casefold(), int(ids[p])))
            found = self.orders[key] = np.array(keyed, dtype=np.int64)
        return found


_lock = threading.Lock()
_current: Snapshot | None = None


def current() -> Snapshot:
    """The snapshot as of the latest change this connection can see."""
    global _current  # noqa: PLW0603 - one snapshot per process, replaced whole
    generation, token = _generation()
    with _lock:
        snapshot = _current
        if snapshot is None or (snapshot.generation, snapshot.token) != (generation, token):
            snapshot = _caught_up(snapshot, generation, token) or build()
            _current = snapshot
        return snapshot


def warm() -> None:
    """Load the snapshot before the first search asks for it (a web process starting: see
    ``settings.WARM_UP``). A database not ready yet is left to the first search."""
    try:
        current()
    except DatabaseError as error:
        logger.warning("search snapshot not loaded ahead: %s", error)


def forget() -> None:
    """Drop this process's snapshot (tests that replace the database under it)."""
    global _current  # noqa: PLW0603
    with _lock:
        _current = None


def _generation() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value, token FROM catalog_searchgeneration WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def _caught_up(snapshot: Snapshot | None, generation: int, token: str) -> Snapshot | None:
    """The snapshot with the changes since its generation applied, or None when it cannot be
    (its generation is not in the history any more, or the changes are too many)."""
    if snapshot is None or snapshot.generation == 0 or generation < snapshot.generation:
        return None
    rows = list(
        SearchChange.objects.filter(generation__gte=snapshot.generation).values_list(
            "generation", "token", "dataset_id"
        )
    )
    base = [t for g, t, _ in rows if g == snapshot.generation]
    if not base or base[0] != snapshot.token:
        return None
    changed = sorted({pk for g, _, pk in rows if g > snapshot.generation})
    if len(changed) > REBUILD_SHARE * max(len(snapshot.ids), 1000):
        return None
    return _apply(snapshot, changed, generation, token)


def build() -> Snapshot:
    """A snapshot of the whole catalog, from the tables."""
    generation, token = _generation()
    columns = _columns(_dataset_rows(Dataset.objects.order_by("pk")))
    owner_ids, term = _postings(None)
    owner = np.searchsorted(columns.ids, owner_ids)
    return _finish(generation, token, columns, owner, term)


@dataclass(frozen=True)
class _Columns:
    """What a snapshot knows of each dataset, by position."""

    ids: np.ndarray
    alive: np.ndarray
    public: np.ndarray
    published: np.ndarray
    organization: np.ndarray
    modified: np.ndarray
    texts: dict[str, list[str]]


def _apply(snapshot: Snapshot, changed: list[int], generation: int, token: str) -> Snapshot | None:
    rows = _dataset_rows(Dataset.objects.filter(pk__in=changed).order_by("pk"))
    new = _columns([row for row in rows if not _known(snapshot.ids, row[0])])
    if len(new.ids) and new.ids[0] <= snapshot.ids[-1:].max(initial=0):
        return None  # a new dataset with an id below the others: positions would not sort
    columns = _Columns(
        ids=np.concatenate([snapshot.ids, new.ids]),
        alive=np.concatenate([snapshot.alive, new.alive]),
        public=np.concatenate([snapshot.public, new.public]),
        published=np.concatenate([snapshot.published, new.published]),
        organization=np.concatenate([snapshot.organization, new.organization]),
        modified=np.concatenate([snapshot.modified, new.modified]),
        texts={key: [*snapshot.texts[key], *new.texts[key]] for key in TEXT_KEYS},
    )
    gone = snapshot.positions(np.array(changed, dtype=np.int64))
    columns.alive[gone] = False
    unchanged = {key for key in snapshot.orders if not len(new.ids)}
    for pk, organization, public, published, modified, *texts in rows:
        position = int(np.searchsorted(columns.ids, pk))
        columns.alive[position] = True
        columns.public[position] = public
        columns.published[position] = published
        columns.organization[position] = organization
        columns.modified[position] = micros(modified)
        for key, text in zip(TEXT_KEYS, texts, strict=True):
            if columns.texts[key][position] != text:
                unchanged.discard(key)
                columns.texts[key][position] = text
    kept = ~np.isin(snapshot.owner, gone)
    owner_ids, new_term = _postings(changed)
    owner = np.concatenate([snapshot.owner[kept], np.searchsorted(columns.ids, owner_ids)])
    term = np.concatenate([snapshot.term[kept], new_term])
    orders = {key: snapshot.orders[key] for key in unchanged}
    return _finish(generation, token, columns, owner, term, orders)


def _known(ids: np.ndarray, dataset_id: int) -> bool:
    position = int(np.searchsorted(ids, dataset_id))
    return position < len(ids) and int(ids[position]) == dataset_id


Row = tuple[int, int, bool, bool, datetime, str, str, str]


def _dataset_rows(datasets: QuerySet[Dataset]) -> list[Row]:
    public = ExpressionWrapper(policies.PUBLIC, output_field=BooleanField())
    published = ExpressionWrapper(Q(state=State.PUBLISHED), output_field=BooleanField())
    return list(
        datasets.annotate(is_public=public, is_published=published).values_list(
            "pk", "organization_id", "is_public", "is_published", "modified", *TEXT_FIELDS
        )
    )


def _columns(rows: list[Row]) -> _Columns:
    return _Columns(
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        alive=np.ones(len(rows), dtype=bool),
        public=np.array([bool(row[2]) for row in rows], dtype=bool),
        published=np.array([bool(row[3]) for row in rows], dtype=bool),
        organization=np.array([row[1] for row in rows], dtype=np.int64),
        modified=np.array([micros(row[4]) for row in rows], dtype=np.int64),
        texts={key: [str(row[5 + n]) for row in rows] for n, key in enumerate(TEXT_KEYS)},
    )


def _postings(dataset_ids: list[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """(dataset id, term id) of every facet entry, or of these datasets' entries."""
    links = DatasetFacet.objects.order_by("dataset_id")
    if dataset_ids is not None:
        links = links.filter(dataset_id__in=dataset_ids)
    pairs = np.array(list(links.values_list("dataset_id", "term_id")), dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _finish(  # noqa: PLR0913 - the parts of a snapshot
    generation: int,
    token: str,
    columns: _Columns,
    owner: np.ndarray,
    term: np.ndarray,
    orders: dict[str, np.ndarray] | None = None,
) -> Snapshot:
    terms = {
        pk: (facet, value)
        for pk, facet, value in FacetTerm.objects.values_list("pk", "facet", "value")
    }
    ids = columns.ids
    return Snapshot(
        generation=generation,
        token=token,
        ids=ids,
        alive=columns.alive,
        public=columns.public,
        published=columns.published,
        organization=columns.organization,
        by_modified=np.lexsort((-ids, -columns.modified)),
        orders=dict(orders or {}),
        **_by_term(owner, term, len(ids)),
        terms=terms,
        term_ids={pair: pk for pk, pair in terms.items()},
        modified=columns.modified,
        texts={key: tuple(texts) for key, texts in columns.texts.items()},
    )


def _by_term(owner: np.ndarray, term: np.ndarray, size: int) -> dict[str, Any]:
    """The postings in term order, with each term's slice of them, the terms of many datasets
    as rows of bits and the others' postings apart."""
    by_term = np.argsort(term, kind="stable")
    owner, term = owner[by_term].astype(np.int64), term[by_term].astype(np.int64)
    present, starts, sizes = np.unique(term, return_index=True, return_counts=True)
    slices = {
        t: (start, start + n)
        for t, start, n in zip(present.tolist(), starts.tolist(), sizes.tolist(), strict=True)
    }
    dense_terms = present[sizes >= max(DENSE_SHARE * size, 1)]
    dense = np.zeros((len(dense_terms), (size + 7) // 8), dtype=np.uint8)
    for row, t in enumerate(dense_terms.tolist()):
        bits = np.zeros(size, dtype=bool)
        bits[owner[slice(*slices[t])]] = True
        dense[row] = np.packbits(bits)
    sparse = ~np.isin(term, dense_terms)
    return {
        "owner": owner,
        "term": term,
        "slices": slices,
        "dense_terms": dense_terms,
        "dense": dense,
        "sparse_owner": owner[sparse],
        "sparse_term": term[sparse],
    }


def micros(moment: datetime) -> int:
    """A moment as the snapshot's modification times are kept: microseconds since the epoch."""
    return int(moment.timestamp() * 1_000_000)
