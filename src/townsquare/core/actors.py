"""Who is acting. Web requests act as a user (or anonymous); the command line acts as the
operator who has shell access to the server, represented by ``SYSTEM``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest


class SystemActor:
    """The operator at the command line: every policy allows it, audit records name it."""

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = True
    is_staff = True
    is_coordinator = True

    def __str__(self) -> str:
        return "system (command line)"

    def __repr__(self) -> str:
        return "<SystemActor>"


SYSTEM = SystemActor()

# A user, the anonymous user or the system actor. Typed loosely because Django's user
# classes do not share a protocol that mypy can see.
Actor = Any

ANONYMOUS = AnonymousUser()


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor: Actor) -> Any:
    """The actor as a value for a foreign key to the user table."""
    if actor is None or is_system(actor) or not actor.is_authenticated:
        return None
    return actor


class ApiRequest(HttpRequest):
    """A request to the API: django-ninja's authentication put the actor on ``auth``."""

    auth: Actor
