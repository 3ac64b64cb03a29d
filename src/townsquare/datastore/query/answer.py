"""A records request answered as a finished body, remembered per version and request."""

from __future__ import annotations

from dataclasses import dataclass

from townsquare.datastore.models import DataVersion
from townsquare.datastore.query import output
from townsquare.datastore.query.cache import answers
from townsquare.datastore.query.reads import read_records
from townsquare.datastore.query.records import RecordsQuery

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
}


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str
    total: int


def records_answer(
    version: DataVersion, query: RecordsQuery, form: str, *, address: str, next_address: str
) -> Answer:
    """``address`` is the request's full URL (the key); ``next_address`` the next page's URL
    without its offset value, which is appended."""
    key = ("records", version.pk, version.parquet, form, address)
    found = answers.get(key)
    if isinstance(found, Answer):
        return found
    page = read_records(version, query, want_geometry=form == "geojson")
    head = {"dataset": version.dataset.slug, "version": version.number}
    following = page.next_offset
    tail = {
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": None if following is None else f"{next_address}{following}",
    }
    if form == "csv":
        body = output.as_csv(page.columns, page.rows)
    elif form == "geojson":
        body = output.as_geojson(page.columns, page.rows, {**head, **tail})
    else:
        body = output.as_json(page.columns, page.rows, head, tail)
    answer = Answer(body, CONTENT_TYPES[form], page.total)
    answers.put(key, answer, len(body) + 200)
    return answer
