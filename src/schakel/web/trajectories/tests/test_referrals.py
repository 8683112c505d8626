"""Referrals need consent (or a logged override), and each side answers only its own part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    ConflictError,
    do_record_consent,
    do_record_event,
    do_withdraw_consent,
)
from schakel.web.trajectories.models import Referral, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def send(actor: Membership, trajectory: Trajectory, to: int, **extra: object) -> TrajectoryEvent:
    return do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={"referral_id": "r1", "to_organisation_id": to, **extra},
    )


def consent_for(actor: Membership, trajectory: Trajectory, organisation: object) -> str:
    consent = do_record_consent(
        actor=actor,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=organisation,  # type: ignore[arg-type]
        given_on=timezone.localdate(),
        source="verbal",
    )
    return str(consent.pk)


def test_referral_without_consent_is_refused(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    with pytest.raises(ValidationError, match="consent"):
        send(coordinator_a, trajectory_a, coordinator_b.organisation_id)
    assert not Referral.objects.exists() and not TrajectoryEvent.objects.exists()
    assert not Trajectory.objects.visible_to(coordinator_b).exists()


def test_consent_for_another_organisation_does_not_count(
    coordinator_a: Membership,
    coordinator_b: Membership,
    trajectory_a: Trajectory,
    org_a: object,
    member: Callable[..., Membership],
) -> None:
    from schakel.web.core.testing import OrganisationFactory

    third = OrganisationFactory.create(name="Derde")
    consent = consent_for(coordinator_a, trajectory_a, third)
    with translation.override("en"), pytest.raises(ValidationError, match="does not allow"):
        send(coordinator_a, trajectory_a, coordinator_b.organisation_id, consent_id=consent)


def test_withdrawn_consent_no_longer_counts(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    consent_id = consent_for(coordinator_a, trajectory_a, coordinator_b.organisation)
    consent = trajectory_a.consents.get()
    do_withdraw_consent(actor=coordinator_a, consent=consent, withdrawn_on=timezone.localdate())
    with pytest.raises(ValidationError):
        send(coordinator_a, trajectory_a, coordinator_b.organisation_id, consent_id=consent_id)


def test_override_is_allowed_only_with_permission_and_logged(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    reason = "acute danger, police on scene"
    with pytest.raises(ValidationError):
        send(coordinator_a, trajectory_a, coordinator_b.organisation_id, override_reason=reason)
    coordinator_a.may_override_consent = True
    coordinator_a.save()
    send(coordinator_a, trajectory_a, coordinator_b.organisation_id, override_reason=reason)
    referral = Referral.objects.get()
    assert referral.consent_overridden
    override = AuditEntry.objects.get(object_type="consent_override")
    assert override.action == AuditEntry.Action.OVERRIDE and override.purpose == reason
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).exists()


def test_receiver_accepts_and_sender_cannot(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    consent = consent_for(coordinator_a, trajectory_a, coordinator_b.organisation)
    send(coordinator_a, trajectory_a, coordinator_b.organisation_id, consent_id=consent)
    answer = {"referral_id": "r1"}
    with pytest.raises(PermissionDenied):
        do_record_event(
            actor=coordinator_a,
            trajectory=trajectory_a,
            event_type="referral_accepted",
            occurred_at=timezone.now(),
            payload=answer,
        )
    do_record_event(
        actor=coordinator_b,
        trajectory=trajectory_a,
        event_type="referral_accepted",
        occurred_at=timezone.now(),
        payload=answer,
    )
    assert Referral.objects.get().status == "accepted"
    assert Trajectory.objects.visible_to(coordinator_b).filter(pk=trajectory_a.pk).exists()


def test_sequence_rules_name_the_field(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    from schakel.engine.trajectories.events import InvalidEventError

    def record(kind: str, days: int, **payload: object) -> None:
        do_record_event(
            actor=coordinator_a,
            trajectory=trajectory_a,
            event_type=kind,
            occurred_at=timezone.now() - dt.timedelta(days=days),
            payload=payload,
        )

    with pytest.raises(InvalidEventError, match="needs an exit"):
        record("follow_up_contact", 1, outcome="stable")
    with pytest.raises(InvalidEventError, match="placement_id"):
        record("placement_end", 1, placement_id="p9", reason="moved")
    record("placement_start", 5, placement_id="p1", placement_type="omm")
    with pytest.raises(InvalidEventError, match="before the start"):
        record("placement_end", 9, placement_id="p1", reason="moved")
    assert TrajectoryEvent.objects.count() == 1


def test_stale_version_is_refused(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    trajectory_a.refresh_from_db()
    seen = trajectory_a.version
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="intake",
        occurred_at=timezone.now(),
        payload={},
        expected_version=seen,
    )
    with pytest.raises(ConflictError):
        do_record_event(
            actor=coordinator_a,
            trajectory=trajectory_a,
            event_type="vulnerability",
            occurred_at=timezone.now(),
            payload={"factor": "debt"},
            expected_version=seen,
        )
    assert TrajectoryEvent.objects.count() == 1
