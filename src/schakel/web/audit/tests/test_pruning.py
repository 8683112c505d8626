"""Pruning the start of the audit trail (ADR 0025): only past the retention period, only up to a
signed checkpoint, archived and signed first; `audit verify` accepts the pruning and nothing
that only looks like one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from schakel.cli import main
from schakel.web.audit.actions import (
    Access,
    do_prune_audit_trail,
    do_record_accesses,
    do_write_checkpoint,
)
from schakel.web.audit.models import AuditEntry, AuditHead
from schakel.web.audit.pruning import (
    PURPOSE,
    PruneRefused,
    check_archive,
    plan_prune,
)
from schakel.web.audit.selectors import checkpoint_line, verify_chain
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SystemActor

pytestmark = pytest.mark.django_db
LONG_AGO = dt.datetime(2015, 3, 1, 12, tzinfo=dt.UTC)
SYSTEM = SystemActor("audit prune")


@pytest.fixture
def checkpoints(tmp_path: Path, settings: object) -> Path:
    path = tmp_path / "audit-checkpoints.log"
    settings.AUDIT_CHECKPOINT_FILE = str(path)  # type: ignore[attr-defined]
    return path


def _write(actor: Membership, n: int, *, at: dt.datetime | None = None) -> None:
    accesses = [Access("read", "trajectory", f"t{i}", "test") for i in range(n)]
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        do_record_accesses(actor=actor, accesses=accesses)


def _history(actor: Membership) -> None:
    """Five entries from 2015 with a checkpoint line at #5, then three of today."""
    _write(actor, 5, at=LONG_AGO)
    assert do_write_checkpoint() is not None
    _write(actor, 3)


def _sql(sql: str, params: list[int | str] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_prune_then_verify_passes(
    coordinator_a: Membership, checkpoints: Path, tmp_path: Path
) -> None:
    _history(coordinator_a)
    report = do_prune_audit_trail(actor=SYSTEM, through=5, archive_folder=tmp_path / "archive")
    assert (report.plan.first, report.plan.through, report.plan.entries) == (1, 5, 5)
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == [6, 7, 8, 9]
    assert AuditHead.objects.get(id=1).pruned_through == 5
    recorded = AuditEntry.objects.get(sequence=9)
    assert recorded.purpose == PURPOSE and recorded.detail["entries"] == 5
    assert check_archive(report.manifest) == 5
    full, incremental = verify_chain(), verify_chain(incremental=True)
    assert full.intact and full.checked == 4, full.reason
    assert incremental.intact, incremental.reason
    _write(coordinator_a, 2)  # the chain goes on after the pruning
    do_write_checkpoint()
    assert verify_chain().intact and verify_chain().checked == 6


def test_refuses_entries_younger_than_the_period(
    coordinator_a: Membership, checkpoints: Path, tmp_path: Path
) -> None:
    _history(coordinator_a)
    do_write_checkpoint()  # a line at #8, whose entries are of today
    with pytest.raises(PruneRefused, match=r"not all older.*pruned through is #5"):
        do_prune_audit_trail(actor=SYSTEM, through=8, archive_folder=tmp_path / "archive")
    assert AuditEntry.objects.count() == 8
    assert not (tmp_path / "archive").exists()
    assert AuditHead.objects.get(id=1).pruned_through is None


def test_refuses_without_a_checkpoint_line_at_the_cut(
    coordinator_a: Membership, checkpoints: Path
) -> None:
    _history(coordinator_a)
    with pytest.raises(PruneRefused, match="No signed checkpoint line names #4"):
        plan_prune(through=4)


def test_refuses_a_chain_that_does_not_verify(coordinator_a: Membership, checkpoints: Path) -> None:
    _history(coordinator_a)
    _sql("UPDATE audit_audithead SET hash = %s WHERE id = 1", ["0" * 64])
    with pytest.raises(PruneRefused, match="does not verify"):
        plan_prune(through=5)


def test_refuses_without_a_checkpoint_file(coordinator_a: Membership, settings: object) -> None:
    settings.AUDIT_CHECKPOINT_FILE = ""  # type: ignore[attr-defined]
    _write(coordinator_a, 2, at=LONG_AGO)
    with pytest.raises(PruneRefused, match="SCHAKEL_AUDIT_CHECKPOINT_FILE"):
        plan_prune(through=2)


def test_a_tampered_pruning_line_fails_verify(
    coordinator_a: Membership, checkpoints: Path, tmp_path: Path
) -> None:
    _history(coordinator_a)
    do_prune_audit_trail(actor=SYSTEM, through=5, archive_folder=tmp_path / "archive")
    lines = checkpoints.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["at"] = timezone.now().isoformat()
    checkpoints.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    report = verify_chain()
    assert not report.intact and "not signed with the key" in report.reason
    checkpoints.write_text(lines[0] + "\n")  # the pruning line removed
    report = verify_chain()
    assert report.broken_at == 5 and "without a signed pruning line" in report.reason


def test_removing_the_start_up_to_an_ordinary_checkpoint_is_named(
    coordinator_a: Membership, checkpoints: Path
) -> None:
    """Someone with the owner's database rights but not the key moves `pruned_through` to a
    checkpoint line and deletes the start: the hourly line does not make it a pruning."""
    _history(coordinator_a)
    _sql("UPDATE audit_audithead SET pruned_through = 5 WHERE id = 1")
    _sql("DELETE FROM audit_auditentry WHERE sequence <= 5")
    report = verify_chain()
    assert report.broken_at == 5 and "without a signed pruning line" in report.reason


def test_a_signed_pruning_of_recent_entries_is_named(
    coordinator_a: Membership, checkpoints: Path
) -> None:
    _write(coordinator_a, 5)
    head = AuditHead.objects.get(id=1)
    line = checkpoint_line(5, head.hash, head.keyed_from, pruned_at=timezone.now())
    checkpoints.write_text(line + "\n")
    _sql("UPDATE audit_audithead SET pruned_through = 5 WHERE id = 1")
    _sql("DELETE FROM audit_auditentry WHERE sequence <= 5")
    report = verify_chain()
    assert report.broken_at == 5 and "before their retention period ended" in report.reason


def test_the_database_refuses_deletes_above_the_cut_and_a_rewind(
    coordinator_a: Membership, checkpoints: Path, tmp_path: Path
) -> None:
    _history(coordinator_a)
    do_prune_audit_trail(actor=SYSTEM, through=5, archive_folder=tmp_path / "archive")
    with pytest.raises(DatabaseError):
        _sql("DELETE FROM audit_auditentry WHERE sequence = 7")
    with pytest.raises(DatabaseError):
        _sql("UPDATE audit_audithead SET pruned_through = 2 WHERE id = 1")
    with pytest.raises(DatabaseError):
        _sql("UPDATE audit_audithead SET pruned_through = NULL WHERE id = 1")
    assert AuditEntry.objects.filter(sequence=7).exists()
    assert verify_chain().intact


def test_a_changed_archive_is_named(
    coordinator_a: Membership, checkpoints: Path, tmp_path: Path
) -> None:
    _history(coordinator_a)
    report = do_prune_audit_trail(actor=SYSTEM, through=5, archive_folder=tmp_path / "archive")
    report.archive.write_text(report.archive.read_text().replace('"t3"', '"t9"'))
    with pytest.raises(PruneRefused, match="differs from its manifest"):
        check_archive(report.manifest)


def test_cli_prune(
    coordinator_a: Membership,
    checkpoints: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _history(coordinator_a)
    assert main(["audit", "prune", "--through", "5", "--dry-run"]) == 0
    assert "entries #1 to #5 (5 entries, the newest of 2015-03-01)" in capsys.readouterr().out
    assert main(["audit", "prune", "--through", "5"]) == 1
    assert "--archive is needed" in capsys.readouterr().err
    folder = tmp_path / "archive"
    assert main(["audit", "prune", "--through", "5", "--archive", str(folder)]) == 0
    assert "now starts at entry #6" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "4 entries" in capsys.readouterr().out
    manifest = next(folder.glob("*.manifest.json"))
    assert main(["audit", "check-archive", str(manifest)]) == 0
    assert main(["audit", "prune", "--through", "5", "--archive", str(folder)]) == 1
    assert "pruned already" in capsys.readouterr().err
