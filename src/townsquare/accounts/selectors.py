from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from townsquare.accounts.models import ApiToken, Membership, User
from townsquare.core.errors import NotFound


def roles_by_organization(*, user: Any) -> dict[int, frozenset[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    for organization_id, role in Membership.objects.filter(user=user).values_list(
        "organization_id", "role"
    ):
        roles[organization_id].add(role)
    return {org: frozenset(values) for org, values in roles.items()}


def roles_by_organization_slug(*, user: Any) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for slug, role in Membership.objects.filter(user=user).values_list(
        "organization__slug", "role"
    ):
        roles.setdefault(slug, []).append(role)
    return roles


def organization_ids_with_role(*, user: Any, roles: tuple[str, ...] | None = None) -> list[int]:
    if user is None or not user.is_authenticated or user.pk is None:
        return []
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return list(memberships.values_list("organization_id", flat=True).distinct())


def members_of(*, organization: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username", "role")
    )


def user_by_username(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(f"There is no user named {username!r}.", field="username") from None


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def people() -> QuerySet[User]:
    """Every account with its memberships, for the people page (its view asks
    ``policies.can_create_user`` first: coordinators and admins)."""
    return User.objects.prefetch_related("memberships__organization").order_by("username")
