"""Account endpoints: who am I, API tokens, organization members."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from townsquare.accounts import policies, selectors, services
from townsquare.accounts.models import ApiToken, Membership
from townsquare.accounts.schemas import (
    MembershipIn,
    MembershipOut,
    MeOut,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from townsquare.catalog.selectors import organization_by_slug
from townsquare.core.actors import ApiRequest
from townsquare.core.errors import NotAuthenticated, NotFound, PermissionDenied

router = Router()


def _signed_in(request: ApiRequest) -> Any:
    if not policies.is_signed_in(request.auth):
        raise NotAuthenticated("Sign in or send an API token.")
    return request.auth


def _token_out(token: ApiToken) -> dict[str, Any]:
    fields = (
        "id",
        "name",
        "prefix",
        "status",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    return {name: getattr(token, name) for name in fields}


@router.get("/me", response=MeOut, summary="Who the API takes you for")
def me(request: ApiRequest) -> dict[str, Any]:
    actor = request.auth
    if not policies.is_signed_in(actor):
        return {
            "username": None,
            "name": "",
            "authenticated": False,
            "site_role": "",
            "organizations": {},
        }
    organizations = selectors.roles_by_organization_slug(user=actor)
    return {
        "username": actor.username,
        "name": actor.display_name,
        "authenticated": True,
        "site_role": actor.site_role,
        "organizations": organizations,
    }


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
def list_tokens(request: ApiRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in selectors.tokens_of(user=_signed_in(request))]


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token")
def create_token(request: ApiRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    actor = _signed_in(request)
    token, secret = services.token_create(
        actor=actor, user=actor, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**_token_out(token), "token": secret})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: ApiRequest, token_id: int) -> Status[None]:
    actor = _signed_in(request)
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None or not policies.can_see_token(actor, token):
        raise NotFound(f"You have no token {token_id}.")
    services.token_revoke(actor=actor, token=token)
    return Status(204, None)


def _membership_out(membership: Membership) -> dict[str, Any]:
    return {
        "username": membership.user.username,
        "name": membership.user.display_name,
        "role": membership.role,
        "created_at": membership.created_at,
    }


@router.get("/organizations/{slug}/members", response=list[MembershipOut])
def list_members(request: ApiRequest, slug: str) -> list[dict[str, Any]]:
    organization = organization_by_slug(slug)
    actor = _signed_in(request)
    if not (
        policies.can_manage_members(actor, organization.pk)
        or policies.is_member(actor, organization.pk)
    ):
        raise PermissionDenied("Only the organization's members and coordinators see its members.")
    return [_membership_out(m) for m in selectors.members_of(organization=organization)]


@router.post("/organizations/{slug}/members", response={201: MembershipOut})
def add_member(request: ApiRequest, slug: str, payload: MembershipIn) -> Status[dict[str, Any]]:
    organization = organization_by_slug(slug)
    user = selectors.user_by_username(payload.username)
    membership = services.membership_add(
        actor=_signed_in(request), organization=organization, user=user, role=payload.role
    )
    return Status(201, _membership_out(membership))


@router.delete("/organizations/{slug}/members/{username}/{role}", response={204: None})
def remove_member(request: ApiRequest, slug: str, username: str, role: str) -> Status[None]:
    organization = organization_by_slug(slug)
    user = selectors.user_by_username(username)
    services.membership_remove(
        actor=_signed_in(request), organization=organization, user=user, role=role
    )
    return Status(204, None)
