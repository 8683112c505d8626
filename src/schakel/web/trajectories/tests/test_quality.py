"""The data-quality worklist: each check finds its trajectory, and only in its organisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import (
    Referral,
    Trajectory,
    TrajectoryEvent,
    TrajectoryTask,
)
from schakel.web.trajectories.quality import quality_counts, quality_worklist

pytestmark = pytest.mark.django_db


def _open(actor: Membership, *, coordinator: bool = True) -> Trajectory:
    person = do_register_person(actor=actor, identity=IDENTITY)
    trajectory = do_open_trajectory(
        actor=actor, person=person, opened_at=timezone.now() - dt.timedelta(days=60)
    )
    if coordinator:
        Trajectory.objects.filter(pk=trajectory.pk).update(coordinator=actor.user)
    return trajectory


def _event(
    trajectory: Trajectory, actor: Membership, kind: str, when: dt.datetime, **payload: Any
) -> TrajectoryEvent:
    """An event as an import or an old version could have stored it (no sequence rules)."""
    return TrajectoryEvent.objects.create(
        trajectory=trajectory,
        event_type=kind,
        occurred_at=when,
        recorded_at=timezone.now(),
        recorded_by=actor.user,
        organisation=actor.organisation,
        payload=payload,
    )


def test_each_check_finds_its_trajectory(
    coordinator_a: Membership,
    coordinator_b: Membership,
    member: Callable[..., Membership],
    org_a: Organisation,
) -> None:
    now = timezone.now()
    clean = _open(coordinator_a)
    nobody = _open(coordinator_a, coordinator=False)
    late = _open(coordinator_a)
    TrajectoryTask.objects.create(
        trajectory=late, kind="follow_up", due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    future = _open(coordinator_a)
    _event(future, coordinator_a, "follow_up_contact", now + dt.timedelta(days=30))
    waiting = _open(coordinator_a)
    Referral.objects.create(
        trajectory=waiting,
        reference="r1",
        from_organisation=org_a,
        to_organisation=coordinator_b.organisation,
        purpose="shelter",
        sent_at=now - dt.timedelta(days=20),
    )
    placed = _open(coordinator_a)
    _event(
        placed,
        coordinator_a,
        "placement_start",
        now - dt.timedelta(days=20),
        placement_id="p1",
        placement_type="cosm",
    )
    _event(
        placed, coordinator_a, "closure", now - dt.timedelta(days=10), reason="follow_up_completed"
    )
    Trajectory.objects.filter(pk=placed.pk).update(case_status="closed")
    ended = _open(coordinator_a)  # a placement that ended before closure is fine
    _event(
        ended,
        coordinator_a,
        "placement_start",
        now - dt.timedelta(days=20),
        placement_id="p2",
        placement_type="cosm",
    )
    _event(
        ended,
        coordinator_a,
        "placement_end",
        now - dt.timedelta(days=15),
        placement_id="p2",
        reason="klaar",
    )
    Trajectory.objects.filter(pk=ended.pk).update(case_status="closed")
    other_org = _open(coordinator_b, coordinator=False)

    supervisor = member(org_a, Role.SUPERVISOR)
    found = {(line.check, line.trajectory_id) for line in quality_worklist(supervisor)}
    assert found == {
        ("no_coordinator", str(nobody.pk)),
        ("overdue_task", str(late.pk)),
        ("impossible_date", str(future.pk)),
        ("unanswered_referral", str(waiting.pk)),
        ("placement_after_closure", str(placed.pk)),
    }
    assert str(clean.pk) not in {t for _, t in found} and str(other_org.pk) not in {
        t for _, t in found
    }
    counts = quality_counts(supervisor)
    assert counts["no_coordinator"] == 1 and counts["dangling_correction"] == 0

    client = signed_in(supervisor)
    page = client.get(reverse("quality-worklist"), {"check": "overdue_task"}).content.decode()
    assert reverse("trajectory-detail", args=[late.pk]) in page
    assert reverse("trajectory-detail", args=[nobody.pk]) not in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("quality-worklist") + "?check=no_coordinator" in home


def test_frontline_workers_have_no_worklist(
    coordinator_a: Membership, member: Callable[..., Membership], org_a: Organisation
) -> None:
    client = signed_in(member(org_a, Role.FRONTLINE))
    assert client.get(reverse("quality-worklist")).status_code == 403
    assert "quality-heading" not in client.get(reverse("home")).content.decode()


def test_the_worklist_costs_a_fixed_number_of_queries(
    coordinator_a: Membership,
    member: Callable[..., Membership],
    org_a: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(6):
        _open(coordinator_a, coordinator=False)
    supervisor = member(org_a, Role.SUPERVISOR)
    with django_assert_max_num_queries(9):
        assert len(quality_worklist(supervisor)) == 6
