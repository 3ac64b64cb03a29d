"""`townsquare worker`: runs queued background tasks (django-tasks' database worker), and
beside them the watchdogs the apps registered (an ingest whose worker died is retried)."""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from townsquare.core import watchdogs


class Command(DatabaseWorker):
    help = (
        "Run background tasks from the database queue until stopped. "
        "--batch processes what is queued and exits."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # A quarter of a second between looks at an empty queue (django-tasks' default is one
        # second): an upload starts ingesting at once, for the price of a cheap query.
        parser.set_defaults(interval=0.25)

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = threading.Event()
        if options.get("batch"):
            watchdogs.run_all()
        else:
            watchdogs.start(stopping)
        try:
            super().handle(*args, **options)
        finally:
            stopping.set()
