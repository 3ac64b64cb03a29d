"""The hash chain: what an event's hash covers, and the check of a whole trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
COVERED = (
    "number",
    "at",
    "actor_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "dataset_id",
    "organization_id",
    "before",
    "after",
    "address",
    "previous_hash",
)


def canonical(value: Any) -> Any:
    """A JSON value as the database gives it back (so the hash is the same after a round trip)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(fields: dict[str, Any]) -> str:
    covered = {name: fields[name] for name in COVERED}
    covered["at"] = moment(covered["at"])
    text = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Break:
    number: int
    reason: str


def first_break(events: Iterable[Any], head: str | None = None) -> Break | None:
    """Walk the events in order of number; the first one that does not fit, and why."""
    expected_number, previous, last = 1, GENESIS, None
    for event in events:
        if event.number != expected_number:
            return Break(
                event.number,
                f"event #{expected_number} is missing (the next one is #{event.number})"
                if event.number > expected_number
                else f"event #{event.number} appears out of order",
            )
        if event.previous_hash != previous:
            return Break(
                event.number,
                f"event #{event.number} does not link to event #{event.number - 1}: "
                f"event #{event.number - 1} was changed (its hash recomputed), or events "
                "between them were removed or inserted",
            )
        fields = {name: getattr(event, name) for name in COVERED}
        if digest(fields) != event.hash:
            return Break(event.number, f"event #{event.number} was changed after it was written")
        previous, last = event.hash, event
        expected_number += 1
    if head is not None and (last is None or last.hash != head):
        return Break(
            expected_number,
            "the newest event is not the one whose hash was given: events after "
            f"#{expected_number - 1} were removed",
        )
    return None
