"""The column profile: counts, ranges, top values and histograms, whatever the column's type."""

from __future__ import annotations

import datetime
import decimal
import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from townsquare.datastore.tests.helpers import ingest, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    return make_dataset(public_works, slug="profiled")


def test_histograms_of_numbers_dates_and_times(dataset: Any) -> None:
    lines = ["n,day,at,word"]
    for i in range(100):
        lines.append(f"{i},2024-01-{i % 20 + 1:02d},2024-03-01 {i % 10:02d}:00:00,w{i % 3}")
    version = ingest(dataset, "h.csv", "\n".join(lines).encode())
    columns = version.profile["columns"]
    assert [columns[c]["type"] for c in ("n", "day", "at", "word")] == [
        "integer",
        "date",
        "datetime",
        "string",
    ]
    numbers = columns["n"]["histogram"]
    assert [b["count"] for b in numbers] == [10] * 10
    assert (numbers[0]["from"], numbers[-1]["to"]) == (0, 99)
    days = columns["day"]["histogram"]
    assert (days[0]["from"], days[-1]["to"]) == ("2024-01-01", "2024-01-20")
    assert sum(b["count"] for b in days) == 100
    times = columns["at"]["histogram"]
    assert (times[0]["from"], times[-1]["to"]) == ("2024-03-01T00:00:00", "2024-03-01T09:00:00")
    assert [b["count"] for b in times] == [10] * 10
    assert "histogram" not in columns["word"]
    assert columns["word"]["top"][0] == {"value": "w0", "count": 34}


def test_integers_written_every_way_keep_their_values(dataset: Any) -> None:
    version = ingest(dataset, "i.csv", b"n\n+5\n 12 \n-0\n-7\n9007199254740993\n")
    assert version.fields[0]["type"] == "integer"
    assert [r[0] for r in rows(version)] == [5, 12, 0, -7, 9007199254740993]
    zip_codes = ingest(dataset, "z.csv", b"zip\n02134\n12345\n")
    assert zip_codes.fields[0]["type"] == "string"


def test_decimals_from_parquet_get_a_histogram(dataset: Any) -> None:
    values = [decimal.Decimal(f"{i}.50") for i in range(20)]
    table = pa.table(
        {
            "amount": pa.array(values, pa.decimal128(10, 2)),
            "on": pa.array([datetime.date(2024, 1, i + 1) for i in range(20)]),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    version = ingest(dataset, "d.parquet", buffer.getvalue())
    histogram = version.profile["columns"]["amount"]["histogram"]
    assert (histogram[0]["from"], histogram[-1]["to"]) == (0.5, 19.5)
    assert sum(b["count"] for b in histogram) == 20
