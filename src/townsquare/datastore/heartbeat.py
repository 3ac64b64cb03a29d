"""Each running ingest beats every few seconds from a thread of its own; the workers' watchdog
(recovery.py) notices one that went silent."""

from __future__ import annotations

import threading

from django.db import connection
from django.utils import timezone

from townsquare.datastore.models import DataVersion

BEAT_SECONDS = 5


class Heartbeat:
    """Beats for one ingest from a thread of its own, whatever the ingest is busy with."""

    def __init__(self, version_id: int) -> None:
        self.version_id = version_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ingest-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:  # a test's transaction: nothing to beat for
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout=BEAT_SECONDS)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(BEAT_SECONDS):
                DataVersion.objects.filter(
                    pk=self.version_id, status=DataVersion.Status.INGESTING
                ).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection
