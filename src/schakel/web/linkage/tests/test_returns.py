from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.returns import detect_returns
from schakel.web.conftest import IDENTITY, signed_in
from schakel.web.linkage.actions import do_store_candidates
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent
from schakel.web.trajectories.service import do_open_trajectory, do_record_event, do_register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory) -> int:
    """A exited the person; B later opened a trajectory with an intake for the same person."""
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="exit",
        occurred_at=timezone.now() - dt.timedelta(days=200),
        payload={"exit_kind": "stable"},
    )
    person_b = do_register_person(actor=coordinator_b, identity=IDENTITY)
    later = do_open_trajectory(actor=coordinator_b, person=person_b)
    do_record_event(
        actor=coordinator_b,
        trajectory=later,
        event_type="intake",
        occurred_at=timezone.now() - dt.timedelta(days=10),
        payload={},
    )
    events = {
        str(t.pk): [e.as_engine_event() for e in t.events.all()] for t in (trajectory_a, later)
    }
    found = detect_returns({"c1": [str(trajectory_a.pk), str(later.pk)]}, events, {"c1": 0.98})
    return do_store_candidates(candidates=found)


def test_candidate_reviewed_where_the_identity_is_held(
    linked: int, coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    assert linked == 1
    candidate = ReturnCandidate.objects.get()
    assert not ReturnCandidate.objects.for_reviewer(coordinator_b).exists()
    client = signed_in(coordinator_a)
    page = client.get(reverse("return-candidates"))
    assert trajectory_a.person.pseudonym.encode() in page.content
    assert b"Popescu" not in page.content
    client.post(reverse("review-return", args=[candidate.pk]), {"answer": "reject"})
    assert ReturnCandidate.objects.get().status == "pending"  # a rejection needs a reason
    client.post(reverse("review-return", args=[candidate.pk]), {"answer": "confirm"})
    assert ReturnCandidate.objects.get().status == "confirmed"
    event = TrajectoryEvent.objects.get(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    )
    assert event.payload["detected_by"] == "linkage"
    assert do_store_candidates(candidates=[]) == 0


def test_other_organisation_cannot_review(linked: int, coordinator_b: Membership) -> None:
    candidate = ReturnCandidate.objects.get()
    response = signed_in(coordinator_b).post(
        reverse("review-return", args=[candidate.pk]), {"answer": "confirm"}
    )
    assert response.status_code == 404
    assert ReturnCandidate.objects.get().status == "pending"
