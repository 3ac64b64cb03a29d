"""Shared by the datastore tests: ingest a file synchronously, read a version's rows."""

from __future__ import annotations

from typing import Any

import duckdb
from django.core.files.base import ContentFile

from townsquare.core.actors import SYSTEM
from townsquare.datastore import files, services
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version


def ingest(dataset: Any, name: str, content: bytes, **options: Any) -> DataVersion:
    """The operator's load with ``--publish``: published at once unless checks hold it."""
    created = services.version_create(
        actor=SYSTEM,
        dataset=dataset,
        upload=ContentFile(content, name=name),
        options=options,
        enqueue=False,
        override=True,
    )
    return services.version_ingest(created.version.pk)


def published_number(dataset: Any) -> int | None:
    """The number of the dataset's published version, None when nothing is published."""
    version = published_version(dataset)
    return version.number if version is not None else None


def rows(version: DataVersion) -> list[tuple[Any, ...]]:
    """The version's rows, the fields only (without the datastore's own hidden columns)."""
    path = files.local_path(version.parquet)
    names = ", ".join(f'"{f["name"]}"' for f in version.fields if f["type"] != "geojson")
    found = duckdb.sql(f"SELECT {names} FROM read_parquet('{path}')")
    assert found is not None
    return found.fetchall()


def flights_csv(count: int = 300) -> bytes:
    """A small flights-like table, the same every time: ids 1…count in file order."""
    carriers = ["UA", "AA", "DL", "B6", "=cmd|' /C calc'!A0"]
    lines = ["id,carrier,month,dep_delay,origin,flight_date,note"]
    for i in range(1, count + 1):
        delay = "NA" if i % 17 == 0 else str((i * 37) % 90 - 20)
        note = "late evening flight" if i % 5 == 0 else "morning"
        day = (i % 28) + 1
        month = (i % 12) + 1
        lines.append(
            f"{i},{carriers[i % 5]},{month},{delay},{'EWR' if i % 3 else 'JFK'},"
            f"2013-{month:02d}-{day:02d},{note}"
        )
    return ("\n".join(lines) + "\n").encode()
