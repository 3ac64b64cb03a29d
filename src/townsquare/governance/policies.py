"""Who may do what with the program's documents."""

from __future__ import annotations

from django.conf import settings

from townsquare.accounts.policies import is_coordinator, is_signed_in
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.core.actors import Actor


def can_edit_documents(actor: Actor) -> bool:
    """Write new versions and name the signatory roles."""
    return is_coordinator(actor)


def is_staff(actor: Actor) -> bool:
    """Coordinators, admins and the members of any organization."""
    return is_coordinator(actor) or (
        is_signed_in(actor) and bool(organization_ids_with_role(user=actor))
    )


def can_see_document_history(actor: Actor) -> bool:
    """Every version with its signatures (the current text is always public), and the
    versions waiting for signatures: public or staff only (TOWNSQUARE_DOCUMENT_HISTORY)."""
    return settings.DOCUMENT_HISTORY == "public" or is_staff(actor)
