"""Who may do what with accounts, roles and tokens. Pure functions: no writes.

Catalog permissions build on these in catalog/policies.py.
"""

from __future__ import annotations

from townsquare.accounts.models import ApiToken, OrgRole
from townsquare.accounts.selectors import organization_ids_with_role, roles_by_organization
from townsquare.core.actors import Actor


def is_signed_in(actor: Actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active)


def is_admin(actor: Actor) -> bool:
    return is_signed_in(actor) and bool(actor.is_superuser)


def is_coordinator(actor: Actor) -> bool:
    """Coordinators and admins run the program across all organizations."""
    return is_admin(actor) or (
        is_signed_in(actor) and bool(getattr(actor, "is_coordinator", False))
    )


def org_roles(actor: Actor, organization_id: int) -> frozenset[str]:
    """The actor's roles in one organization (cached on the actor for the request)."""
    if not is_signed_in(actor) or actor.pk is None:
        return frozenset()
    cache: dict[int, frozenset[str]] | None = actor.__dict__.setdefault("_org_roles", None)
    if cache is None:
        cache = roles_by_organization(user=actor)
        actor.__dict__["_org_roles"] = cache
    return cache.get(organization_id, frozenset())


def has_org_role(actor: Actor, organization_id: int, *roles: str) -> bool:
    return bool(org_roles(actor, organization_id) & set(roles))


def is_member(actor: Actor, organization_id: int) -> bool:
    return bool(org_roles(actor, organization_id))


def can_manage_members(actor: Actor, organization_id: int) -> bool:
    return is_coordinator(actor)


def can_assign_org_role(actor: Actor, organization_id: int, role: str) -> bool:
    return role in OrgRole.values and can_manage_members(actor, organization_id)


def can_use_site_administration(actor: Actor) -> bool:
    """Django's admin (read-only for what the audit trail records): admins."""
    return is_admin(actor)


def can_set_site_role(actor: Actor) -> bool:
    """Only admins make coordinators and admins."""
    return is_admin(actor)


def can_create_user(actor: Actor) -> bool:
    return is_coordinator(actor)


def can_create_token_for(actor: Actor, user_id: int) -> bool:
    """People create their own tokens; the command-line operator may create one for anyone."""
    if not is_signed_in(actor):
        return False
    return actor.pk == user_id or (actor.pk is None and is_admin(actor))


def can_see_token(actor: Actor, token: ApiToken) -> bool:
    return is_signed_in(actor) and (actor.pk == token.user_id or is_admin(actor))


def can_revoke_token(actor: Actor, token: ApiToken) -> bool:
    return can_see_token(actor, token)


# Who may read the audit trail: coordinators and admins all of it; an organization's stewards
# and approvers the events of their organization.
AUDIT_READERS = (OrgRole.STEWARD, OrgRole.APPROVER)


def audit_organizations(actor: Actor) -> list[int] | None:
    """None: every event; otherwise the organizations whose events the actor may read."""
    if is_coordinator(actor):
        return None
    if not is_signed_in(actor):
        return []
    return organization_ids_with_role(user=actor, roles=AUDIT_READERS)


def can_read_audit(actor: Actor) -> bool:
    return audit_organizations(actor) != []


def can_read_events_of(actor: Actor, organization_id: int) -> bool:
    organizations = audit_organizations(actor)
    return organizations is None or organization_id in organizations
