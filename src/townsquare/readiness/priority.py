"""The priority of an inventory item, from its factors (factors.py) and the coordinator's
weights, as one documented formula:

    points  = the mark (0–3) of a value or risk factor; for a demand count n, min(3, log2(1 + n))
              (0 → 0, 1 → 1, 3 → 2, 7 or more → 3: the first requests count most)
    benefit = Σ weight × points over the demand and value factors
    cost    = Σ weight × points over effort and the risks
    score   = 100 × (benefit − cost + most cost) / (most benefit + most cost)

where "most" is what the factors would give at 3 points each: 0 is all cost and no benefit,
100 all benefit and no cost. Items rank by score, highest first (ties by title), and each shows
the factors that placed it there."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from townsquare.readiness.factors import DEFAULT_WEIGHTS, FACTORS, Factor
from townsquare.readiness.models import InventoryItem, Program

RISKY = {InventoryItem.Privacy.PERSONAL, InventoryItem.Privacy.SENSITIVE}


@dataclass(frozen=True)
class Contribution:
    factor: Factor
    value: int
    points: float
    weight: int

    @property
    def effect(self) -> float:
        """What the factor adds to (or, for a cost, takes from) the benefit."""
        return -self.weight * self.points if self.factor.lowers else self.weight * self.points

    def __str__(self) -> str:
        sign = "−" if self.effect < 0 else "+"
        return (
            f"{sign}{abs(self.effect):.1f} {self.factor.label} ({self.value}, weight {self.weight})"
        )


@dataclass
class Ranked:
    item: InventoryItem
    score: float
    contributions: list[Contribution]
    rank: int = 0
    risk_unresolved: bool = False
    reasons: list[str] = field(default_factory=list)


def points(factor: Factor, value: int) -> float:
    if factor.group == "demand":
        return min(3.0, math.log2(1 + value))
    return float(value)


def score(item: InventoryItem, weights: dict[str, int]) -> tuple[float, list[Contribution]]:
    contributions = [
        Contribution(f, getattr(item, f.name), points(f, getattr(item, f.name)), weights[f.name])
        for f in FACTORS
    ]
    return score_of([getattr(item, f.name) for f in FACTORS], weights), contributions


def score_of(values: Sequence[int], weights: dict[str, int]) -> float:
    """The score of the factors' values (in the order of FACTORS)."""
    return scorer(weights)(values)


def scorer(weights: dict[str, int]) -> Callable[[Sequence[int]], float]:
    """The score as a function of the factors' values, with the weights worked in once (the
    ranking scores thousands of items)."""
    most_benefit = sum(3 * weights[f.name] for f in FACTORS if not f.lowers)
    most_cost = sum(3 * weights[f.name] for f in FACTORS if f.lowers)
    scale = most_benefit + most_cost
    signed = [(-1 if f.lowers else 1) * weights[f.name] for f in FACTORS]
    demand = [f.group == "demand" for f in FACTORS]

    def score(values: Sequence[int]) -> float:
        if scale == 0:
            return 0.0
        net = 0.0
        for weight, counted, value in zip(signed, demand, values, strict=True):
            if value:
                net += weight * (min(3.0, math.log2(1 + value)) if counted else value)
        return round(100 * (net + most_cost) / scale, 1)

    return score


def risk_unresolved(item: InventoryItem) -> bool:
    """A marked risk (sensitivity or source quality of 2 or more, personal data) that nobody
    said is handled."""
    risky = item.sensitivity >= 2 or item.source_quality_risk >= 2 or item.privacy in RISKY
    return risky and not item.risk_resolved


def ranked(items: Iterable[InventoryItem], program: Program) -> list[Ranked]:
    weights = {**DEFAULT_WEIGHTS, **program.weights}
    found = []
    for item in items:
        value, contributions = score(item, weights)
        found.append(Ranked(item, value, contributions, risk_unresolved=risk_unresolved(item)))
    found.sort(key=lambda r: (-r.score, r.item.title.lower(), r.item.identifier))
    for number, entry in enumerate(found, start=1):
        _explain(entry, number)
    return found


def ranked_slice(
    items: QuerySet[InventoryItem], program: Program, start: int, stop: int
) -> tuple[int, list[Ranked]]:
    """How many items there are, and those ranked ``start`` to ``stop`` (0-based): every score
    is computed from the factors' values alone (one query of tuples), and only the items shown
    are loaded whole."""
    weights = {**DEFAULT_WEIGHTS, **program.weights}
    names = [f.name for f in FACTORS]
    score_row = scorer(weights)
    scored = sorted(
        (-score_row(row[3:]), row[1].lower(), row[2], row[0])
        for row in items.values_list("pk", "title", "identifier", *names)
    )
    chosen = scored[start:stop]
    loaded = items.in_bulk([pk for *_, pk in chosen])
    entries = []
    for number, (*_, pk) in enumerate(chosen, start=start + 1):
        item = loaded[pk]
        value, contributions = score(item, weights)
        entry = Ranked(item, value, contributions, risk_unresolved=risk_unresolved(item))
        entries.append(_explain(entry, number))
    return len(scored), entries


def _explain(entry: Ranked, rank: int) -> Ranked:
    entry.rank = rank
    weighty = sorted((c for c in entry.contributions if c.effect), key=lambda c: -abs(c.effect))
    marked = any(c.value for c in entry.contributions)
    entry.reasons = [str(c) for c in weighty[:3]] or [
        "its marked factors weigh nothing now" if marked else "no factor marked yet"
    ]
    return entry


def shortlist_warnings(shortlist: list[Ranked], program: Program) -> list[str]:
    warnings = []
    if len(shortlist) > program.shortlist_target:
        warnings.append(
            f"The shortlist holds {len(shortlist)} items, more than its target of "
            f"{program.shortlist_target}: successful launches start small."
        )
    for entry in shortlist:
        if entry.risk_unresolved:
            warnings.append(
                f"{entry.item.title} has a risk nobody marked as handled "
                "(sensitivity, source quality or personal data)."
            )
    return warnings
