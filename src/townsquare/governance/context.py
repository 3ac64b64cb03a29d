"""`may` in every template: what the person may do, asked of the named policies, so that no
template re-derives a rule (``user.is_superuser or user.is_coordinator``). Each answer is
computed when a template first asks, once per request."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from townsquare.accounts import policies as accounts
from townsquare.core.actors import Actor
from townsquare.governance import policies as governance
from townsquare.quality import policies as quality


class May:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    @cached_property
    def manage_people(self) -> bool:
        return accounts.can_create_user(self.actor)

    @cached_property
    def read_audit(self) -> bool:
        return accounts.can_read_audit(self.actor)

    @cached_property
    def see_quality_dashboard(self) -> bool:
        return quality.can_see_quality_dashboard(self.actor)

    @cached_property
    def edit_documents(self) -> bool:
        return governance.can_edit_documents(self.actor)

    @cached_property
    def change_approval_policy(self) -> bool:
        return governance.can_change_approval_policy(self.actor)

    @cached_property
    def use_site_administration(self) -> bool:
        return accounts.can_use_site_administration(self.actor)


def may(request: HttpRequest) -> dict[str, May]:
    return {"may": May(getattr(request, "user", None))}
