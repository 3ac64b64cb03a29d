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


def first_break(events: Iterable[Any], head: str | None = None, kept: Any = None) -> Break | None:
    """Walk the events in order of number; the first one that does not fit, and why.
    ``head``: the hash the newest event must have; ``kept``: the head kept outside the
    database (number and hash), which the trail must reach, match, and not pass."""
    expected_number, previous, last = 1, GENESIS, None
    kept_hash = None  # the hash of the event numbered like the kept head, as stored now
    for event in events:
        if kept is not None and event.number == kept.number:
            kept_hash = event.hash
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
    return _against_kept(kept, kept_hash, expected_number - 1)


def _against_kept(kept: Any, stored_hash: str | None, newest: int) -> Break | None:
    if kept is None:
        return None
    if newest < kept.number:
        return Break(
            newest + 1,
            f"events after #{newest} were removed: event #{kept.number} was written, as the "
            "head kept outside the database records",
        )
    if stored_hash != kept.hash:
        return Break(
            kept.number,
            f"event #{kept.number} is not the event that was written (the head kept outside "
            "the database has another hash): the chain up to it was rewritten",
        )
    if newest > kept.number:
        return Break(
            kept.number + 1,
            f"events #{kept.number + 1} to #{newest} were not written by the portal (the head "
            f"kept outside the database ends at #{kept.number}): they were added to the "
            "database directly",
        )
    return None
