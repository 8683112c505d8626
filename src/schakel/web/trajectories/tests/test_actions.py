from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from schakel.engine.identity import InvalidIdentityError
from schakel.engine.trajectories.events import InvalidEventError
from schakel.engine.vocabulary import CaseStatus, Stage
from schakel.web.audit.models import AuditEntry
from schakel.web.core import crypto
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    do_read_identity,
    do_record_event,
    do_register_person,
    refresh_projection,
    state_of,
)
from schakel.web.trajectories.models import Identity, Person, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def record(actor: Membership, trajectory: Trajectory, kind: str, days_ago: int = 0, **payload):
    return do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type=kind,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        payload=payload,
    )


def test_identity_is_encrypted_at_rest(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    person = trajectory_a.person
    stored = Identity.objects.get(person=person).ciphertext
    assert "Popescu" not in stored and "1999" not in stored
    identity = do_read_identity(actor=coordinator_a, person=person, purpose="check")
    assert identity.family_name == "Popescu"
    assert AuditEntry.objects.filter(object_type="identity", action="read").count() == 1


def test_bad_identity_names_field_and_writes_nothing(coordinator_a: Membership) -> None:
    with pytest.raises(InvalidIdentityError, match=r"identifiers\.bsn"):
        do_register_person(
            actor=coordinator_a, identity={**IDENTITY, "identifiers": {"bsn": "123456789"}}
        )
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_missing_key_gives_clear_error(settings, coordinator_a: Membership) -> None:
    settings.ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="SCHAKEL_ENCRYPTION_KEYS"):
        do_register_person(actor=coordinator_a, identity=IDENTITY)
    assert Person.objects.count() == 0


def test_rotated_keys_still_decrypt(
    settings, coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    person = trajectory_a.person
    settings.ENCRYPTION_KEYS = [crypto.new_key(), *settings.ENCRYPTION_KEYS]
    assert do_read_identity(actor=coordinator_a, person=person, purpose="x").given_names


def test_events_project_to_state(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    record(coordinator_a, trajectory_a, "intake", 20)
    record(
        coordinator_a, trajectory_a, "placement_start", 19, placement_id="p1", placement_type="omm"
    )
    assert trajectory_a.stage == Stage.IN_CARE
    record(coordinator_a, trajectory_a, "exit", 2, exit_kind="stable")
    trajectory_a.refresh_from_db()
    assert (
        trajectory_a.stage == Stage.FOLLOW_UP and trajectory_a.case_status == CaseStatus.FOLLOW_UP
    )
    state = state_of(trajectory_a)
    assert state.placement is None
    assert [t.kind for t in state.open_tasks] == ["follow_up"] * 4


def test_malformed_payload_writes_nothing(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    before = (TrajectoryEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidEventError, match="placement_type"):
        record(
            coordinator_a, trajectory_a, "placement_start", placement_id="p1", placement_type="x"
        )
    with pytest.raises(InvalidEventError, match="unknown event type"):
        record(coordinator_a, trajectory_a, "teleport")
    assert (TrajectoryEvent.objects.count(), AuditEntry.objects.count()) == before


def test_failure_after_write_rolls_back(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    before = (TrajectoryEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Exception, match="to_organisation_id"):
        record(
            coordinator_a, trajectory_a, "referral_sent", referral_id="r", to_organisation_id=999999
        )
    assert (TrajectoryEvent.objects.count(), AuditEntry.objects.count()) == before


def test_correction_supersedes(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    wrong = record(coordinator_a, trajectory_a, "exit", 3, exit_kind="stable")
    assert trajectory_a.stage == Stage.FOLLOW_UP
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="entered_in_error",
        occurred_at=wrong.occurred_at,
        payload={"reason": "wrong person"},
        supersedes=wrong,
    )
    trajectory_a.refresh_from_db()
    assert trajectory_a.stage == Stage.SIGNALLED
    assert TrajectoryEvent.objects.filter(pk=wrong.pk).exists()  # kept, never deleted
    with translation.override("en"), pytest.raises(Exception, match="already corrected"):
        do_record_event(
            actor=coordinator_a,
            trajectory=trajectory_a,
            event_type="exit",
            occurred_at=wrong.occurred_at,
            payload={"exit_kind": "other"},
            supersedes=wrong,
        )


def test_events_are_append_only(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    record(coordinator_a, trajectory_a, "intake")
    with pytest.raises(PermissionError):
        TrajectoryEvent.objects.all().update(event_type="exit")
    with pytest.raises(PermissionError):
        TrajectoryEvent.objects.all().delete()


def test_future_event_refused(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    with translation.override("en"), pytest.raises(Exception, match="future"):
        record(coordinator_a, trajectory_a, "intake", days_ago=-3)


def test_cache_matches_projection(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    record(coordinator_a, trajectory_a, "intake")
    Trajectory.objects.filter(pk=trajectory_a.pk).update(stage="closed")
    assert refresh_projection(trajectory_a).stage == Stage.IN_CARE


def test_reader_cannot_write(org_a, member, trajectory_a: Trajectory) -> None:
    supervisor = member(org_a, "supervisor")
    with pytest.raises(PermissionDenied):
        record(supervisor, trajectory_a, "intake")


def test_record_event_page(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "placement_start"])
    assert client.get(url).status_code == 200
    trajectory_a.refresh_from_db()
    base = {"occurred_at": "2024-05-01T10:00", "version": trajectory_a.version}
    bad = client.post(url, {**base, "placement_id": "p1"})
    assert bad.status_code == 422 and TrajectoryEvent.objects.count() == 0
    stale = client.post(url, {**base, "version": 99, "placement_id": "p1", "placement_type": "omm"})
    assert stale.status_code == 422 and TrajectoryEvent.objects.count() == 0
    good = client.post(url, {**base, "placement_id": "p1", "placement_type": "omm"})
    assert good.status_code == 302
    event = TrajectoryEvent.objects.get()
    # the link between a placement's start and end is made up by the form, never typed
    assert event.payload["placement_type"] == "omm" and event.payload["placement_id"] != "p1"
    detail = client.get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert b"OMM" in detail.content


def test_exit_form_offers_the_follow_up_months_as_ticks(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    record(coordinator_a, trajectory_a, "intake", days_ago=30)
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "exit"])
    page = client.get(url).content.decode()
    for months in (3, 6, 12, 24):
        assert f'type="checkbox" name="follow_up_months" value="{months}"' in page
    assert page.count(" checked") == 4 and "Scheid met komma" not in page
    trajectory_a.refresh_from_db()
    today = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    base = {"occurred_at": today, "version": trajectory_a.version}
    done = client.post(url, {**base, "exit_kind": "stable", "follow_up_months": ["12", "3"]})
    assert done.status_code == 302
    assert TrajectoryEvent.objects.get(event_type="exit").payload["follow_up_months"] == [3, 12]
