"""Drop object_id's own indexes: `audit_object_at` (object_id, at) serves equality on object_id.

Done in SQL rather than by AlterField, which on SQLite rebuilds the table and so would drop the
append-only triggers (and copy every line of the trail).
"""

from typing import Any

from django.db import migrations, models

INDEX = "audit_auditentry_object_id_c21697b7"


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}_like")


def restore(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"CREATE INDEX {INDEX} ON audit_auditentry (object_id)")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX}_like ON audit_auditentry (object_id varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_merge_security"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="object_id",
                    field=models.CharField(max_length=64),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
    ]
