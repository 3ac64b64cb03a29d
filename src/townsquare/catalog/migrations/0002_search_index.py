"""The database's own full-text index over catalog_searchdocument (see catalog/search.py).

SQLite: an external-content FTS5 table kept in step by triggers. PostgreSQL: a generated,
weighted tsvector column with a GIN index. A later migration that alters
catalog_searchdocument on SQLite rebuilds the table and drops the triggers: recreate them.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
        title, keywords, organization, description,
        content='catalog_searchdocument', content_rowid='dataset_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_searchdocument BEGIN
        INSERT INTO catalog_search_fts(rowid, title, keywords, organization, description)
        VALUES (new.dataset_id, new.title, new.keywords, new.organization, new.description);
    END""",
    """CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_searchdocument BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, organization, description)
        VALUES ('delete', old.dataset_id, old.title, old.keywords, old.organization, old.description);
    END""",
    """CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_searchdocument BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, organization, description)
        VALUES ('delete', old.dataset_id, old.title, old.keywords, old.organization, old.description);
        INSERT INTO catalog_search_fts(rowid, title, keywords, organization, description)
        VALUES (new.dataset_id, new.title, new.keywords, new.organization, new.description);
    END""",
    "INSERT INTO catalog_search_fts(catalog_search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_au",
    "DROP TRIGGER IF EXISTS catalog_search_ad",
    "DROP TRIGGER IF EXISTS catalog_search_ai",
    "DROP TABLE IF EXISTS catalog_search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE catalog_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(keywords, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(organization, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'D')) STORED""",
    "CREATE INDEX catalog_searchdocument_vector ON catalog_searchdocument USING GIN (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchdocument_vector",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
