from __future__ import annotations

from townsquare.accounts.policies import is_coordinator
from townsquare.core.actors import Actor


def can_edit_documents(actor: Actor) -> bool:
    return is_coordinator(actor)
