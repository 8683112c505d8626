from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_register_time
from schakel.web.trajectories.models import TimeEntry, Trajectory
from schakel.web.trajectories.selectors import regional_overview

pytestmark = pytest.mark.django_db


def test_registered_time_changes_the_regional_overview(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    Trajectory.objects.filter(pk=trajectory_a.pk).update(coordinator_id=coordinator_a.user_id)
    before = regional_overview(coordinator_a)
    assert before.open_trajectories == 1 and before.unassigned == 0
    client = signed_in(coordinator_a)
    response = client.post(
        reverse("register-time", args=[trajectory_a.pk]),
        {"task_type": "benefits", "on": timezone.localdate().isoformat(), "minutes": 90},
    )
    assert response.status_code == 302
    after = regional_overview(coordinator_a)
    mine = next(c for c in after.coordinators if c.user.pk == coordinator_a.user_id)
    assert mine.hours == {"benefits": 1.5} and mine.caseload == 1
    assert after.hours_by_task == {"benefits": 1.5}
    page = client.get(reverse("regional-workload"))
    assert page.status_code == 200 and b"1,5" in page.content  # Dutch decimal comma


def test_bad_time_is_refused(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    for minutes, day, field in [
        (0, timezone.localdate(), "minutes"),
        (30, timezone.localdate() + dt.timedelta(days=1), "on"),
    ]:
        with pytest.raises(ValidationError, match=field):
            do_register_time(
                actor=coordinator_a,
                trajectory=trajectory_a,
                task_type="care",
                on=day,
                minutes=minutes,
            )
    assert not TimeEntry.objects.exists()


def test_other_organisation_cannot_register_time(
    coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    response = signed_in(coordinator_b).post(
        reverse("register-time", args=[trajectory_a.pk]), {"task_type": "care", "minutes": 5}
    )
    assert response.status_code == 404 and not TimeEntry.objects.exists()
