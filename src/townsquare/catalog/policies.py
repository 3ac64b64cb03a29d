"""Who may see and change organizations, datasets and distributions. Pure functions.

Access levels (DCAT-US): ``public`` and ``restricted public`` metadata of a published dataset is
visible to everyone; ``non-public`` datasets and drafts are visible only to the organization's
members and to coordinators and admins. The data of a restricted public dataset is for members,
coordinators and the people an approver granted access (``AccessGrant``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import has_org_role, is_coordinator, is_member, is_signed_in
from townsquare.catalog.models import AccessGrant, Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.core.actors import Actor


def is_public(dataset: Dataset) -> bool:
    """Anyone may know it exists: published, and not non-public."""
    return dataset.state == State.PUBLISHED and dataset.access_level != AccessLevel.NON_PUBLIC


# is_public as a condition on the dataset table.
PUBLIC = Q(state=State.PUBLISHED) & ~Q(access_level=AccessLevel.NON_PUBLIC)


@dataclass(frozen=True)
class Visibility:
    """Which datasets someone may know exist (can_view_dataset for the whole catalog at once):
    everything, for coordinators; otherwise the public ones and every one of the organizations
    they belong to."""

    everything: bool
    organizations: frozenset[int] = frozenset()

    def hidden(self) -> Q | None:
        """The datasets hidden from them as a condition (None: nothing is hidden)."""
        if self.everything:
            return None
        return ~PUBLIC & ~Q(organization_id__in=self.organizations)


def can_view_dataset(actor: Actor, dataset: Dataset) -> bool:
    if is_public(dataset):
        return True
    return is_coordinator(actor) or is_member(actor, dataset.organization_id)


def can_download_files(actor: Actor, dataset: Dataset) -> bool:
    """Files, rows, queries, exports and previews: public data for anyone; restricted public
    data for the people an approver granted access; everything for members and coordinators."""
    if is_public(dataset) and dataset.access_level == AccessLevel.PUBLIC:
        return True
    if is_coordinator(actor) or is_member(actor, dataset.organization_id):
        return True
    return (
        is_public(dataset)
        and dataset.access_level == AccessLevel.RESTRICTED
        and has_access_grant(actor, dataset)
    )


def is_listed_file(distribution: Distribution) -> bool:
    """Shown to whoever sees the dataset: not in a working copy, and not waiting for a privacy
    officer's sign-off (those are for the organization: can_see_working_copy)."""
    return not distribution.pending and distribution.privacy != Distribution.Privacy.REQUIRED


# is_listed_file as a condition on the distribution table.
LISTED_FILE = Q(pending=False) & ~Q(privacy=Distribution.Privacy.REQUIRED)


def can_download_distribution(actor: Actor, distribution: Distribution) -> bool:
    """A file of the dataset: as its data, and a document a privacy officer has not signed off
    yet only inside the organization."""
    dataset = distribution.dataset
    if not can_download_files(actor, dataset):
        return False
    if distribution.privacy == Distribution.Privacy.REQUIRED or distribution.pending:
        return can_see_working_copy(actor, dataset)
    return True


def has_access_grant(actor: Actor, dataset: Dataset) -> bool:
    if not is_signed_in(actor) or actor.pk is None:
        return False
    return AccessGrant.objects.filter(
        dataset_id=dataset.pk, user_id=actor.pk, status=AccessGrant.Status.GRANTED
    ).exists()


def can_request_access(actor: Actor, dataset: Dataset) -> bool:
    return (
        is_signed_in(actor)
        and is_public(dataset)
        and dataset.access_level == AccessLevel.RESTRICTED
        and not can_download_files(actor, dataset)
    )


def can_decide_access(actor: Actor, dataset: Dataset) -> bool:
    return is_coordinator(actor) or has_org_role(actor, dataset.organization_id, OrgRole.APPROVER)


def can_see_working_copy(actor: Actor, dataset: Dataset) -> bool:
    """Pending changes (for example files not yet approved): the organization and coordinators."""
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
