from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from schakel.engine.trajectories import Event, project_state
from schakel.engine.trajectories.projection import add_months, follow_up_tasks, reflection_deadline
from schakel.engine.vocabulary import CaseStatus, Stage

T0 = dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC)


def ev(n: int, kind: str, day: int, supersedes: str | None = None, **payload: object) -> Event:
    at = T0 + dt.timedelta(days=day)
    return Event(str(n), kind, at, at, dict(payload), supersedes)


def test_full_trajectory() -> None:
    events = [
        ev(1, "signal", 0, observed_by_role="frontline"),
        ev(2, "consultation", 1, topic="signals"),
        ev(3, "referral_sent", 2, referral_id="r1", to_organisation_id=2),
        ev(4, "referral_accepted", 3, referral_id="r1"),
        ev(5, "intake", 4),
        ev(6, "placement_start", 5, placement_id="p1", placement_type="omm"),
        ev(7, "exploitation_episode", 5, episode_id="e1", form="sexual"),
        ev(8, "exit", 200, exit_kind="stable", follow_up_months=[3, 6]),
    ]
    state = project_state(events)
    assert state.stage == Stage.FOLLOW_UP and state.case_status == CaseStatus.FOLLOW_UP
    assert state.placement is None and state.episodes == 1 and not state.pending_referrals
    exit_day = (T0 + dt.timedelta(days=200)).date()
    assert [t.due_on for t in state.open_tasks] == [
        add_months(exit_day, 3),
        add_months(exit_day, 6),
    ]
    closed = project_state([*events, ev(9, "closure", 400, reason="follow_up_completed")])
    assert closed.case_status == CaseStatus.CLOSED and closed.open_tasks == ()


def test_supersession_and_withdrawal() -> None:
    start = ev(1, "placement_start", 1, placement_id="p1", placement_type="omm")
    fixed = ev(2, "placement_start", 1, supersedes="1", placement_id="p1", placement_type="cosm")
    assert project_state([start, fixed]).placement == "cosm"
    withdrawn = ev(3, "entered_in_error", 2, supersedes="2", reason="wrong")
    assert project_state([start, fixed, withdrawn]).placement is None


def test_reflection_deadlines() -> None:
    assert reflection_deadline(dt.date(2024, 11, 30), dublin=False) == dt.date(2025, 2, 28)
    assert reflection_deadline(dt.date(2024, 1, 1), dublin=True) == dt.date(2024, 1, 31)
    state = project_state([ev(1, "residence_milestone", 0, milestone="reflection_start")])
    assert state.open_tasks[0].kind == "reflection_period_ends"
    ended = project_state(
        [
            ev(1, "residence_milestone", 0, milestone="reflection_start"),
            ev(2, "residence_milestone", 40, milestone="reflection_end"),
        ]
    )
    assert ended.open_tasks == ()


def test_return_reopens_care() -> None:
    state = project_state(
        [
            ev(1, "exit", 0, exit_kind="stable", follow_up_months=[3]),
            ev(2, "return_to_exploitation", 50, detected_by="follow_up"),
        ]
    )
    assert state.returned and state.stage == Stage.IN_CARE and state.exited_on is None


@given(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), st.integers(0, 240))
def test_add_months_is_monotone_and_lands_in_the_month(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day


@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=6, unique=True).map(sorted),
    st.lists(st.integers(0, 2000), max_size=10),
)
def test_follow_up_tasks_each_contact_meets_at_most_one(
    months: list[int], offsets: list[int]
) -> None:
    exit_day = dt.date(2024, 1, 1)
    contacts = [exit_day + dt.timedelta(days=o) for o in offsets]
    open_tasks = follow_up_tasks(exit_day, months, contacts)
    assert len(months) - len(contacts) <= len(open_tasks) <= len(months)
    assert all(t.kind == "follow_up" for t in open_tasks)
    assert follow_up_tasks(exit_day, months, []) == [
        t for t in follow_up_tasks(exit_day, months, []) if t.due_on > exit_day
    ]
