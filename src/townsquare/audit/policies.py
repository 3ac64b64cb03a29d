"""Who may read the audit trail: coordinators and admins all of it; an organization's stewards
and approvers the events of their organization."""

from __future__ import annotations

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import is_coordinator, is_signed_in
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.core.actors import Actor

READER_ROLES = (OrgRole.STEWARD, OrgRole.APPROVER)


def readable_organizations(actor: Actor) -> list[int] | None:
    """None: every event; otherwise the organizations whose events the actor may read."""
    if is_coordinator(actor):
        return None
    if not is_signed_in(actor):
        return []
    return organization_ids_with_role(user=actor, roles=READER_ROLES)


def can_read_audit(actor: Actor) -> bool:
    return readable_organizations(actor) != []


def can_read_events_of(actor: Actor, organization_id: int) -> bool:
    organizations = readable_organizations(actor)
    return organizations is None or organization_id in organizations
