"""Reads of the catalog, always filtered by what the actor may see."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django_stubs_ext import WithAnnotations

from townsquare.accounts.models import OrgRole
from townsquare.accounts.policies import is_coordinator
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.catalog import policies
from townsquare.catalog.models import AccessGrant, Dataset, Distribution, Organization
from townsquare.catalog.search import Listed, listed
from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound, PermissionDenied


def visibility(actor: Actor) -> policies.Visibility:
    """Which datasets the actor may know exist."""
    if is_coordinator(actor):
        return policies.Visibility(everything=True)
    return policies.Visibility(
        everything=False, organizations=frozenset(organization_ids_with_role(user=actor))
    )


def datasets_visible_to(actor: Actor) -> QuerySet[Dataset]:
    hidden = visibility(actor).hidden()
    return Dataset.objects.all() if hidden is None else Dataset.objects.exclude(hidden)


def datasets_hidden_from(actor: Actor) -> QuerySet[Dataset]:
    """The complement of datasets_visible_to: together they are the whole catalog."""
    hidden = visibility(actor).hidden()
    return Dataset.objects.none() if hidden is None else Dataset.objects.filter(hidden)


def dataset_for_view(*, actor: Actor, slug: str) -> Dataset:
    """The dataset, or NotFound when it does not exist or the actor may not know it exists."""
    dataset = (
        Dataset.objects.select_related("organization", "organization__parent")
        .filter(slug=slug)
        .first()
    )
    if dataset is None or not policies.can_view_dataset(actor, dataset):
        raise NotFound(f"There is no dataset {slug!r}.")
    return dataset


def dataset_for_edit(*, actor: Actor, slug: str) -> Dataset:
    dataset = dataset_for_view(actor=actor, slug=slug)
    if not policies.can_edit_dataset(actor, dataset):
        raise PermissionDenied(
            "Only the organization's stewards and coordinators edit this dataset."
        )
    return dataset


def distributions_of(*, dataset: Dataset, actor: Actor = None) -> QuerySet[Distribution]:
    """The published distributions; with them the working copy's pending ones for the
    organization's members and coordinators."""
    found = dataset.distributions.order_by("position", "id")
    if actor is None or not policies.can_see_working_copy(actor, dataset):
        found = found.filter(pending=False)
    return found


def distribution_for_view(*, actor: Actor, dataset: Dataset, distribution_id: int) -> Distribution:
    distribution = distributions_of(dataset=dataset, actor=actor).filter(pk=distribution_id).first()
    if distribution is None:
        raise NotFound(f"Dataset {dataset.slug!r} has no distribution {distribution_id}.")
    return distribution


def distribution_for_download(*, actor: Actor, slug: str, distribution_id: int) -> Distribution:
    dataset = dataset_for_view(actor=actor, slug=slug)
    distribution = distribution_for_view(
        actor=actor, dataset=dataset, distribution_id=distribution_id
    )
    if not policies.can_download_distribution(actor, distribution):
        raise PermissionDenied(
            "The files of this dataset are available only to authorized people. "
            + (dataset.rights or "")
        )
    if distribution.kind != Distribution.Kind.FILE or not distribution.file:
        raise NotFound("This distribution is a link, not a stored file.")
    return distribution


def featured_datasets(*, actor: Actor, limit: int = 6) -> list[Listed]:
    datasets = datasets_visible_to(actor).filter(featured=True).order_by("-modified", "-pk")
    return listed(list(datasets.values_list("pk", flat=True)[:limit]))


def recently_updated(*, actor: Actor, limit: int = 6) -> list[Listed]:
    datasets = datasets_visible_to(actor).order_by("-modified", "-pk")
    return listed(list(datasets.values_list("pk", flat=True)[:limit]))


class Counted(TypedDict):
    dataset_count: int


def organizations_with_counts(*, actor: Actor) -> QuerySet[WithAnnotations[Organization, Counted]]:
    visible = datasets_visible_to(actor).values("pk")
    return Organization.objects.annotate(
        dataset_count=Count("datasets", filter=Q(datasets__in=visible))
    ).order_by("name")


def organization_by_slug(slug: str) -> Organization:
    organization = Organization.objects.select_related("parent").filter(slug=slug).first()
    if organization is None:
        raise NotFound(f"There is no organization {slug!r}.")
    return organization


def organizations_where_actor_publishes(*, actor: Actor) -> QuerySet[Organization]:
    if is_coordinator(actor):
        return Organization.objects.order_by("name")
    ids = organization_ids_with_role(user=actor, roles=(OrgRole.STEWARD,))
    return Organization.objects.filter(pk__in=ids).order_by("name")


def access_requests_to_decide(*, actor: Actor) -> dict[str, list[Any]]:
    """Access requests the actor decides (approvers: their organizations'; coordinators: all):
    those waiting, oldest first, and the grants in force."""
    found = AccessGrant.objects.select_related("dataset", "user").filter(
        status__in=[AccessGrant.Status.REQUESTED, AccessGrant.Status.GRANTED]
    )
    if not is_coordinator(actor):
        organizations = organization_ids_with_role(user=actor, roles=(OrgRole.APPROVER,))
        found = found.filter(dataset__organization_id__in=organizations)
    found = found.exclude(user_id=actor.pk).order_by("requested_at", "pk")
    return {
        "waiting": [g for g in found if g.status == AccessGrant.Status.REQUESTED],
        "granted": [g for g in found if g.status == AccessGrant.Status.GRANTED],
    }


def access_request_own(*, actor: Actor, dataset: Dataset) -> AccessGrant | None:
    if getattr(actor, "pk", None) is None:
        return None
    return (
        AccessGrant.objects.filter(dataset=dataset, user_id=actor.pk)
        .order_by("-requested_at")
        .first()
    )
