"""Who may see and change organizations, datasets and distributions. Pure functions.

Access levels (DCAT-US): ``public`` and ``restricted public`` metadata is visible to everyone;
``non-public`` datasets are visible only to the organization's members and to coordinators and
admins. Files of a non-public or restricted public dataset are for members and coordinators
(access grants for restricted data arrive with the governance workflow).
"""

from __future__ import annotations

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import has_org_role, is_coordinator, is_member
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.core.actors import Actor


def is_public(dataset: Dataset) -> bool:
    """Anyone may know it exists: published, and not non-public."""
    return dataset.state == State.PUBLISHED and dataset.access_level != AccessLevel.NON_PUBLIC


def can_view_dataset(actor: Actor, dataset: Dataset) -> bool:
    if is_public(dataset):
        return True
    return is_coordinator(actor) or is_member(actor, dataset.organization_id)


def can_download_files(actor: Actor, dataset: Dataset) -> bool:
    if is_public(dataset) and dataset.access_level == AccessLevel.PUBLIC:
        return True
    return is_coordinator(actor) or is_member(actor, dataset.organization_id)


def can_create_dataset(actor: Actor, organization: Organization) -> bool:
    return is_coordinator(actor) or has_org_role(actor, organization.pk, OrgRole.STEWARD)


def can_edit_dataset(actor: Actor, dataset: Dataset) -> bool:
    return is_coordinator(actor) or has_org_role(actor, dataset.organization_id, OrgRole.STEWARD)


def can_delete_dataset(actor: Actor, dataset: Dataset) -> bool:
    return can_edit_dataset(actor, dataset)


def can_feature_dataset(actor: Actor) -> bool:
    """Choosing what the home page features is the coordinator's call."""
    return is_coordinator(actor)


def can_create_organization(actor: Actor) -> bool:
    return is_coordinator(actor)


def can_edit_organization(actor: Actor, organization: Organization) -> bool:
    return is_coordinator(actor)


def can_delete_organization(actor: Actor, organization: Organization) -> bool:
    return is_coordinator(actor)
