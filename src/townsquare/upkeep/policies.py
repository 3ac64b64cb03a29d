"""Who sees the freshness dashboard and the scheduler's jobs. Pure functions: no writes."""

from __future__ import annotations

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import is_coordinator, is_signed_in
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.core.actors import Actor


def freshness_organizations(actor: Actor) -> list[int] | None:
    """The departments whose datasets' freshness the actor follows (None: all): coordinators
    all, stewards and approvers their own."""
    if is_coordinator(actor):
        return None
    if not is_signed_in(actor):
        return []
    return sorted(organization_ids_with_role(user=actor, roles=(OrgRole.STEWARD, OrgRole.APPROVER)))


def can_see_freshness(actor: Actor) -> bool:
    seen = freshness_organizations(actor)
    return seen is None or bool(seen)


def can_see_jobs(actor: Actor) -> bool:
    """Staff: the coordinators and the admins."""
    return is_coordinator(actor)


def can_run_jobs(actor: Actor) -> bool:
    return is_coordinator(actor)
