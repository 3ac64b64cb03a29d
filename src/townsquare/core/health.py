"""What /healthz reports: can the portal reach its database and its file storage?"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any failure means unhealthy)
        return {"status": "error", "vendor": connection.vendor, "error": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor, "ms": _ms(started)}


def check_storage() -> dict[str, Any]:
    """Writes, reads back and deletes a small probe file."""
    started = time.perf_counter()
    name = f"health/probe-{uuid.uuid4().hex}.txt"
    payload = b"townsquare health probe"
    default_storage = storages["default"]
    backend = type(default_storage).__name__
    try:
        saved = default_storage.save(name, ContentFile(payload))
        try:
            with default_storage.open(saved, "rb") as handle:
                ok = handle.read() == payload
        finally:
            default_storage.delete(saved)
    except Exception as exc:  # noqa: BLE001
        return {"status": "error", "backend": backend, "error": type(exc).__name__}
    if not ok:
        return {"status": "error", "backend": backend, "error": "probe read back differently"}
    return {"status": "ok", "backend": backend, "ms": _ms(started)}


def report() -> dict[str, Any]:
    parts = {"database": check_database(), "storage": check_storage()}
    healthy = all(part["status"] == "ok" for part in parts.values())
    return {"status": "ok" if healthy else "error", **parts}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
