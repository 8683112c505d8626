"""On PostgreSQL the application can run as a role that cannot rewrite history (issue 18).

The test creates such a role with the grants `schakel audit grants` prints, connects as it,
appends to the audit trail and the event log (allowed), and tries every way to change or remove
what is there: UPDATE, DELETE, TRUNCATE, and switching the triggers off. All are refused by the
database itself, before any trigger runs. Skipped on SQLite, which has no roles.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from psycopg import errors, sql

from schakel.web.audit.database_role import APPEND_ONLY_TABLES, grant_statements
from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
]

TAMPERINGS = [
    "UPDATE {table} SET id = id",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
]


def _connect(**changes: Any) -> psycopg.Connection[Any]:
    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        **changes,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


@pytest.fixture
def app_role() -> Iterator[tuple[str, str]]:
    """A login role with the application's grants, dropped afterwards."""
    role, password = f"schakel_app_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with _connect(autocommit=True) as owner:
        owner.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
        try:
            for statement in grant_statements(role, connection.introspection.table_names()):
                owner.execute(statement.encode())
            yield role, password
        finally:
            owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            owner.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _copy_row(table: str, new_key: str) -> str:
    """INSERT ... SELECT of the newest row with a fresh key: an append of a real row's shape."""
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    values = [
        new_key if c in ("id", "sequence") else "NULL" if c == "supersedes_id" else c
        for c in columns
    ]
    order = "sequence" if "sequence" in columns else "recorded_at"
    select = f"SELECT {', '.join(values)} FROM {table} ORDER BY {order} DESC LIMIT 1"  # noqa: S608
    return f"INSERT INTO {table} ({', '.join(columns)}) {select}"


def test_the_app_role_appends_history_but_cannot_rewrite_it(
    app_role: tuple[str, str], coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="vulnerability",
        occurred_at=timezone.now(),
        payload={"factor": "debt"},
    )
    assert TrajectoryEvent.objects.exists() and AuditEntry.objects.exists()
    role, password = app_role
    refused: list[str] = []
    with _connect(user=role, password=password) as app:
        appends = {
            "audit_auditentry": _copy_row("audit_auditentry", "sequence + 1000000"),
            "trajectories_trajectoryevent": _copy_row(
                "trajectories_trajectoryevent", "gen_random_uuid()"
            ),
        }
        for table, statement in appends.items():
            assert app.execute(statement.encode()).rowcount == 1, f"append to {table}"
        app.execute(b"SELECT count(*) FROM organisations_organisation").fetchone()
        app.rollback()  # the appends were allowed; nothing of the test stays behind
        for table in APPEND_ONLY_TABLES:
            for tampering in TAMPERINGS:
                statement = tampering.format(table=table)
                try:
                    app.execute(statement.encode())
                except errors.InsufficientPrivilege as refusal:
                    refused.append(f"{statement}: {type(refusal).__name__}")
                finally:
                    app.rollback()
    assert len(refused) == len(TAMPERINGS) * len(APPEND_ONLY_TABLES), refused
    assert AuditEntry.objects.count() > 0 and TrajectoryEvent.objects.count() > 0
