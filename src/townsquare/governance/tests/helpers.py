from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from conftest import make_user
from townsquare.accounts.models import Membership, OrgRole
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion


def member(username: str, organization: Any, role: str = OrgRole.APPROVER) -> Any:
    user = make_user(username)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def load(
    actor: Any, dataset: Any, content: bytes, refresh: bool = False, publish: bool = False
) -> DataVersion:
    """A data version loaded by ``actor`` and ingested (the workflow decides its publication);
    ``publish``: the operator's ``--publish`` override of the approval policy's review."""
    created = datastore.version_create(
        actor=actor,
        dataset=dataset,
        upload=ContentFile(content, name="data.csv"),
        enqueue=False,
        refresh=refresh,
        override=publish,
    )
    return datastore.version_ingest(created.version.pk)
