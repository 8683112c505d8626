"""Erasure by crypto-shredding: what the 'done means' of issue 19 asks, proven on the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import verify_chain
from schakel.web.core import crypto
from schakel.web.core.errors import NotFound
from schakel.web.core.fields import erased_text
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.monitor.data import monitor_data
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SystemActor
from schakel.web.retention.actions import do_apply_retention, do_decide_erasure, do_request_erasure
from schakel.web.retention.models import Erasure, ErasureRequest
from schakel.web.signals.models import Consultation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_read_identity,
    do_record_event,
    do_register_person,
    do_register_time,
)
from schakel.web.trajectories.models import Identity, IdentityKey, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db

NOTE = "Ioana Popescu werkte in de kas van Van Dijk in Westland"
JOB = SystemActor("retention test")


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    crypto.forget_keys()
    yield
    crypto.forget_keys()


@pytest.fixture
def supervisor_a(coordinator_a: Membership, member: Callable[..., Membership]) -> Membership:
    return member(coordinator_a.organisation, Role.SUPERVISOR)


def closed_trajectory(actor: Membership, *, closed_days_ago: int) -> Trajectory:
    person = do_register_person(actor=actor, identity=IDENTITY)
    start = timezone.now() - dt.timedelta(days=closed_days_ago + 30)
    trajectory = do_open_trajectory(actor=actor, person=person, opened_at=start)

    def event(kind: str, at: dt.datetime, **payload: object) -> None:
        do_record_event(
            actor=actor, trajectory=trajectory, event_type=kind, occurred_at=at, payload=payload
        )

    event("signal", start, observed_by_role="police", suspected_form="labour", note=NOTE)
    event("consultation", start + dt.timedelta(days=1), topic="werkgever", note=NOTE)
    event("intake", start + dt.timedelta(days=2))
    event("closure", start + dt.timedelta(days=30), reason="follow_up_completed")
    do_register_time(
        actor=actor,
        trajectory=trajectory,
        task_type="coordination",
        on=timezone.localdate(),
        minutes=20,
        note=NOTE,
    )
    trajectory.refresh_from_db()
    return trajectory


def raw_sealed(trajectory: Trajectory) -> list[str]:
    """What a database dump holds of the person: identity and note ciphertexts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed FROM trajectories_trajectoryevent WHERE trajectory_id = %s "
            "AND sealed IS NOT NULL",
            [trajectory.pk.hex if connection.vendor == "sqlite" else trajectory.pk],
        )
        values = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT ciphertext FROM trajectories_identity WHERE person_id = %s",
            [trajectory.person_id.hex if connection.vendor == "sqlite" else trajectory.person_id],
        )
        values += [row[0] for row in cursor.fetchall()]
    return values


def episodes() -> tuple[int, int, int]:
    """What the monitor counts: events used, episodes ended and open."""
    quality = monitor_data(use_cache=False).build.quality
    return quality.used_rows, quality.episodes, quality.open_episodes


def test_approved_request_erases_identity_and_notes_and_keeps_the_episode(
    coordinator_a: Membership, supervisor_a: Membership
) -> None:
    trajectory = closed_trajectory(coordinator_a, closed_days_ago=10)
    person = trajectory.person
    backup = raw_sealed(trajectory)  # taken before the erasure, without the data keys
    assert len(backup) == 3 and all(crypto.unseal(v) for v in backup)
    counted = episodes()
    assert counted[0] == 4 and counted[1] + counted[2] == 1

    request = do_request_erasure(
        actor=coordinator_a, trajectory=trajectory, ground="data_subject", reference="AVG-12"
    )
    do_decide_erasure(actor=supervisor_a, request=request, approve=True)

    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.APPROVED
    assert not Identity.objects.filter(person=person).exists()
    assert not IdentityKey.objects.filter(person=person).exists()
    with pytest.raises(NotFound):
        do_read_identity(actor=coordinator_a, person=person, purpose="test")
    # The notes are still in the append-only log, and unreadable.
    crypto.forget_keys()
    for event in TrajectoryEvent.objects.filter(trajectory=trajectory, sealed__isnull=False):
        assert "Popescu" not in str(event.full_payload)
        assert event.full_payload["note"] == str(erased_text())
    assert str(trajectory.time_entries.get().note) == str(erased_text())
    # The backup taken before holds only ciphertext whose key is gone.
    for value in backup:
        with pytest.raises(crypto.ErasedError):
            crypto.unseal(value)
    # The monitor still counts the pseudonymous episode; the trail verifies and names nobody.
    assert episodes() == counted
    assert verify_chain().intact
    entries = AuditEntry.objects.filter(object_id=str(person.pk), purpose__startswith="erasure")
    assert entries.count() == 1
    trail = " ".join(str(e) for e in AuditEntry.objects.values_list("purpose", "detail"))
    assert "Popescu" not in trail and "Ioana" not in trail and "1999-03-14" not in trail
    assert Erasure.objects.get().records["identities"] == 1


def test_the_one_who_asked_cannot_decide_and_refusal_erases_nothing(
    coordinator_a: Membership, supervisor_a: Membership, member: Callable[..., Membership]
) -> None:
    from django.core.exceptions import ValidationError

    trajectory = closed_trajectory(coordinator_a, closed_days_ago=10)
    request = do_request_erasure(actor=coordinator_a, trajectory=trajectory, ground="unlawful")
    with pytest.raises(ValidationError):
        do_request_erasure(actor=coordinator_a, trajectory=trajectory, ground="unlawful")
    both = member(coordinator_a.organisation, Role.SUPERVISOR)
    both.user = coordinator_a.user
    with pytest.raises(ValidationError):
        do_decide_erasure(actor=both, request=request, approve=True)
    do_decide_erasure(actor=supervisor_a, request=request, approve=False)
    assert Identity.objects.filter(person=trajectory.person).exists()
    assert do_read_identity(actor=coordinator_a, person=trajectory.person, purpose="t")


def test_retention_job_erases_only_what_passed_its_period(
    coordinator_a: Membership, org_b: object
) -> None:
    old = closed_trajectory(coordinator_a, closed_days_ago=8 * 365)
    recent = closed_trajectory(coordinator_a, closed_days_ago=30)
    still_open = do_open_trajectory(
        actor=coordinator_a,
        person=do_register_person(actor=coordinator_a, identity=IDENTITY),
        opened_at=timezone.now() - dt.timedelta(days=9 * 365),
    )
    counted = episodes()

    dry = do_apply_retention(actor=JOB, dry_run=True)
    assert dry.due["closed_trajectory"] == 1 and dry.erased == {}
    assert Identity.objects.filter(person=old.person).exists()

    report = do_apply_retention(actor=JOB)
    assert report.erased["closed_trajectory"] == 1
    assert not Identity.objects.filter(person=old.person).exists()
    assert Identity.objects.filter(person=recent.person).exists()
    assert Identity.objects.filter(person=still_open.person).exists()
    assert do_apply_retention(actor=JOB, dry_run=True).due["closed_trajectory"] == 0
    assert episodes() == counted
    assert verify_chain().intact


def test_old_consultations_lose_question_and_answer(coordinator_a: Membership) -> None:
    from schakel.web.signals.models import Assessment

    asked = timezone.now() - dt.timedelta(days=3 * 365)
    assessment = Assessment.objects.create(
        created_at=asked,
        created_by=coordinator_a.user,
        organisation=coordinator_a.organisation,
        minor=False,
        set_id="adults-labour",
        role_kind="police",
        outcome="possible",
        catalogue_version="1",
    )
    consultation = Consultation.objects.create(
        assessment=assessment,
        asked_by=coordinator_a.user,
        asked_from=coordinator_a.organisation,
        to_organisation=coordinator_a.organisation,
        question="Mag ik Ioana Popescu doorverwijzen?",
        asked_at=asked,
    )
    assert Consultation.objects.get().question.startswith("Mag ik")
    report = do_apply_retention(actor=JOB)
    assert report.erased["consultation"] == 1
    crypto.forget_keys()
    assert Consultation.objects.get(pk=consultation.pk).question == str(erased_text())


def test_pages_request_and_decide(coordinator_a: Membership, supervisor_a: Membership) -> None:
    trajectory = closed_trajectory(coordinator_a, closed_days_ago=10)
    coordinator = signed_in(coordinator_a)
    url = reverse("retention-request", args=[trajectory.pk])
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(url, {"ground": "data_subject", "reference": "brief 7"})
    assert response.status_code == 302
    supervisor = signed_in(supervisor_a)
    overview = supervisor.get(reverse("retention-overview"))
    assert overview.status_code == 200
    request = ErasureRequest.objects.get()
    decide = reverse("retention-decide", args=[request.pk])
    assert decide.encode() in overview.content
    refused = supervisor.post(decide, {"decision": "approve"})  # not confirmed
    assert refused.status_code == 200 and Identity.objects.filter(person=trajectory.person)
    done = supervisor.post(decide, {"decision": "approve", "confirm": "yes"})
    assert done.status_code == 302
    assert not Identity.objects.filter(person=trajectory.person).exists()
    assert Client().get(reverse("retention-overview")).status_code == 302
    assert coordinator.get(reverse("retention-overview")).status_code == 403
