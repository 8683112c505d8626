from __future__ import annotations

import datetime as dt
import gc
import uuid
from typing import Any

import pytest
from django.utils import timezone

from schakel.web.demo.bulk import cycle_collector_paused, insert_rows
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Person, Trajectory, TrajectoryEvent, TrajectoryTask

pytestmark = pytest.mark.django_db

AT = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _events(trajectory: Trajectory, author: Membership, tag: str) -> list[TrajectoryEvent]:
    """Events with repeated and distinct values, a datetime shared by two columns and JSON."""
    return [
        TrajectoryEvent(
            id=uuid.uuid4(),
            trajectory_id=trajectory.pk,
            event_type="note_added",
            occurred_at=AT + dt.timedelta(hours=n % 3),
            recorded_at=AT + dt.timedelta(hours=n % 3),
            recorded_by_id=author.user_id if n % 2 else None,
            organisation_id=author.organisation_id,
            payload={"tag": tag, "n": n, "flag": n == 1, "items": [1, True, "1"]},
        )
        for n in range(7)
    ]


def _stored(events: list[TrajectoryEvent]) -> list[dict[str, Any]]:
    rows = TrajectoryEvent.objects.filter(pk__in=[e.pk for e in events]).values()
    found: list[dict[str, Any]] = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    for row in found:
        row["payload"].pop("tag")
    return sorted(found, key=lambda row: row["payload"]["n"])


def test_insert_rows_writes_what_bulk_create_writes(
    trajectory_a: Trajectory, coordinator_a: Membership
) -> None:
    by_orm = _events(trajectory_a, coordinator_a, "orm")
    TrajectoryEvent.objects.bulk_create(by_orm)
    ours = _events(trajectory_a, coordinator_a, "insert_rows")
    assert insert_rows(ours) == 7
    assert _stored(ours) == _stored(by_orm)
    assert len(_stored(ours)) == 7
    assert {row["recorded_by_id"] for row in _stored(ours)} == {None, coordinator_a.user_id}
    assert _stored(ours)[1]["payload"] == {"n": 1, "flag": True, "items": [1, True, "1"]}


def test_insert_rows_leaves_auto_ids_to_the_database_and_sets_auto_now(
    trajectory_a: Trajectory,
) -> None:
    before = timezone.now()
    persons = [Person(pseudonym=f"P-BULK-{n:03d}") for n in range(3)]
    tasks = [
        TrajectoryTask(trajectory=trajectory_a, kind="bulk_check", due_on=dt.date(2024, 5, n))
        for n in (1, 2)
    ]
    assert insert_rows(persons) == 3 and insert_rows(tasks) == 2
    stored = Person.objects.filter(pseudonym__startswith="P-BULK-")
    assert sorted(p.pk for p in stored) == sorted(p.pk for p in persons)
    assert all(p.created_at >= before for p in stored)
    due = TrajectoryTask.objects.filter(trajectory=trajectory_a, kind="bulk_check")
    assert sorted(due.values_list("due_on", flat=True)) == [
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 2),
    ]
    assert all(pk is not None for pk in due.values_list("pk", flat=True))
    assert insert_rows([]) == 0


def test_the_cycle_collector_is_paused_only_inside_the_block() -> None:
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collector_paused():
        raise RuntimeError("seed failed")
    assert gc.isenabled()
