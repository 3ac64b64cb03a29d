"""When something runs again: every N hours (or minutes), daily at a time, weekly on a day at a
time — the times in the site's time zone (TIME_ZONE), so "daily at 06:00" stays at six in the
morning across daylight saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Every:
    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval

    def __str__(self) -> str:
        minutes = int(self.interval.total_seconds() // 60)
        if minutes % 60:
            return "every minute" if minutes == 1 else f"every {minutes} minutes"
        hours = minutes // 60
        return "every hour" if hours == 1 else f"every {hours} hours"


@dataclass(frozen=True)
class Daily:
    at: time

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(_zone())
        candidate = datetime.combine(local.date(), self.at, tzinfo=_zone())
        while candidate <= local:
            candidate = datetime.combine(candidate.date() + timedelta(days=1), self.at, _zone())
        return candidate

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M}"


@dataclass(frozen=True)
class Weekly:
    weekday: int  # 0 = Monday
    at: time

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(_zone())
        day = local.date() + timedelta(days=(self.weekday - local.weekday()) % 7)
        candidate = datetime.combine(day, self.at, tzinfo=_zone())
        if candidate <= local:
            candidate = datetime.combine(day + timedelta(days=7), self.at, tzinfo=_zone())
        return candidate

    def __str__(self) -> str:
        return f"every {WEEKDAYS[self.weekday]} at {self.at:%H:%M}"


Period = Every | Daily | Weekly
