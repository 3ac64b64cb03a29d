"""Who may use the interoperability pages."""

from __future__ import annotations

from townsquare.accounts.policies import is_coordinator
from townsquare.core.actors import Actor


def can_check_catalog(actor: Actor) -> bool:
    """The catalog check (what data.gov's harvester would reject) is the coordinators'."""
    return is_coordinator(actor)
