"""Checks every background worker runs every few seconds beside its tasks, registered by the
apps that need them (the datastore: ingests whose worker died). Core knows none of them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)
WATCHDOGS: list[Callable[[], object]] = []
EVERY_SECONDS = 10


def register(check: Callable[[], object]) -> None:
    if check not in WATCHDOGS:
        WATCHDOGS.append(check)


def run_all() -> None:
    for check in WATCHDOGS:
        try:
            check()
        except Exception:  # noqa: BLE001  (a failing check must not stop the worker)
            logger.exception("The watchdog %s failed", getattr(check, "__name__", check))


def start(stopping: threading.Event) -> threading.Thread:
    """Run every watchdog at once, then every EVERY_SECONDS until ``stopping`` is set."""

    def loop() -> None:
        try:
            while True:
                run_all()
                if stopping.wait(EVERY_SECONDS):
                    return
        finally:
            connection.close()

    thread = threading.Thread(target=loop, name="watchdogs", daemon=True)
    thread.start()
    return thread
