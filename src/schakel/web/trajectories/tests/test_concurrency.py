"""Two coordinators saving at once: one wins, the other is told, nothing is overwritten."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import ConflictError, do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

# SQLite serialises writers and its test database cannot be flushed past the append-only
# triggers, so the concurrency of row locks is tested where production runs: PostgreSQL.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_postgresql(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    trajectory_a.refresh_from_db()
    seen = trajectory_a.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(factor: str) -> None:
        try:
            barrier.wait()
            do_record_event(
                actor=Membership.objects.select_related("organisation").get(pk=coordinator_a.pk),
                trajectory=Trajectory.objects.get(pk=trajectory_a.pk),
                event_type="vulnerability",
                occurred_at=timezone.now(),
                payload={"factor": factor},
                expected_version=seen,
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(f,)) for f in ("debt", "trauma")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert TrajectoryEvent.objects.filter(trajectory=trajectory_a).count() == 1
