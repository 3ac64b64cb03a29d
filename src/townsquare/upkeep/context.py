"""`may` in every template, with upkeep's answers added to governance's (the apps above extend
this one in turn)."""

from __future__ import annotations

from functools import cached_property

from townsquare.governance import context
from townsquare.upkeep import policies


class May(context.May):
    @cached_property
    def see_freshness(self) -> bool:
        return policies.can_see_freshness(self.actor)

    @cached_property
    def see_jobs(self) -> bool:
        return policies.can_see_jobs(self.actor)
