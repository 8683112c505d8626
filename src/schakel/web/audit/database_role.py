"""The PostgreSQL grants for the account the application runs as (issue 18, item 3).

The triggers on the append-only tables stop UPDATE and DELETE row by row, but the owner of a
table can drop a trigger, and no row trigger sees TRUNCATE. So the tables are owned by an
account that only migrates, and the application connects as a role that may read and append
to the trajectory events and the audit trail and never UPDATE, DELETE or TRUNCATE them (the
audit head keeps UPDATE: appending moves it forward; its trigger refuses a rewind). The
operator runs these statements as the owner after every migration (`schakel audit grants`).
"""

from __future__ import annotations

from collections.abc import Iterable

APPEND_ONLY_TABLES = ("audit_auditentry", "trajectories_trajectoryevent")
"""History: read and appended, never changed or removed."""


def grant_statements(role: str, tables: Iterable[str]) -> list[str]:
    """SQL that lets `role` work with every table in `tables`, and only append to history."""
    name = '"' + role.replace('"', '""') + '"'
    ordinary = sorted(t for t in tables if t not in APPEND_ONLY_TABLES)
    history = ", ".join(APPEND_ONLY_TABLES)
    statements = [f"GRANT USAGE ON SCHEMA public TO {name}"]
    if ordinary:
        statements.append(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(ordinary)} TO {name}"
        )
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {history} FROM {name}",
        f"GRANT SELECT, INSERT ON {history} TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
    ]
    return statements
