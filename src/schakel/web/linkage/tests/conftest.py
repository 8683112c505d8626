"""A possible return: organisation A ended a trajectory, B later took in the same person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from schakel.engine.returns import detect_returns
from schakel.engine.vocabulary import Role
from schakel.web.core.testing import IDENTITY, MembershipFactory, OrganisationFactory
from schakel.web.linkage.actions import do_store_candidates
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_open_trajectory, do_record_event, do_register_person
from schakel.web.trajectories.models import Trajectory


@pytest.fixture
def steward() -> Membership:
    """The installation's data steward, in an organisation that holds none of the cases."""
    office = OrganisationFactory.create(name="Regionaal gegevensbeheer")
    membership: Membership = MembershipFactory.create(organisation=office, role=Role.DATA_STEWARD)
    return membership


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
    agreement = {"given_names": "close", "family_name": "same", "date_of_birth": "same_year"}
    return do_store_candidates(
        candidates=found, agreements={(str(trajectory_a.pk), str(later.pk)): agreement}
    )
