"""`may` in every template, with the interoperability pages added to the launch program's."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from townsquare.interop import policies
from townsquare.readiness import context


class May(context.May):
    @cached_property
    def check_catalog(self) -> bool:
        return policies.can_check_catalog(self.actor)


def may(request: HttpRequest) -> dict[str, May]:
    return {"may": May(getattr(request, "user", None))}
