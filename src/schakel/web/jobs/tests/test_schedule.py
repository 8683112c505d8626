"""Periodic jobs: due at their time, queued once however many workers look."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from schakel.web.jobs import registry, schedule
from schakel.web.jobs.models import Job, ScheduleState
from schakel.web.jobs.registry import JOB_TYPES, SCHEDULES, Schedule
from schakel.web.jobs.tests import example_tasks as tasks

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


NIGHTLY = Schedule("tests.nightly", tasks.report_half_way, at=dt.time(4, 0))
HOURLY = Schedule("tests.hourly", tasks.report_half_way, every=dt.timedelta(hours=1))


def test_a_daily_schedule_is_due_once_per_slot() -> None:
    assert NIGHTLY.is_due(None, at(10, 12))  # never ran: runs at once
    assert not NIGHTLY.is_due(at(10, 4, 1), at(10, 23))  # ran after tonight's slot
    assert NIGHTLY.is_due(at(10, 4, 1), at(11, 4, 0))
    assert not NIGHTLY.is_due(at(11, 4, 0), at(11, 4, 0))
    # a worker that was down for three nights runs it once, not three times
    assert NIGHTLY.is_due(at(7, 4), at(10, 9)) and not NIGHTLY.is_due(at(10, 9), at(10, 23))


def test_the_next_slot_is_tonight_or_tomorrow_on_the_wall_clock() -> None:
    """What the pages announce as the next run (`next_run`)."""
    assert NIGHTLY.next_slot(at(10, 3)) == at(10, 4)
    assert NIGHTLY.next_slot(at(10, 4)) == at(11, 4)
    assert NIGHTLY.next_slot(at(28, 12)) == at(29, 4)  # clocks go forward that night
    assert HOURLY.next_slot(at(10, 3), last_run=at(10, 2, 30)) == at(10, 3, 30)
    assert HOURLY.next_slot(at(10, 3)) == at(10, 4)


def test_the_local_time_holds_across_summer_time() -> None:
    # 29 March 2026: clocks go forward at 02:00; 04:00 is still 04:00 on the wall
    slot = NIGHTLY.last_slot(at(29, 12))
    assert slot.astimezone(AMSTERDAM).hour == 4
    assert NIGHTLY.last_slot(at(28, 12)).utcoffset() != slot.utcoffset()


def test_an_interval_schedule() -> None:
    assert HOURLY.is_due(at(10, 8), at(10, 9)) and not HOURLY.is_due(at(10, 8), at(10, 8, 59))


@pytest.fixture
def only_test_schedules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "SCHEDULES", {NIGHTLY.name: NIGHTLY})
    monkeypatch.setattr(schedule, "SCHEDULES", registry.SCHEDULES)
    yield


@pytest.mark.django_db
def test_due_schedules_are_queued_once(only_test_schedules: None) -> None:
    first = schedule.run_due_schedules(at(10, 5))
    assert [job.name for job in first] == ["tests.report"]
    assert first[0].started_by is None and first[0].state == "queued"
    assert schedule.run_due_schedules(at(10, 6)) == []
    state = ScheduleState.objects.get(name=NIGHTLY.name)
    assert state.last_job_id == first[0].pk and state.version == 1
    assert len(schedule.run_due_schedules(at(11, 4, 30))) == 1


@pytest.mark.django_db
def test_of_two_workers_that_find_a_schedule_due_only_one_queues_it(
    only_test_schedules: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_by_both = schedule._state(NIGHTLY.name)  # both read version 0, never ran
    assert len(schedule.run_due_schedules(at(10, 5))) == 1  # the first claims it
    monkeypatch.setattr(schedule, "_state", lambda name: seen_by_both)
    assert schedule.run_due_schedules(at(10, 5)) == []  # the second's claim fails
    assert Job.objects.count() == 1


def test_the_periodic_jobs_of_the_issue_are_registered() -> None:
    assert SCHEDULES["monitor.nightly-release"].at == dt.time(4, 0)
    assert SCHEDULES["notifications.daily-digest"].at == dt.time(7, 0)  # holds the deadlines
    for name in ("monitor.release", "trajectories.deadline-digest", "linkage.returns"):
        assert JOB_TYPES[name].max_attempts > 1  # each is safe to retry
