"""The seven tamperings of issue 18, each done as someone with write access to the database
(around the triggers) but without the key: each is detected and named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from schakel.web.audit.actions import do_write_checkpoint
from schakel.web.audit.chain import entry_hash
from schakel.web.audit.models import AuditEntry, AuditHead
from schakel.web.audit.selectors import stored_content, verify_chain
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
TABLES = ("audit_auditentry", "trajectories_trajectoryevent", "audit_audithead")


@pytest.fixture
def checkpoints(tmp_path: Path, settings: object) -> Iterator[Path]:
    path = tmp_path / "audit-checkpoints.log"
    settings.AUDIT_CHECKPOINT_FILE = str(path)  # type: ignore[attr-defined]
    yield path


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Tamper around the triggers, as a database administrator could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in cursor.fetchall():
                if name.startswith(TABLES):
                    cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])


def _history(coordinator_a: Membership, trajectory_a: Trajectory) -> list[TrajectoryEvent]:
    events = []
    for day in (3, 2, 1):
        events.append(
            do_record_event(
                actor=coordinator_a,
                trajectory=trajectory_a,
                event_type="vulnerability",
                occurred_at=timezone.now() - dt.timedelta(days=day),
                payload={"factor": "debt"},
            )
        )
    return events


def _rehash_from(sequence: int) -> None:
    """Recompute every hash from `sequence` on with the unkeyed function (no key at hand)."""
    previous = AuditEntry.objects.get(sequence=sequence - 1).hash if sequence > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        content = stored_content(entry)
        digest = entry_hash(previous, content)
        _raw(
            "UPDATE audit_auditentry SET previous_hash = %s, hash = %s WHERE sequence = %s",
            [previous, digest, entry.sequence],
        )
        previous = digest
    _raw("UPDATE audit_audithead SET hash = %s", [previous])


def test_an_intact_trail_with_events_and_checkpoints_verifies(
    coordinator_a: Membership, trajectory_a: Trajectory, checkpoints: Path
) -> None:
    _history(coordinator_a, trajectory_a)
    assert do_write_checkpoint() is not None
    report = verify_chain()
    assert report.intact, report.reason
    assert report.records_checked == 3 and report.checkpoints_checked == 1


def test_1_an_altered_entry(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    _history(coordinator_a, trajectory_a)
    _raw("UPDATE audit_auditentry SET purpose = 'nothing to see' WHERE sequence = 3")
    report = verify_chain()
    assert report.broken_at == 3 and "altered" in report.reason


def test_2_a_removed_entry(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    _history(coordinator_a, trajectory_a)
    _raw("DELETE FROM audit_auditentry WHERE sequence = 2")
    report = verify_chain()
    assert report.broken_at == 2 and "missing" in report.reason


def test_3_a_removed_tail(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    _history(coordinator_a, trajectory_a)
    _raw("DELETE FROM audit_auditentry WHERE sequence >= 4")
    report = verify_chain()
    assert report.broken_at == 4 and "removed" in report.reason


def test_4_a_removed_tail_with_the_head_rewound(
    coordinator_a: Membership, trajectory_a: Trajectory, checkpoints: Path
) -> None:
    _history(coordinator_a, trajectory_a)
    do_write_checkpoint()
    kept = AuditEntry.objects.get(sequence=3)
    _raw("DELETE FROM audit_auditentry WHERE sequence > 3")
    _raw("UPDATE audit_audithead SET sequence = 3, hash = %s", [kept.hash])
    report = verify_chain()
    assert report.broken_at == 4 and "checkpoint" in report.reason


def test_5_a_chain_rehashed_from_an_entry(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    _history(coordinator_a, trajectory_a)
    _raw("UPDATE audit_auditentry SET purpose = 'rewritten' WHERE sequence = 2")
    _rehash_from(2)
    report = verify_chain()
    assert report.broken_at == 2 and "without the key" in report.reason


def test_6_an_event_payload_changed(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    events = _history(coordinator_a, trajectory_a)
    _raw(
        "UPDATE trajectories_trajectoryevent SET payload = %s WHERE id = %s",
        [
            '{"note": "changed"}',
            events[1].pk.hex if connection.vendor == "sqlite" else events[1].pk,
        ],
    )
    report = verify_chain()
    assert (
        report.broken_at is not None and "trajectory_event it records was altered" in report.reason
    )


def test_7_events_deleted(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    events = _history(coordinator_a, trajectory_a)
    _raw(
        "DELETE FROM trajectories_trajectoryevent WHERE id = %s",
        [events[2].pk.hex if connection.vendor == "sqlite" else events[2].pk],
    )
    report = verify_chain()
    assert (
        report.broken_at is not None and "trajectory_event it records was deleted" in report.reason
    )


def test_a_forged_checkpoint_is_named(
    coordinator_a: Membership, trajectory_a: Trajectory, checkpoints: Path
) -> None:
    _history(coordinator_a, trajectory_a)
    do_write_checkpoint()
    text = checkpoints.read_text().replace('"sequence": ', '"sequence": 1')
    checkpoints.write_text(text)
    report = verify_chain()
    assert not report.intact and "not signed" in report.reason


def test_the_head_only_moves_forward(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    _history(coordinator_a, trajectory_a)
    for sql in (
        "UPDATE audit_audithead SET sequence = 1",
        "UPDATE audit_audithead SET keyed_from = 99",
        "DELETE FROM audit_audithead",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditHead.objects.get().sequence > 1


def test_the_off_switch_table_is_only_in_test_databases() -> None:
    from django.conf import settings

    from schakel.web.core.append_only import sqlite_guard

    assert settings.APPEND_ONLY_SWITCH is True  # test settings only
    with override_switch(False):
        assert sqlite_guard() == ""


class override_switch:
    def __init__(self, value: bool) -> None:
        from django.test import override_settings

        self.inner = override_settings(APPEND_ONLY_SWITCH=value)

    def __enter__(self) -> None:
        self.inner.enable()

    def __exit__(self, *args: object) -> None:
        self.inner.disable()
