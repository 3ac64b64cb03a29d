"""What is searchable about each dataset.

``index_dataset`` keeps a ``SearchDocument`` row (title, keywords, organization, the plain text
of the description and the formats) and the dataset's facet terms. The database keeps its own
full-text index over the document table: an FTS5 table fed by triggers on SQLite, a generated,
weighted ``tsvector`` column with a GIN index on PostgreSQL (migration 0002).

Each facet term carries the number of datasets that have it, kept exact here, so that the
facet counts of the whole catalog are a read of a few hundred rows.

Every change here is also written down as a new generation of the catalog's search entries
(``SearchGeneration``, ``SearchChange``), in the same transaction, for the processes' search
snapshots (``snapshot``) to catch up with.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from townsquare.catalog.models import (
    Dataset,
    DatasetFacet,
    FacetTerm,
    SearchChange,
    SearchDocument,
    SearchGeneration,
)
from townsquare.core.markdown import plain_text

KEPT_GENERATIONS = 2000


def facet_values(dataset: Dataset) -> list[tuple[str, str]]:
    values = [
        ("organization", dataset.organization.slug),
        ("access_level", dataset.access_level),
    ]
    if dataset.license:
        values.append(("license", dataset.license))
    if dataset.freshness:
        values.append(("freshness", dataset.freshness))
    values += [("theme", code) for code in dict.fromkeys(dataset.themes)]
    values += [("keyword", keyword.strip().lower()[:300]) for keyword in dataset.keywords]
    values += [("format", fmt) for fmt in _formats(dataset)]
    return list(dict.fromkeys(values))


def _formats(dataset: Dataset) -> list[str]:
    return sorted({d.format for d in dataset.distributions.all() if d.format and not d.pending})


def _document(dataset: Dataset) -> SearchDocument:
    return SearchDocument(
        dataset=dataset,
        title=dataset.title,
        keywords=" ".join(dataset.keywords),
        organization=dataset.organization.name,
        description=plain_text(dataset.description),
        formats=" ".join(_formats(dataset))[:200],
    )


def index_dataset(dataset: Dataset) -> None:
    """Bring the dataset's search document and facet terms up to date. Call inside the
    transaction that changed the dataset."""
    reindex(Dataset.objects.filter(pk=dataset.pk))


def reindex(datasets: QuerySet[Dataset], batch_size: int = 500) -> int:
    """Rebuild the search documents and facet terms of many datasets, in batches, keeping each
    term's dataset count exact. The datasets are locked while their terms change, so two
    reindexings of one dataset cannot both count it."""
    done = 0
    ids = list(datasets.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            chunk = ids[start : start + batch_size]
            list(Dataset.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
            batch = list(
                Dataset.objects.filter(pk__in=chunk)
                .select_related("organization")
                .prefetch_related("distributions")
            )
            _replace_entries(batch)
        done += len(batch)
    return done


def _replace_entries(batch: list[Dataset]) -> None:
    values = {d.pk: facet_values(d) for d in batch}
    terms = _term_ids(pair for pairs in values.values() for pair in pairs)
    before = _terms_of(batch)
    SearchDocument.objects.filter(dataset__in=batch).delete()
    DatasetFacet.objects.filter(dataset__in=batch).delete()
    SearchDocument.objects.bulk_create(_document(d) for d in batch)
    links = [
        DatasetFacet(dataset_id=pk, term_id=terms[pair])
        for pk, pairs in values.items()
        for pair in pairs
    ]
    DatasetFacet.objects.bulk_create(links)
    after = Counter(link.term_id for link in links)
    after.subtract(before)
    _adjust_counts(after)
    changed(values)


def set_facet(facet: str, values: dict[int, str]) -> None:
    """Give datasets (id → value, "" for none) their value of one facet, leaving the rest of
    their entries alone: the freshness evaluation changes only this. Call inside the
    transaction that changed the datasets."""
    if not values:
        return
    ids = list(values)
    terms = _term_ids((facet, v) for v in values.values() if v)
    old = DatasetFacet.objects.filter(dataset_id__in=ids, term__facet=facet)
    before = Counter(old.values_list("term_id", flat=True))
    old.delete()
    links = [
        DatasetFacet(dataset_id=pk, term_id=terms[(facet, v)]) for pk, v in values.items() if v
    ]
    DatasetFacet.objects.bulk_create(links, batch_size=2000)
    after = Counter(link.term_id for link in links)
    after.subtract(before)
    _adjust_counts(after)
    changed(ids)


def _term_ids(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    wanted = set(pairs)
    if not wanted:
        return {}
    facets = {facet for facet, _ in wanted}
    values = {value for _, value in wanted}

    def existing() -> dict[tuple[str, str], int]:
        rows = FacetTerm.objects.filter(facet__in=facets, value__in=values)
        return {(t.facet, t.value): t.pk for t in rows if (t.facet, t.value) in wanted}

    found = existing()
    missing = wanted - set(found)
    if missing:
        FacetTerm.objects.bulk_create(
            [FacetTerm(facet=f, value=v) for f, v in missing], ignore_conflicts=True
        )
        found = existing()
    return found


def unindex(datasets: QuerySet[Dataset]) -> None:
    """Take datasets that are about to be deleted out of the facet counts."""
    batch = list(datasets.select_for_update())
    removed = _terms_of(batch)
    DatasetFacet.objects.filter(dataset__in=batch).delete()
    _adjust_counts(Counter({term: -n for term, n in removed.items()}))
    changed(d.pk for d in batch)


def changed(dataset_ids: Iterable[int]) -> None:
    """Write down a new generation of the search entries, changing these datasets. Call inside
    the transaction that changed them (or their visibility, title or modification time): the
    counter's row stays locked until it commits."""
    ids = sorted(set(dataset_ids))
    if not ids:
        return
    SearchGeneration.objects.get_or_create(pk=1)
    token = secrets.token_hex(8)
    SearchGeneration.objects.filter(pk=1).update(value=F("value") + 1, token=token)
    generation = SearchGeneration.objects.values_list("value", flat=True).get(pk=1)
    SearchChange.objects.bulk_create(
        [SearchChange(generation=generation, token=token, dataset_id=pk) for pk in ids],
        batch_size=2000,
    )
    SearchChange.objects.filter(generation__lt=generation - KEPT_GENERATIONS).delete()


def recount() -> None:
    """Recompute every term's dataset count from the facet table (after a full reindex)."""
    counts = dict(
        DatasetFacet.objects.values_list("term_id").annotate(n=Count("dataset_id")).order_by()
    )
    for term in FacetTerm.objects.all():
        if term.dataset_count != counts.get(term.pk, 0):
            FacetTerm.objects.filter(pk=term.pk).update(dataset_count=counts.get(term.pk, 0))


def refresh_statistics() -> None:
    """Let the database's query planner see the catalog as it now is, after a bulk load or a
    full reindex: ANALYZE, and on PostgreSQL VACUUM too, which lets index-only scans skip the
    table (autovacuum would get there later). Inside a transaction, where VACUUM cannot run,
    ANALYZE alone."""
    tables = [
        "catalog_dataset",
        "catalog_searchdocument",
        "catalog_datasetfacet",
        "catalog_facetterm",
    ]
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")


def _terms_of(batch: list[Dataset]) -> Counter[int]:
    return Counter(DatasetFacet.objects.filter(dataset__in=batch).values_list("term_id", flat=True))


def _adjust_counts(changes: Counter[int]) -> None:
    for term_id, change in changes.items():
        if change:
            FacetTerm.objects.filter(pk=term_id).update(dataset_count=F("dataset_count") + change)
