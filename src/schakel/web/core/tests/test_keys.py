"""Free text and identities are sealed with per-person data keys; rotation retires a master key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from schakel.web.core import crypto
from schakel.web.core.keys import check_keys, rotate_keys
from schakel.web.core.models import DataKey
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    do_read_identity,
    do_record_event,
    do_register_time,
)
from schakel.web.trajectories.models import Handover, Identity, TimeEntry, Trajectory

pytestmark = pytest.mark.django_db

NOTE = "Ioana Popescu sprak over haar werkgever in Tilburg"


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    crypto.forget_keys()
    yield
    crypto.forget_keys()


def raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (test names)
        return [row[0] for row in cursor.fetchall() if row[0]]


def record_note(actor: Membership, trajectory: Trajectory) -> None:
    do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="consultation",
        occurred_at=timezone.now() - dt.timedelta(days=1),
        payload={"note": NOTE, "topic": "werk"},
    )
    do_register_time(
        actor=actor,
        trajectory=trajectory,
        task_type="coordination",
        on=timezone.localdate(),
        minutes=30,
        note=NOTE,
    )


def test_notes_are_sealed_with_the_persons_data_key(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    record_note(coordinator_a, trajectory_a)
    events = raw("trajectories_trajectoryevent", "sealed") + [
        str(p) for p in raw("trajectories_trajectoryevent", "payload")
    ]
    stored = " ".join(events + raw("trajectories_timeentry", "note"))
    assert "Popescu" not in stored and "Tilburg" not in stored
    person = str(trajectory_a.person_id)
    assert f"enc:p:{person}:" in stored
    event = trajectory_a.events.get(event_type="consultation")
    assert event.full_payload["note"] == NOTE
    assert TimeEntry.objects.get().note == NOTE
    assert "Popescu" not in " ".join(raw("trajectories_identity", "ciphertext"))


def test_rotation_leaves_every_record_readable_with_only_the_new_key(
    coordinator_a: Membership, trajectory_a: Trajectory, settings: object
) -> None:
    old = settings.ENCRYPTION_KEYS[0]  # type: ignore[attr-defined]
    record_note(coordinator_a, trajectory_a)
    person = trajectory_a.person
    # Rows from before data keys: an identity encrypted with the ring, a plaintext note.
    legacy = Fernet(old.encode()).encrypt(b'{"family_name":"Ouder","given_names":"Anna"}')
    Identity.objects.filter(person=person).update(ciphertext=legacy.decode())
    Handover.objects.create(
        organisation_id=coordinator_a.organisation_id,
        from_user=coordinator_a.user,
        to_user=coordinator_a.user,
        by=coordinator_a.user,
        at=timezone.now(),
        note="placeholder",
    )
    Handover.objects.update(note="Anna Ouder gaat naar Breda")
    new = crypto.new_key()
    with override_settings(ENCRYPTION_KEYS=[new, old]):
        assert not check_keys().ok
        report = rotate_keys()
        assert report.data_keys == DataKey.objects.count() >= 1
        assert report.data_keys_rotated == report.data_keys
        assert report.values_sealed >= 2
        assert rotate_keys().data_keys_rotated == 0  # a second run finds nothing to do
    crypto.forget_keys()
    with override_settings(ENCRYPTION_KEYS=[new]):
        assert check_keys().ok
        identity = do_read_identity(actor=coordinator_a, person=person, purpose="test")
        assert identity.family_name == "Ouder"
        assert trajectory_a.events.get(event_type="consultation").full_payload["note"] == NOTE
        assert TimeEntry.objects.get().note == NOTE
        assert Handover.objects.get().note == "Anna Ouder gaat naar Breda"
    assert "Breda" not in " ".join(raw("trajectories_handover", "note"))
    crypto.forget_keys()
    with override_settings(ENCRYPTION_KEYS=[old]), pytest.raises(crypto.DecryptionError):
        do_read_identity(actor=coordinator_a, person=person, purpose="test")


def test_check_names_what_the_first_key_cannot_open(
    coordinator_a: Membership, trajectory_a: Trajectory, settings: object
) -> None:
    old = settings.ENCRYPTION_KEYS[0]  # type: ignore[attr-defined]
    with override_settings(ENCRYPTION_KEYS=[crypto.new_key(), old]):
        result = check_keys()
    assert result.failures == {"data keys": DataKey.objects.count()}
