"""The demo town's live source: street light outages as Public Works' outage system would
export them, a CSV that changes every hour (new outages reported, repaired ones gone, statuses
moving on). The portal serves it itself at /demo/sources/street-light-outages.csv when
TOWNSQUARE_DEMO_SOURCES is on (`make demo`), and refreshes the demo dataset from it hourly.
The same hour always gives the same bytes."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

from townsquare.demo import geography

START = datetime(2026, 10, 1, tzinfo=UTC)  # outage 0 was reported then
PER_HOUR = 2  # outages reported each hour
LONGEST = 72  # hours an outage may last
CREWS = ["Crew A", "Crew B", "Crew C"]
STREETS = geography.EAST_WEST + geography.NORTH_SOUTH
COLUMNS = ["outage_id", "street", "pole", "reported_at", "status", "crew"]


def _outage(number: int) -> tuple[datetime, int, str, int, str]:
    rng = random.Random(number)
    reported = START + timedelta(hours=number // PER_HOUR, minutes=rng.randrange(60))
    return (
        reported,
        rng.randrange(6, LONGEST),
        rng.choice(STREETS),
        rng.randrange(1, 400),
        rng.choice(CREWS),
    )


def _status(elapsed: float, lasts: int) -> str:
    share = elapsed / lasts
    return "reported" if share < 0.25 else "crew assigned" if share < 0.75 else "repair scheduled"


def rows_at(moment: datetime) -> list[list[str]]:
    """The outages open at ``moment`` (to the hour), oldest first."""
    hour = moment.astimezone(UTC).replace(minute=59, second=59, microsecond=0)
    newest = int((hour - START).total_seconds() // 3600) * PER_HOUR + PER_HOUR - 1
    found = []
    for number in range(max(0, newest - LONGEST * PER_HOUR), newest + 1):
        reported, lasts, street, pole, crew = _outage(number)
        elapsed = (hour - reported).total_seconds() / 3600
        if 0 <= elapsed < lasts:
            status = _status(elapsed, lasts)
            found.append(
                [
                    f"SL-{number:05d}",
                    street,
                    str(pole),
                    reported.strftime("%Y-%m-%dT%H:%M:00Z"),
                    status,
                    crew if status != "reported" else "",
                ]
            )
    return found


def csv_at(moment: datetime) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows_at(moment))
    return out.getvalue().encode()
