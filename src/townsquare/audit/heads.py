"""The trail's head kept outside the database: after each event commits, its number and hash
are appended to a file (``TOWNSQUARE_AUDIT_HEAD_FILE``). Whoever can rewrite the database
alone cannot rewrite this file too, so ``audit verify`` finds a removed tail, events appended
behind the portal's back, and a chain rewritten with recomputed hashes."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Head:
    number: int
    hash: str


def keep(number: int, hash_: str) -> None:
    """Append one head (one line, written at once: appends from several processes do not mix)."""
    path = settings.AUDIT_HEAD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f"{number} {hash_}\n".encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def latest() -> Head | None:
    """The newest head written (the highest number: processes may append out of order)."""
    path = settings.AUDIT_HEAD_FILE
    if not path.exists():
        return None
    best: Head | None = None
    with path.open(encoding="ascii", errors="replace") as handle:
        for line in handle:
            number, _, hash_ = line.strip().partition(" ")
            if (
                number.isdigit()
                and len(hash_) == 64
                and (best is None or int(number) > best.number)
            ):
                best = Head(int(number), hash_)
    return best
