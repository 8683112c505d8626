from __future__ import annotations

import pytest
from django.db import connection

from schakel.cli import main
from schakel.web.audit.actions import Access, do_record_accesses
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.selectors import verify_chain
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=False)


def _write(actor: Membership, n: int) -> None:
    accesses = [Access("read", "trajectory", f"t{i}", "test") for i in range(n)]
    do_record_accesses(actor=actor, accesses=accesses)


def _raw(sql: str, params: list[str | int]) -> None:
    """Tamper as a database administrator would: around the append-only triggers."""
    table = "audit_auditentry"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_no_update")
            cursor.execute(f"DROP TRIGGER {table}_no_delete")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)


def test_intact_chain_verifies(coordinator_a: Membership) -> None:
    _write(coordinator_a, 5)
    report = verify_chain()
    assert report.intact and report.checked == 5
    first = AuditEntry.objects.get(sequence=1)
    assert first.actor_id == coordinator_a.user_id
    assert first.role == "coordinator" and first.organisation_id == coordinator_a.organisation_id


def test_entries_refuse_update_and_delete(coordinator_a: Membership) -> None:
    _write(coordinator_a, 1)
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(purpose="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_database_refuses_update(coordinator_a: Membership) -> None:
    from django.db import DatabaseError, transaction

    _write(coordinator_a, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET purpose = 'x'")


def test_altered_entry_is_named(coordinator_a: Membership) -> None:
    _write(coordinator_a, 5)
    _raw("UPDATE audit_auditentry SET purpose = %s WHERE sequence = %s", ["other", 3])
    report = verify_chain()
    assert report.broken_at == 3 and "altered" in report.reason


def test_removed_entry_is_named(coordinator_a: Membership) -> None:
    _write(coordinator_a, 5)
    _raw("DELETE FROM audit_auditentry WHERE sequence = %s", [2])
    report = verify_chain()
    assert report.broken_at == 2 and "missing" in report.reason


def test_removed_tail_is_detected(coordinator_a: Membership) -> None:
    _write(coordinator_a, 5)
    _raw("DELETE FROM audit_auditentry WHERE sequence >= %s", [4])
    report = verify_chain()
    assert report.broken_at == 4 and "removed" in report.reason


def test_cli_verify_exit_codes(
    coordinator_a: Membership, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(coordinator_a, 3)
    assert main(["audit", "verify"]) == 0
    assert "3 entries" in capsys.readouterr().out
    _raw("UPDATE audit_auditentry SET object_id = %s WHERE sequence = %s", ["t9", 2])
    assert main(["audit", "verify"]) == 1
    assert "entry #2" in capsys.readouterr().err
