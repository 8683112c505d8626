from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from schakel.engine.synth import InvalidParameters
from schakel.engine.vocabulary import Role
from schakel.web.audit.service import verify_chain
from schakel.web.core.testing import signed_in
from schakel.web.demo import seeding
from schakel.web.demo.actions import do_create_demo_accounts, do_seed_region
from schakel.web.demo.seeding import DatabaseNotEmpty, seed_parameters
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import (
    Person,
    Referral,
    Trajectory,
    TrajectoryEvent,
    TrajectoryTask,
)
from schakel.web.trajectories.service import do_read_identity, state_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path: Path) -> seeding.SeedReport:
    return do_seed_region(seed_parameters(persons=60, seed=11), ground_truth=tmp_path / "truth")


def test_seed_loads_a_consistent_region(seeded: seeding.SeedReport) -> None:
    assert seeded.seeded and seeded.persons >= 60
    assert Person.objects.count() == seeded.persons
    assert Trajectory.objects.count() == seeded.trajectories
    assert TrajectoryEvent.objects.count() == seeded.events
    assert seeded.ground_truth is not None
    assert (seeded.ground_truth / "coefficients.json").exists()
    for trajectory in Trajectory.objects.all()[:25]:
        assert trajectory.stage == state_of(trajectory).stage.value
    report = verify_chain()
    assert report.intact and report.checked == seeded.persons + seeded.trajectories
    sent = TrajectoryEvent.objects.filter(event_type="referral_sent").count()
    assert sent > 0 and Referral.objects.count() == sent
    assert TrajectoryTask.objects.exists()


def test_seed_refuses_a_database_with_data(seeded: seeding.SeedReport) -> None:
    with pytest.raises(DatabaseNotEmpty):
        do_seed_region(seed_parameters(persons=5))
    assert not do_seed_region(seed_parameters(persons=5), only_if_empty=True).seeded


def test_invalid_parameters_name_the_field() -> None:
    with pytest.raises(InvalidParameters, match="persons"):
        seed_parameters(persons=0)
    assert not Organisation.objects.exists()


def test_failure_half_way_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, person_ids: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeding.RegionLoader, "_trajectories", broken)
    with pytest.raises(RuntimeError):
        do_seed_region(seed_parameters(persons=10))
    assert not Organisation.objects.exists() and not Person.objects.exists()
    assert verify_chain().checked == 0


def test_seeded_identities_decrypt_for_coordinators(seeded: seeding.SeedReport) -> None:
    trajectory = Trajectory.objects.exclude(coordinator=None).select_related("person").first()
    assert trajectory is not None and trajectory.coordinator_id is not None
    actor = Membership.objects.get(
        user_id=trajectory.coordinator_id, organisation_id=trajectory.organisation_id
    )
    identity = do_read_identity(actor=actor, person=trajectory.person, purpose="test")
    assert identity.family_name or identity.given_names


def test_demo_accounts_one_per_role(seeded: seeding.SeedReport, tmp_path: Path) -> None:
    path = tmp_path / "accounts.txt"
    accounts = do_create_demo_accounts(path)
    assert {a.role for a in accounts} == set(Role)
    again = do_create_demo_accounts(path)
    assert [a.password for a in again] == [a.password for a in accounts]
    assert oct(path.stat().st_mode)[-3:] == "600"
    coordinator = Membership.objects.get(user__username="coordinator")
    home = signed_in(coordinator).get(reverse("home")).content.decode()
    assert "Welkom, Demo Zorgcoördinator" in home  # a Dutch name, not "Coordinator"
    page = signed_in(coordinator).get(reverse("trajectory-list"))
    assert page.status_code == 200
    visible = Trajectory.objects.visible_to(coordinator).count()
    assert visible == Trajectory.objects.filter(organisation=coordinator.organisation).count()
