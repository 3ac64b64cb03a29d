"""Requests for access to restricted public data, and the approvers' decisions on them: the
grants ``policies.can_view_dataset`` reads, written only here."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.audit import services as audit
from townsquare.catalog import policies
from townsquare.catalog.models import AccessGrant, Dataset
from townsquare.core.actors import Actor
from townsquare.core.errors import Conflict, PermissionDenied


@transaction.atomic
def access_request(*, actor: Actor, dataset: Dataset, reason: str) -> AccessGrant:
    if not policies.can_request_access(actor, dataset):
        raise PermissionDenied(
            "Access is requested by signed-in people, for restricted public data they cannot "
            "read yet.",
            attempt="access.request",
            target=dataset,
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say what you need the data for."})
    if AccessGrant.objects.filter(
        dataset=dataset, user=actor, status=AccessGrant.Status.REQUESTED
    ).exists():
        raise Conflict("You asked already; an approver will decide.")
    grant = AccessGrant.objects.create(dataset=dataset, user=actor, reason=reason.strip())
    audit.record(actor, "access.requested", dataset, after={"reason": grant.reason})
    approvers = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            organization_id=dataset.organization_id, role=OrgRole.APPROVER
        ).values("user_id"),
    )
    for person in approvers:
        mailing.send(
            users=[person],
            kind="access",
            template="access_requested",
            context={"dataset": dataset.title, "requester": actor.get_username(), "reason": reason},
        )
    return grant


@transaction.atomic
def access_decide(
    *, actor: Actor, grant: AccessGrant, grant_it: bool, comment: str = ""
) -> AccessGrant:
    grant = (
        AccessGrant.objects.select_for_update().select_related("dataset", "user").get(pk=grant.pk)
    )
    dataset = grant.dataset
    if not policies.can_decide_access(actor, dataset):
        raise PermissionDenied(
            "Only the organization's approvers and coordinators decide access.",
            attempt="access.decide",
            target=dataset,
        )
    if grant.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(
            "Nobody decides their own request.", attempt="access.decide", target=dataset
        )
    if grant.status != AccessGrant.Status.REQUESTED:
        raise Conflict(f"This request was {grant.status} already.")
    grant.status = AccessGrant.Status.GRANTED if grant_it else AccessGrant.Status.REFUSED
    grant.decided_by, grant.decided_at, grant.comment = actor, timezone.now(), comment.strip()
    grant.save()
    audit.record(
        actor,
        f"access.{grant.status}",
        dataset,
        after={"user": grant.user.username, "comment": grant.comment},
    )
    mailing.send(
        users=[grant.user],
        kind="access",
        template="access_decided",
        context={
            "dataset": dataset.title,
            "granted": grant_it,
            "comment": grant.comment,
            "link": f"{settings.SITE_URL}{reverse('catalog:dataset', args=[dataset.slug])}",
        },
    )
    return grant


@transaction.atomic
def access_revoke(*, actor: Actor, grant: AccessGrant) -> AccessGrant:
    grant = (
        AccessGrant.objects.select_for_update().select_related("dataset", "user").get(pk=grant.pk)
    )
    if not policies.can_decide_access(actor, grant.dataset):
        raise PermissionDenied(
            "Only the organization's approvers and coordinators revoke access.",
            attempt="access.revoke",
            target=grant.dataset,
        )
    if grant.status != AccessGrant.Status.GRANTED:
        raise Conflict("Only granted access can be revoked.")
    grant.status, grant.decided_by, grant.decided_at = (
        AccessGrant.Status.REVOKED,
        actor,
        timezone.now(),
    )
    grant.save()
    audit.record(actor, "access.revoked", grant.dataset, after={"user": grant.user.username})
    return grant
