"""The records query's q by the word index: words as SQLite FTS5 sees them (case, accents,
whole words only), every word needed in some text column, the same answers from the index, from
a column too varied to index and from a version stored before the index existed, with where,
order_by, paging and totals, and the index kept by the clean-up."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from townsquare.datastore import files, services, words
from townsquare.datastore.models import DataVersion
from townsquare.datastore.tests.helpers import ingest

pytestmark = pytest.mark.django_db

URL = "/api/v1/datasets/trips/records"
ROWS = [
    "id,carrier,tail,city,note,amount",
    "1,UA,N839UA,Zürich,on time,10",
    "2,UA,N14228,New York,late evening,20",
    "3,AA,N839UA,new york,Late,30",
    "4,B6,N-14228,Genève,early,40",
    "5,,N14228,zurich,late late,50",
    "6,DL,,,,60",
]


@pytest.fixture
def trips(public_works: Any, make_dataset: Any) -> Any:
    dataset = make_dataset(public_works, slug="trips", title="Trips")
    version = ingest(dataset, "trips.csv", "\n".join(ROWS).encode())
    assert version.status == "ready", version.error
    return version


def ids(url: str = URL, **params: Any) -> list[int]:
    response = Client().get(url, {"limit": 1000, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    if not params.get("offset"):
        assert body["total"] == len(body["rows"])
    return [row["id"] for row in body["rows"]]


CASES = [
    ("ua", [1, 2]),  # the carrier UA; not the tail number N839UA
    ("n839ua", [1, 3]),
    ("N14228", [2, 5]),  # "N-14228" is the words n and 14228: 14228 matches, not n14228
    ("14228", [4]),
    ("zurich", [1, 5]),  # without accents or case
    ("ZÜRICH", [1, 5]),
    ("geneve", [4]),
    ("new york", [2, 3]),  # every word, anywhere in the row's text
    ("york late", [2, 3]),  # one word in the city, the other in the note
    ("late", [2, 3, 5]),
    ("lat", []),  # whole words only
    ("york nowhere", []),
    ("  ", None),  # no words: no condition
]


@pytest.mark.parametrize(("q", "expected"), CASES)
def test_words_as_fts5_sees_them(trips: Any, q: str, expected: list[int] | None) -> None:
    assert trips.words.endswith(words.NAME)
    assert ids(q=q) == (expected if expected is not None else [1, 2, 3, 4, 5, 6])
    if expected is not None:
        assert expected == _fts5(q)  # SQLite's own answer, as Datasette's _search asks it


def _fts5(q: str) -> list[int]:
    """The ids SQLite's FTS5 (unicode61, as Datasette uses it) finds for ``q``'s words."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(carrier, tail, city, note)")
    for line in ROWS[1:]:
        row = line.split(",")
        db.execute(
            "INSERT INTO t (rowid, carrier, tail, city, note) VALUES (?, ?, ?, ?, ?)", row[:5]
        )
    asked = " ".join(f'"{word}"' for word in q.split())
    found = db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", [asked]).fetchall()
    return [int(r) for (r,) in found]


def test_index_scanned_columns_and_unindexed_versions_answer_the_same(
    trips: Any, public_works: Any, make_dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {q: ids(q=q) for q, _ in CASES if q.strip()}
    monkeypatch.setattr(words, "MAX_VALUES", 3)  # carrier, city, note: split at query time
    again = make_dataset(public_works, slug="trips-varied", title="Varied")
    varied = ingest(again, "trips.csv", "\n".join(ROWS).encode())
    found = words.lookup(_cursor(), varied.words, "late")
    assert sorted(found.scanned or []) == ["carrier", "city", "note"]
    assert found.values == {}  # tail (3 values) is indexed but holds no "late"
    for q, answer in expected.items():
        assert ids("/api/v1/datasets/trips-varied/records", q=q) == answer, q
    DataVersion.objects.filter(pk=trips.pk).update(words="")  # stored before the index
    for q, answer in expected.items():
        assert ids(q=q, offset=0) == answer, q


def test_q_with_where_order_paging_and_totals(trips: Any) -> None:
    assert ids(q="late", where="amount > 20") == [3, 5]
    assert ids(q="late", order_by="amount desc") == [5, 3, 2]
    first = Client().get(URL, {"q": "late", "limit": "2"}).json()
    assert (first["total"], [r["id"] for r in first["rows"]]) == (3, [2, 3])
    assert first["next"].endswith("offset=2")
    second = Client().get(first["next"]).json()
    assert (second["total"], [r["id"] for r in second["rows"]]) == (3, [5])
    grouped = Client().get(URL, {"q": "late", "select": "count(*) AS n, sum(amount) AS total"})
    assert grouped.json()["rows"] == [{"n": 3, "total": 100}]


def test_too_many_words_are_refused(trips: Any) -> None:
    response = Client().get(URL, {"q": "a-b-c-d-e-f-g-h-i-j-k"})
    assert response.status_code == 400
    assert "at most 10 words" in response.json()["detail"]


def test_many_values_holding_a_word_and_the_index_kept_by_the_clean_up(
    public_works: Any, make_dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from townsquare.datastore.query import records  # noqa: PLC0415

    monkeypatch.setattr(records, "IN_LIST", 2)  # three places hold "oak": a list parameter
    dataset = make_dataset(public_works, slug="places", title="Places")
    lines = ["id,place", "1,Oak Hall", "2,Oak Barn", "3,Oak Mill", "4,Oak Hall", "5,Elm Yard"]
    version = ingest(dataset, "s.csv", "\n".join(lines).encode())
    assert ids("/api/v1/datasets/places/records", q="oak") == [1, 2, 3, 4]
    services.storage_cleanup(stale_after=timedelta(0))
    assert files.local_path(version.words).exists()


def test_unfiltered_pages_by_row_number_and_exports_unchanged(trips: Any) -> None:
    assert ids(offset=2, limit=3) == [3, 4, 5]
    assert ids(offset=5) == [6]
    assert ids(offset=6) == []
    export = Client().get("/api/v1/datasets/trips/export.csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content  # type: ignore[attr-defined]
    header = body.decode().splitlines()[0]
    assert header == "id,carrier,tail,city,note,amount"


def _cursor() -> Any:
    from townsquare.datastore.query import run  # noqa: PLC0415

    return run.cursor()


SAMPLES = [
    "Zürich–Genève", "Straße", "ÉCOLE élève", "Ørsted Å", "İstanbul ıi", "Москва, Киев",
    "Αθήνα", "東京 大阪", "x² + y³", "snake_case word", "N-14228/UA", "naïve café",
    "tab\there", "emoji 😀 ok", "½ ¾", "ﬁne", "Ⅻ", "a.b.c", "  spaces  ", "",
]  # fmt: skip


@pytest.mark.parametrize("text", SAMPLES)
def test_the_query_splits_words_as_the_index_does(text: str) -> None:
    row = _cursor().execute(f"SELECT {words.split('?')}", [text]).fetchone()
    indexed = list(dict.fromkeys(w for w in row[0] if w)) if row and row[0] else []
    assert words.asked(text) == indexed[: words.MAX_WORDS]


def test_q_answers_without_remembered_words(trips: Any, settings: Any) -> None:
    settings.DATASTORE_RESULT_CACHE_MB = 0
    from townsquare.datastore.query.cache import answers  # noqa: PLC0415

    answers.clear()
    assert ids(q="york late") == [2, 3]
    assert ids(q="york late", offset=0, limit=5) == [2, 3]


@pytest.mark.parametrize("small", [words.SMALL_INDEX, 0])  # read whole, or word by word
def test_totals_from_the_index_count_a_row_once(
    public_works: Any, make_dataset: Any, monkeypatch: pytest.MonkeyPatch, small: int
) -> None:
    monkeypatch.setattr(words, "SMALL_INDEX", small)
    from townsquare.datastore.query.cache import answers  # noqa: PLC0415

    answers.clear()
    dataset = make_dataset(public_works, slug="pairs", title="Pairs")
    lines = ["id,a,b", "1,fox,cat", "2,dog,fox", "3,fox,fox", "4,cat,dog", "5,fox,cat"]
    ingest(dataset, "p.csv", "\n".join(lines).encode())
    url = "/api/v1/datasets/pairs/records"
    assert ids(url, q="fox") == [1, 2, 3, 5]  # in a, in b, in both: counted
    assert ids(url, q="cat") == [1, 4, 5]
    only_a = Client().get(url, {"q": "dog", "limit": "1"}).json()
    assert only_a["total"] == 2 and [r["id"] for r in only_a["rows"]] == [2]
    assert Client().get(url, {"q": "fox", "limit": "1"}).json()["total"] == 4
    assert Client().get(url, {"q": "nothing"}).json()["total"] == 0


def test_the_records_api_says_how_long_its_statements_took(trips: Any) -> None:
    first = Client().get(URL, {"q": "late", "where": "amount > 0"})
    timing = first["Server-Timing"]
    assert timing.startswith("duckdb;dur=") and float(timing.split("=")[1]) > 0
    again = Client().get(URL, {"q": "late", "where": "amount > 0"})  # the remembered answer
    assert again["Server-Timing"] == "duckdb;dur=0.00"
