"""What a person reads of the audit trail, for the pages and the API (an interface module: it
composes the apps above the audit trail): the organizations their
roles open (accounts.policies) and the datasets a filter names (by slug, from the catalog)."""

from __future__ import annotations

from django.db.models import QuerySet

from townsquare.accounts.policies import audit_organizations
from townsquare.audit import selectors
from townsquare.audit.models import AuditEvent
from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor


def events(*, actor: Actor, where: selectors.EventFilter) -> QuerySet[AuditEvent]:
    ids = None
    if where.dataset:
        ids = list(Dataset.objects.filter(slug=where.dataset).values_list("pk", flat=True))
    return selectors.events(organizations=audit_organizations(actor), where=where, dataset_ids=ids)
