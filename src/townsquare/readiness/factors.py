"""The prioritization factors, in one table the score, the weights, the docs and the pages read.

Demand factors are counts (requests, nominations, searches that found nothing); value and risk
factors are marked from 0 (none) to 3 (high). Demand and value raise an item's priority; effort
and risk lower it. Each factor's weight (0 to 10) is the coordinator's to set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    name: str  # the inventory field
    label: str
    group: str  # demand, value or cost
    weight: int  # the default weight

    @property
    def lowers(self) -> bool:
        return self.group == "cost"


FACTORS = [
    Factor("public_requests", "public requests and nominations", "demand", 3),
    Factor("failed_searches", "searches that found nothing", "demand", 2),
    Factor("records_requests", "records requests", "demand", 2),
    Factor("transparency", "transparency and accountability", "value", 2),
    Factor("services", "better services", "value", 2),
    Factor("economic", "economic opportunity", "value", 1),
    Factor("purpose", "the stated purpose", "value", 3),
    Factor("effort", "effort to publish", "cost", 1),
    Factor("sensitivity", "sensitivity", "cost", 2),
    Factor("source_quality_risk", "risk in the source's quality", "cost", 1),
]
BY_NAME = {factor.name: factor for factor in FACTORS}
DEFAULT_WEIGHTS = {factor.name: factor.weight for factor in FACTORS}
MAX_WEIGHT = 10


def default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)
