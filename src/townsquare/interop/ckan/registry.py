"""The actions by name: each module of actions registers its functions here with ``action``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from townsquare.core.actors import Actor


@dataclass(frozen=True)
class Call:
    request: HttpRequest
    actor: Actor


@dataclass(frozen=True)
class Action:
    function: Callable[[Call, dict[str, Any]], Any]
    side_effect_free: bool

    @property
    def help(self) -> str:
        return (self.function.__doc__ or "").strip()


ACTIONS: dict[str, Action] = {}


def action(*, side_effect_free: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function as the action of its name; ``side_effect_free`` ones may be
    called with GET."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        ACTIONS[function.__name__] = Action(function, side_effect_free)
        return function

    return register
