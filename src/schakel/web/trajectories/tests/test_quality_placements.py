"""The check "placement still running after closure" projects only the candidates one aggregate
query leaves: the same lines as projecting every closed trajectory, in a bounded number of
queries whatever the number of trajectories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from schakel.engine.trajectories import project_state
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent
from schakel.web.trajectories.quality import placement_candidates, quality_worklist
from schakel.web.trajectories.tests.test_quality import _event, _open

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _start(t: Trajectory, actor: Membership, when: dt.datetime, pid: str) -> TrajectoryEvent:
    return _event(t, actor, "placement_start", when, placement_id=pid, placement_type="cosm")


def _exit(t: Trajectory, actor: Membership, when: dt.datetime) -> TrajectoryEvent:
    return _event(t, actor, "exit", when, exit_kind="independent", follow_up_months=[3])


def _histories(actor: Membership) -> dict[str, Trajectory]:
    """Closed trajectories with every way a placement can end, or not, and corrections."""
    now = timezone.now()
    made: dict[str, Trajectory] = {}

    def new(name: str) -> Trajectory:
        made[name] = _open(actor)
        return made[name]

    _start(new("running"), actor, now - 20 * DAY, "p1")
    t = new("exit ends it")
    _start(t, actor, now - 20 * DAY, "p1")
    _exit(t, actor, now - 10 * DAY)
    t = new("placed after the exit")
    _exit(t, actor, now - 20 * DAY)
    _start(t, actor, now - 10 * DAY, "p1")
    t = new("ended")
    _start(t, actor, now - 20 * DAY, "p1")
    _event(t, actor, "placement_end", now - 15 * DAY, placement_id="p1", reason="klaar")
    t = new("one of two ended")
    _start(t, actor, now - 20 * DAY, "p1")
    _start(t, actor, now - 19 * DAY, "p2")
    _event(t, actor, "placement_end", now - 15 * DAY, placement_id="p1", reason="klaar")
    t = new("exit withdrawn")
    _start(t, actor, now - 20 * DAY, "p1")
    wrong = _exit(t, actor, now - 10 * DAY)
    TrajectoryEvent.objects.create(
        trajectory=t,
        event_type="entered_in_error",
        occurred_at=now - 9 * DAY,
        recorded_at=now,
        recorded_by=actor.user,
        organisation=actor.organisation,
        payload={"reason": "andere persoon"},
        supersedes=wrong,
    )
    new("never placed")
    for trajectory in made.values():
        Trajectory.objects.filter(pk=trajectory.pk).update(case_status="closed")
    still_open = _open(actor)
    _start(still_open, actor, now - 5 * DAY, "p1")
    return made


def _by_projecting_everything(actor: Membership) -> set[str]:
    closed = Trajectory.objects.filter(
        organisation_id=actor.organisation_id, case_status__in=["closed", "closed_referred"]
    )
    running = set()
    for trajectory in closed:
        state = project_state(e.as_engine_event() for e in trajectory.events.all())
        if state.open_placements:
            running.add(str(trajectory.pk))
    return running


def test_the_candidates_give_what_projecting_every_closed_trajectory_gives(
    coordinator_a: Membership,
) -> None:
    made = _histories(coordinator_a)
    found = {
        line.trajectory_id
        for line in quality_worklist(coordinator_a)
        if line.check == "placement_after_closure"
    }
    assert found == _by_projecting_everything(coordinator_a)
    assert found == {
        str(made[name].pk)
        for name in ("running", "placed after the exit", "one of two ended", "exit withdrawn")
    }
    own = Trajectory.objects.filter(organisation_id=coordinator_a.organisation_id)
    skipped = {str(made[name].pk) for name in ("exit ends it", "never placed")}
    assert not skipped & {str(pk) for pk in placement_candidates(own).values_list("pk", flat=True)}


def test_the_checks_cost_the_same_queries_for_more_trajectories(
    coordinator_a: Membership, django_assert_max_num_queries: Any
) -> None:
    _histories(coordinator_a)
    with django_assert_max_num_queries(9) as few:
        quality_worklist(coordinator_a)
    _histories(coordinator_a)
    _histories(coordinator_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        lines = quality_worklist(coordinator_a)
    assert sum(line.check == "placement_after_closure" for line in lines) == 12
