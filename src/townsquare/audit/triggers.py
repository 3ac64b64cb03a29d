"""The database refuses to change audit events, whoever asks: on SQLite these triggers (made by
migration 0002), on PostgreSQL a trigger function (migration 0001)."""

SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
