"""The freshness formula: the ladder from fresh to delinquent for every kind of frequency a
dataset or a harvested record may carry, and the settings for the grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from townsquare.catalog import freshness
from townsquare.catalog.freshness import State
from townsquare.catalog.validators import validate_frequency

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def state_after(frequency: str, days: float) -> str:
    return freshness.freshness(frequency, NOW - days * DAY, NOW).state


@pytest.mark.parametrize(
    ("frequency", "due", "overdue", "delinquent"),
    [
        ("R/P1D", 1, 2, 3),  # HDX: 1/2/3
        ("R/P1W", 7, 10.5, 14),
        ("R/P1M", 30.44, 45.65, 60.87),  # HDX: 30/44/60
        ("R/P1Y", 365.24, 425.24, 485.24),  # a step of at most 60 days
        ("R/PT6H", 0.25, 1.25, 2.25),  # at least a day of grace (uData)
    ],
)
def test_the_ladder_of_each_period(
    frequency: str, due: float, overdue: float, delinquent: float
) -> None:
    just = 0.01
    assert state_after(frequency, due - just) == State.FRESH
    assert state_after(frequency, due + just) == State.DUE
    assert state_after(frequency, overdue + just) == State.OVERDUE
    assert state_after(frequency, delinquent + just) == State.DELINQUENT
    assert state_after(frequency, overdue - just) == State.DUE


@pytest.mark.parametrize(
    ("frequency", "days"),
    [
        ("weekly", 7),
        ("WEEKLY", 7),
        ("http://purl.org/cld/freq/quarterly", 91.31),
        ("http://publications.europa.eu/resource/authority/frequency/ANNUAL", 365.24),
        ("http://publications.europa.eu/resource/authority/frequency/MONTHLY_2", 15.22),
        ("fortnightly", 14),  # ISO 19115
        ("R/P1.5M", 45.65),
        ("R/P18M", 547.86),
        ("R/P2W", 14),
    ],
)
def test_vocabulary_words_and_decimal_durations_have_their_period(
    frequency: str, days: float
) -> None:
    period = freshness.period_of(frequency)
    assert period is not None and abs(period / DAY - days) < 0.01
    validate_frequency(frequency)


@pytest.mark.parametrize(
    "frequency",
    [
        "irregular",
        "http://purl.org/cld/freq/continuous",
        "http://publications.europa.eu/resource/authority/frequency/IRREG",
        "UNKNOWN",
        "asNeeded",
        "notPlanned",
        "",
    ],
)
def test_frequencies_without_a_period_are_never_late(frequency: str) -> None:
    assert state_after(frequency, 10_000) == State.NONE
    validate_frequency(frequency)


@pytest.mark.parametrize("frequency", ["R/Pnonsense", "every tuesday", "R/P0D", "P1M", "R/P-1D"])
def test_a_frequency_that_does_not_parse_is_refused_with_the_forms_it_may_take(
    frequency: str,
) -> None:
    with pytest.raises(ValidationError, match="is not an update frequency: use an ISO 8601"):
        validate_frequency(frequency)
    assert state_after(frequency, 10_000) == State.NONE


@override_settings(FRESHNESS_GRACE_DAYS=3, FRESHNESS_MAX_STEP_DAYS=10)
def test_the_grace_and_the_longest_step_are_settings() -> None:
    assert state_after("R/P1D", 3.9) == State.DUE  # due at 1, overdue at 1 + 3
    assert state_after("R/P1D", 4.1) == State.OVERDUE
    assert state_after("R/P1Y", 365.24 + 10.1) == State.OVERDUE  # steps of at most 10 days
    assert state_after("R/P1Y", 365.24 + 20.1) == State.DELINQUENT


def test_days_late_count_from_the_due_date() -> None:
    found = freshness.freshness("R/P1M", NOW - 50 * DAY, NOW)
    assert found.state == State.OVERDUE and found.days_late(NOW) == 19
    assert freshness.freshness("R/P1M", NOW - DAY, NOW).days_late(NOW) == 0
    described = freshness.described(found.state, found.due_at, NOW)
    assert described == {
        "state": "overdue",
        "label": "Overdue",
        "due_at": found.due_at,
        "days_late": 19,
    }
