"""The keyed chain (versioned: HMAC from the head's next entry on), a trigger on the head, and
no off-switch table in production databases (issue 18; ADR 0018-keyed-audit-chain)."""

from typing import Any

from django.db import migrations, models

from schakel.web.core.append_only import MAINTENANCE, create_sqlite_triggers, switch_allowed

GUARDED = ("audit_auditentry", "trajectories_trajectoryevent")
HEAD = "audit_audithead"


def start_keyed_chain(apps: Any, schema_editor: Any) -> None:
    """Existing entries keep their plain hashes; the chain is keyed from the next entry on."""
    head = apps.get_model("audit", "AuditHead")
    row = head.objects.filter(id=1).first()
    if row is not None and row.keyed_from is None:
        head.objects.filter(id=1).update(keyed_from=row.sequence + 1)


def harden(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        if not switch_allowed():
            for table in GUARDED:
                for operation in ("update", "delete"):
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
                create_sqlite_triggers(schema_editor, table)
            schema_editor.execute(f"DROP TABLE IF EXISTS {MAINTENANCE}")
        guard = f"AND NOT EXISTS (SELECT 1 FROM {MAINTENANCE}) " if switch_allowed() else ""
        schema_editor.execute(
            f"CREATE TRIGGER {HEAD}_no_rewind BEFORE UPDATE ON {HEAD} "
            "WHEN (NEW.sequence < OLD.sequence OR (OLD.keyed_from IS NOT NULL AND "
            f"NEW.keyed_from IS NOT OLD.keyed_from)) {guard}"
            "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END"
        )
        delete_guard = f"WHEN NOT EXISTS (SELECT 1 FROM {MAINTENANCE}) " if switch_allowed() else ""
        schema_editor.execute(
            f"CREATE TRIGGER {HEAD}_no_delete BEFORE DELETE ON {HEAD} {delete_guard}"
            "BEGIN SELECT RAISE(ABORT, 'the audit head is never deleted'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE FUNCTION {HEAD}_forward() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit head is never deleted'; END IF; "
            "IF NEW.sequence < OLD.sequence OR (OLD.keyed_from IS NOT NULL AND "
            "NEW.keyed_from IS DISTINCT FROM OLD.keyed_from) THEN "
            "RAISE EXCEPTION 'the audit head only moves forward'; END IF; RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {HEAD}_forward BEFORE UPDATE OR DELETE ON {HEAD} "
            f"FOR EACH ROW EXECUTE FUNCTION {HEAD}_forward()"
        )


def soften(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_rewind")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_forward ON {HEAD}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {HEAD}_forward()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_security_account_events"),
        ("trajectories", "0002_append_only"),
    ]
    operations = [
        migrations.AddField(
            model_name="audithead",
            name="keyed_from",
            field=models.PositiveBigIntegerField(
                blank=True, help_text="The first entry whose hash is keyed (HMAC).", null=True
            ),
        ),
        migrations.RunPython(start_keyed_chain, migrations.RunPython.noop),
        migrations.RunPython(harden, soften),
    ]
