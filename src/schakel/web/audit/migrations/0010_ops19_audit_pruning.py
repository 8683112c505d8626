"""Pruning the start of the audit trail (ADR 0025): `AuditHead.pruned_through`, which only moves
forward, and a delete trigger on the entries that lets through only rows at or below it.

The column is nullable so that SQLite adds it with ALTER TABLE instead of rebuilding the head's
table (which would drop its triggers). The application's PostgreSQL role still has no DELETE on
the entries (`schakel audit grants`): only the tables' owner can prune.
"""

from typing import Any

from django.db import migrations, models

from schakel.web.core.append_only import MAINTENANCE, switch_allowed

ENTRIES = "audit_auditentry"
HEAD = "audit_audithead"
PRUNED = f"COALESCE((SELECT pruned_through FROM {HEAD} WHERE id = 1), 0)"
REWIND = (
    "NEW.sequence < OLD.sequence OR (OLD.keyed_from IS NOT NULL AND "
    "NEW.keyed_from IS NOT OLD.keyed_from)"
)
PRUNE_REWIND = (
    "OLD.pruned_through IS NOT NULL AND "
    "(NEW.pruned_through IS NULL OR NEW.pruned_through < OLD.pruned_through)"
)
PG_REWIND = (
    "NEW.sequence < OLD.sequence OR (OLD.keyed_from IS NOT NULL AND "
    "NEW.keyed_from IS DISTINCT FROM OLD.keyed_from)"
)


def _sqlite_triggers(schema_editor: Any, *, pruning: bool) -> None:
    switch = f"NOT EXISTS (SELECT 1 FROM {MAINTENANCE})" if switch_allowed() else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {ENTRIES}_no_delete")
    conditions = [c for c in (f"OLD.sequence > {PRUNED}" if pruning else "", switch) if c]
    when = f"WHEN {' AND '.join(conditions)} " if conditions else ""
    schema_editor.execute(
        f"CREATE TRIGGER {ENTRIES}_no_delete BEFORE DELETE ON {ENTRIES} {when}"
        f"BEGIN SELECT RAISE(ABORT, '{ENTRIES} is append-only'); END"
    )
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_rewind")
    rewind = f"({REWIND} OR ({PRUNE_REWIND}))" if pruning else f"({REWIND})"
    guard = f" AND {switch}" if switch else ""
    schema_editor.execute(
        f"CREATE TRIGGER {HEAD}_no_rewind BEFORE UPDATE ON {HEAD} WHEN {rewind}{guard} "
        "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END"
    )


def _postgresql_functions(schema_editor: Any, *, pruning: bool) -> None:
    allow = (
        f"IF TG_OP = 'DELETE' AND OLD.sequence <= {PRUNED} THEN RETURN OLD; END IF; "
        if pruning
        else ""
    )
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {ENTRIES}_append_only() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN {allow}RAISE EXCEPTION '{ENTRIES} is append-only'; END $$"
    )
    rewind = f"{PG_REWIND} OR ({PRUNE_REWIND})"
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {HEAD}_forward() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit head is never deleted'; "
        f"END IF; IF {rewind if pruning else PG_REWIND} THEN "
        "RAISE EXCEPTION 'the audit head only moves forward'; END IF; RETURN NEW; END $$"
    )


def _set(pruning: bool) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            _sqlite_triggers(schema_editor, pruning=pruning)
        elif vendor == "postgresql":
            _postgresql_functions(schema_editor, pruning=pruning)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_admin_object_index")]
    operations = [
        migrations.AddField(
            model_name="audithead",
            name="pruned_through",
            field=models.PositiveBigIntegerField(
                blank=True,
                help_text="Entries up to here were archived and removed by `schakel audit "
                "prune` (ADR 0025); only moves forward, and a signed pruning line must name it.",
                null=True,
            ),
        ),
        migrations.RunPython(_set(True), _set(False)),
    ]
