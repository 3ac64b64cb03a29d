"""A source's schedule as a period (periods.py): every N hours, daily at a time, weekly on a
day at a time, in the site's time zone."""

from __future__ import annotations

from datetime import time, timedelta

from townsquare.upkeep.models import Source
from townsquare.upkeep.periods import Daily, Every, Period, Weekly

DEFAULT_AT = time(6)


def period_of(source: Source) -> Period:
    if source.schedule == Source.Schedule.HOURS:
        return Every(timedelta(hours=max(1, source.every_hours)))
    if source.schedule == Source.Schedule.WEEKLY:
        return Weekly(source.weekday % 7, source.at or DEFAULT_AT)
    return Daily(source.at or DEFAULT_AT)
