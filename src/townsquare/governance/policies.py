"""Who may do what with the program's documents."""

from __future__ import annotations

from django.conf import settings

from townsquare.accounts.policies import is_coordinator, is_signed_in
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.catalog.policies import can_edit_dataset
from townsquare.core.actors import Actor
from townsquare.governance import approval
from townsquare.governance.models import Change


def can_edit_documents(actor: Actor) -> bool:
    """Write new versions and name the signatory roles."""
    return is_coordinator(actor)


def can_change_approval_policy(actor: Actor) -> bool:
    """The site-wide policy and each organization's own: coordinators and admins."""
    return is_coordinator(actor)


def can_see_stuck_changes(actor: Actor) -> bool:
    """Every organization's changes that nobody may sign (the coordinators give the roles)."""
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


def can_withdraw_change(actor: Actor, change: Change) -> bool:
    """The dataset's stewards and the coordinators discard an open working copy."""
    return change.status in Change.OPEN and can_edit_dataset(actor, change.dataset)


def can_decide_change(actor: Actor, change: Change) -> bool:
    """Sign the step that waits: someone who holds its role, and did not make the change."""
    step = approval.current_step(change)
    if change.status != Change.Status.IN_REVIEW or step is None:
        return False
    return not approval.is_own(actor, change) and approval.may_sign(actor, change, step["role"])
