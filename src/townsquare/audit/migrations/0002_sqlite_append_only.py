"""On SQLite, triggers refuse to update or delete audit events, as PostgreSQL's does."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

from townsquare.audit.triggers import SQLITE_APPEND_ONLY, SQLITE_REMOVE


def _on_sqlite(statements: list[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_events")]

    operations = [
        migrations.RunPython(
            _on_sqlite(SQLITE_APPEND_ONLY), _on_sqlite(SQLITE_REMOVE), elidable=False
        ),
    ]
