"""Who may see and keep the inventory. Pure functions: no writes.

The inventory is the organization's own record (it lists assets that can never be public): its
members see their department's items, stewards keep them, coordinators see and keep all."""

from __future__ import annotations

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import has_org_role, is_coordinator, is_member, is_signed_in
from townsquare.accounts.selectors import organization_ids_with_role, roles_by_organization
from townsquare.core.actors import Actor
from townsquare.governance.selectors import signatories
from townsquare.readiness.models import ChecklistItem, InventoryItem


def inventory_organizations(actor: Actor) -> list[int] | None:
    """The departments whose items the actor sees (None: all of them)."""
    if is_coordinator(actor):
        return None
    if not is_signed_in(actor):
        return []
    return sorted(roles_by_organization(user=actor))


def kept_organizations(actor: Actor) -> list[int] | None:
    """The departments whose items the actor keeps (None: all of them)."""
    if is_coordinator(actor):
        return None
    if not is_signed_in(actor):
        return []
    return sorted(organization_ids_with_role(user=actor, roles=(OrgRole.STEWARD,)))


def can_see_inventory(actor: Actor) -> bool:
    seen = inventory_organizations(actor)
    return seen is None or bool(seen)


def can_see_item(actor: Actor, item: InventoryItem) -> bool:
    return is_coordinator(actor) or is_member(actor, item.organization_id)


def can_keep_items_of(actor: Actor, organization_id: int) -> bool:
    return is_coordinator(actor) or has_org_role(actor, organization_id, OrgRole.STEWARD)


def can_run_program(actor: Actor) -> bool:
    """Setting the priorities' weights and picking the launch shortlist: coordinators."""
    return is_coordinator(actor)


def can_see_readiness(actor: Actor) -> bool:
    """The readiness checklist: the organization's staff (members of a department) and
    coordinators."""
    return can_see_inventory(actor)


def can_tick(actor: Actor, item: ChecklistItem) -> bool:
    """A manual item is ticked by the person it names."""
    return is_signed_in(actor) and actor.pk == item.assignee_id


def works_before_launch(actor: Actor) -> bool:
    """Staff (members of a department, coordinators, admins) and the governance documents'
    signatories use the portal before it launches."""
    if can_see_inventory(actor):
        return True
    return (
        is_signed_in(actor)
        and actor.pk is not None
        and signatories().filter(user_id=actor.pk).exists()
    )


def can_launch(actor: Actor) -> bool:
    return is_coordinator(actor)
