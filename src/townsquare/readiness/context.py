"""`may` in every template, with the launch program's answers added to governance's (the app
above extends the one below; templates still ask only `may`)."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from townsquare.readiness import policies, selectors
from townsquare.upkeep import context


class May(context.May):
    @cached_property
    def see_inventory(self) -> bool:
        return policies.can_see_inventory(self.actor)

    @cached_property
    def run_program(self) -> bool:
        return policies.can_run_program(self.actor)

    @cached_property
    def guide_launch(self) -> bool:
        """The portal is preparing and the person runs the program: show the way."""
        return policies.can_run_program(self.actor) and not selectors.launched()


def may(request: HttpRequest) -> dict[str, May]:
    return {"may": May(getattr(request, "user", None))}
