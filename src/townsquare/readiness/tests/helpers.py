from __future__ import annotations

import csv
import io
from typing import Any

HEADER = [
    "identifier",
    "title",
    "department",
    "steward",
    "update_frequency",
    "access_level",
    "reason",
    "state",
    "public_requests",
    "transparency",
]


def csv_file(rows: list[Any], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


ZONING: list[Any] = [
    "PW-001",
    "Zoning districts",
    "public-works",
    "",
    "R/P1Y",
    "public",
    "",
    "",
    12,
    3,
]
PERMITS: list[Any] = [
    "PW-002",
    "Building permits",
    "Public Works",
    "",
    "R/P1M",
    "",
    "",
    "shortlisted",
    4,
    2,
]
