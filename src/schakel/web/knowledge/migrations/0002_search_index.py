"""The full-text index of published articles: FTS5 on SQLite, a GIN index on PostgreSQL.

On PostgreSQL the vectors live in SearchDocument's table (made by 0001, so Django knows it:
flushing and deleting work as for any table); on SQLite that table stays empty and an FTS5
table holds the index. The actions write it through knowledge.search; see docs/knowledge.md.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)
POSTGRESQL_CREATE = [
    "CREATE INDEX knowledge_search_document ON knowledge_search USING gin (document)",
    # Keep the (compressed) vectors in the table rather than in TOAST: the planner then sees
    # the table's true size and uses the GIN index for selective queries, instead of a
    # sequential scan that looks cheap but must fetch every vector from TOAST.
    "ALTER TABLE knowledge_search ALTER COLUMN document SET STORAGE MAIN",
    "ALTER TABLE knowledge_search SET (toast_tuple_target = 8160)",
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRESQL_CREATE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No full-text index for the {vendor} database.")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS knowledge_search_fts")
    else:
        schema_editor.execute("DROP INDEX IF EXISTS knowledge_search_document")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
