"""When a dataset's next update is due, and how late it is: one formula, used by the badge, the
search facet, the API, the metadata score, the dashboard and the reminders alike.

With P the period of the update frequency and L the last data update (the published data
version, else the metadata ``modified`` date):

    step         = P / 2, at least GRACE (1 day: uData's day of grace), at most MAX_STEP (60 days)
    due at       = L + P
    overdue at   = due at + step
    delinquent at = overdue at + step

fresh before ``due at``, then due, overdue and delinquent (HDX's ladder: a monthly dataset is
due at 30 days, overdue at 45, delinquent at 60; a daily one at 1, 2 and 3 days). Frequencies
without a period (irregular, continuous, as needed, unknown…) are never late.

The frequency is an ISO 8601 repeating duration (``R/P1M``, ``R/PT6H``, ``R/P1.5M``) or a word
of the vocabularies a harvested record may carry: Dublin Core's (``http://purl.org/cld/freq/``),
the EU's (``http://publications.europa.eu/resource/authority/frequency/``) and ISO 19115's
maintenance frequency codes, bare or as the full URI, in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import isodate
from django.conf import settings
from django.db import models

DAY = timedelta(days=1)
MONTH = timedelta(days=30.436875)  # months and years at their average length
YEAR = timedelta(days=365.2425)

# Words that never make a dataset late.
NO_PERIOD = frozenset(
    {
        "irregular",
        "irreg",
        "continuous",
        "cont",
        "update_cont",
        "continual",
        "never",
        "notplanned",
        "not_planned",
        "asneeded",
        "as_needed",
        "unknown",
        "other",
        "op_datpro",
        "punctual",
    }
)
# Words with a period, from the three vocabularies (lower case).
PERIODS: dict[str, timedelta] = {
    "tridecennial": 30 * YEAR,
    "bidecennial": 20 * YEAR,
    "decennial": 10 * YEAR,
    "quinquennial": 5 * YEAR,
    "quadrennial": 4 * YEAR,
    "triennial": 3 * YEAR,
    "biennial": 2 * YEAR,
    "annual": YEAR,
    "annually": YEAR,
    "semiannual": 6 * MONTH,
    "biannually": 6 * MONTH,
    "annual_2": 6 * MONTH,
    "threetimesayear": 4 * MONTH,
    "annual_3": 4 * MONTH,
    "quarterly": 3 * MONTH,
    "bimonthly": 2 * MONTH,
    "monthly": MONTH,
    "semimonthly": MONTH / 2,
    "monthly_2": MONTH / 2,
    "threetimesamonth": MONTH / 3,
    "monthly_3": MONTH / 3,
    "biweekly": timedelta(weeks=2),
    "fortnightly": timedelta(weeks=2),
    "weekly": timedelta(weeks=1),
    "semiweekly": timedelta(days=3.5),
    "weekly_2": timedelta(days=3.5),
    "threetimesaweek": timedelta(days=7 / 3),
    "weekly_3": timedelta(days=7 / 3),
    "daily": DAY,
    "daily_2": DAY / 2,
    "12hrs": timedelta(hours=12),
    "trihourly": timedelta(hours=3),
    "bihourly": timedelta(hours=2),
    "hourly": timedelta(hours=1),
    "30min": timedelta(minutes=30),
    "15min": timedelta(minutes=15),
    "10min": timedelta(minutes=10),
    "5min": timedelta(minutes=5),
    "1min": timedelta(minutes=1),
}
VOCABULARIES = (
    "http://purl.org/cld/freq/",
    "http://publications.europa.eu/resource/authority/frequency/",
)


class State(models.TextChoices):
    NONE = "", "No schedule"
    FRESH = "fresh", "Up to date"
    DUE = "due", "Update due"
    OVERDUE = "overdue", "Overdue"
    DELINQUENT = "delinquent", "Delinquent"


LATE = (State.OVERDUE, State.DELINQUENT)


@dataclass(frozen=True)
class Freshness:
    state: str
    due_at: datetime | None = None
    overdue_at: datetime | None = None
    delinquent_at: datetime | None = None

    def days_late(self, now: datetime) -> int:
        """Whole days since the update was due (0 when it is not due yet)."""
        if self.due_at is None or now < self.due_at:
            return 0
        return (now - self.due_at).days


def described(state: str, due_at: datetime | None, now: datetime) -> dict[str, object]:
    """The freshness fields of the API: the state, its label, when the update is due and how
    many days late it is (as the dataset row keeps them)."""
    late = (now - due_at).days if due_at is not None and now >= due_at else 0
    return {
        "state": state,
        "label": str(State(state).label) if state in State.values else "",
        "due_at": due_at,
        "days_late": late if state in LATE or state == State.DUE else 0,
    }


def word(frequency: str) -> str:
    """The vocabulary word of a frequency (its URI's last part), in lower case."""
    text = frequency.strip()
    for base in VOCABULARIES:
        if text.lower().startswith(base.lower()):
            text = text[len(base) :]
    return text.strip("/").lower()


def known(frequency: str) -> bool:
    """Whether the frequency is one this module understands (the validator asks)."""
    if frequency.upper().startswith("R/P"):
        return _duration(frequency[2:]) is not None
    return word(frequency) in PERIODS or word(frequency) in NO_PERIOD


def period_of(frequency: str) -> timedelta | None:
    """The period between updates; None when the frequency has none or does not parse."""
    if frequency.upper().startswith("R/P"):
        return _duration(frequency[2:])
    return PERIODS.get(word(frequency))


def _duration(text: str) -> timedelta | None:
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, ArithmeticError):
        return None
    if isinstance(duration, isodate.Duration):  # months and years, possibly with decimals
        months = Decimal(duration.years) * 12 + Decimal(duration.months)
        period: timedelta = duration.tdelta + MONTH * float(months)
    else:
        period = duration
    return period if period > timedelta(0) else None


def step(period: timedelta) -> timedelta:
    grace = timedelta(days=settings.FRESHNESS_GRACE_DAYS)
    most = timedelta(days=settings.FRESHNESS_MAX_STEP_DAYS)
    return min(max(period / 2, grace), max(most, grace))


def freshness(frequency: str, last_update: datetime | None, now: datetime) -> Freshness:
    period = period_of(frequency or "")
    if period is None or last_update is None:
        return Freshness(State.NONE)
    due_at = last_update + period
    overdue_at = due_at + step(period)
    delinquent_at = overdue_at + step(period)
    if now >= delinquent_at:
        state = State.DELINQUENT
    elif now >= overdue_at:
        state = State.OVERDUE
    elif now >= due_at:
        state = State.DUE
    else:
        state = State.FRESH
    return Freshness(state, due_at, overdue_at, delinquent_at)
