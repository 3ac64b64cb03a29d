"""Who may see what the quality program measures across the catalog."""

from __future__ import annotations

from townsquare.accounts.policies import is_coordinator
from townsquare.core.actors import Actor


def can_see_quality_dashboard(actor: Actor) -> bool:
    """Every dataset's score and checks, drafts and archived ones too: coordinators and admins."""
    return is_coordinator(actor)
