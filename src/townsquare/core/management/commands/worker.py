"""`townsquare worker`: runs queued background tasks (django-tasks' database worker)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = (
        "Run background tasks from the database queue until stopped. "
        "--batch processes what is queued and exits."
    )
