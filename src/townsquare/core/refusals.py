"""Refused attempts, reported by the boundaries that catch them (pages, commands) to whoever
listens: the audit trail registers itself (audit/apps.py), so core knows no domain app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from townsquare.core.errors import DomainError

LISTENERS: list[Callable[..., Any]] = []


def listen(listener: Callable[..., Any]) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def report(error: DomainError, actor: Any = None, address: str | None = None) -> None:
    for listener in LISTENERS:
        listener(error, actor, address)
