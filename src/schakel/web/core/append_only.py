"""Database triggers that refuse UPDATE and DELETE on append-only tables.

The application never changes these rows; the triggers make sure nothing else through the
application's database account does either. (A database administrator can still drop them,
which is why the audit trail is also hash-chained.)

On SQLite, emptying a whole test database (Django's flush, which SQLite can only do with
DELETE) needs a way past the triggers: a row in `schakel_maintenance` lifts them. The test
suite adds that row just before a flush and removes it before every test; the application
never writes to that table. The table and the clause that reads it exist only where
`APPEND_ONLY_SWITCH` is set (the test settings): in a production database one INSERT must not
switch the triggers off (issue 18).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations

MAINTENANCE = "schakel_maintenance"


def switch_allowed() -> bool:
    return bool(getattr(settings, "APPEND_ONLY_SWITCH", False))


def sqlite_guard() -> str:
    """The WHEN clause of a SQLite trigger: the off-switch only where tests need it."""
    return f"WHEN NOT EXISTS (SELECT 1 FROM {MAINTENANCE}) " if switch_allowed() else ""


def create_sqlite_triggers(schema_editor: Any, table: str) -> None:
    if switch_allowed():
        schema_editor.execute(f"CREATE TABLE IF NOT EXISTS {MAINTENANCE} (reason TEXT)")
    for operation in ("UPDATE", "DELETE"):
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"{sqlite_guard()}BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def _create(table: str) -> Any:
    def forwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            create_sqlite_triggers(schema_editor, table)
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )

    return forwards


def _drop(table: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")

    return backwards


def append_only(table: str) -> migrations.RunPython:
    return migrations.RunPython(_create(table), _drop(table))
