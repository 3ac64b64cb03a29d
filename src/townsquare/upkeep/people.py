"""Who is told about a dataset: its department's stewards look after it, its approvers and the
coordinators hear when it is delinquent."""

from __future__ import annotations

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.governance.notices import coordinators as coordinators


def with_role(organization_id: int, role: str) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(organization_id=organization_id, role=role).values(
                "user_id"
            ),
        )
    )


def stewards(organization_id: int) -> list[User]:
    return with_role(organization_id, OrgRole.STEWARD)


def approvers(organization_id: int) -> list[User]:
    return with_role(organization_id, OrgRole.APPROVER)


def all_stewards() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=OrgRole.STEWARD).values("user_id"),
        )
    )
