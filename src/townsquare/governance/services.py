from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import PermissionDenied
from townsquare.governance import policies
from townsquare.governance.models import Document


@transaction.atomic
def document_revise(*, actor: Actor, kind: str, title: str, body: str) -> Document:
    """Record a new version of a governance document."""
    if not policies.can_edit_documents(actor):
        raise PermissionDenied("Only coordinators and admins edit the program's documents.")
    latest = Document.objects.select_for_update().filter(kind=kind).aggregate(v=Max("version"))["v"]
    document = Document(
        kind=kind,
        version=(latest or 0) + 1,
        title=title.strip(),
        body=body.strip(),
        created_by=user_or_none(actor),
    )
    document.full_clean()
    document.save()
    return document
