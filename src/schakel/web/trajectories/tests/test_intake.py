"""Referral intake: the coordinator reads the referral, accepts and assigns; the trajectory
moves into the coordination's care with the signal's form of exploitation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_consent,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Referral, Trajectory

pytestmark = pytest.mark.django_db


def _send_referral(frontline: Membership, org_a: Organisation) -> Referral:
    """A frontline professional's referral with consent to org_a (suspected labour)."""
    person = do_register_person(actor=frontline, identity=IDENTITY)
    trajectory = do_open_trajectory(actor=frontline, person=person)
    consent = do_record_consent(
        actor=frontline,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=org_a,
        given_on=timezone.localdate(),
        source="verbal",
    )
    now = timezone.now()
    do_record_event(
        actor=frontline,
        trajectory=trajectory,
        event_type="signal",
        occurred_at=now,
        payload={"observed_by_role": "police", "suspected_form": "labour", "minor": False},
    )
    do_record_event(
        actor=frontline,
        trajectory=trajectory,
        event_type="referral_sent",
        occurred_at=now,
        payload={
            "referral_id": "S-1",
            "to_organisation_id": org_a.pk,
            "consent_id": str(consent.pk),
            "note": "Werkt 14 uur per dag in een kas; paspoort ingenomen.",
        },
    )
    return Referral.objects.get()


def test_read_accept_assign_and_take_into_care(
    coordinator_a: Membership,
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
) -> None:
    frontline = member(org_b, Role.FRONTLINE)
    colleague = member(org_a)
    colleague.user.first_name, colleague.user.last_name = "Fatima", "El Amrani"
    colleague.user.save()
    _send_referral(frontline, org_a)
    referral = Referral.objects.get()
    client = signed_in(coordinator_a)
    url = reverse("answer-referral", args=[referral.pk])
    page = client.get(url).content.decode()
    for shown in ("Arbeidsuitbuiting", "paspoort ingenomen", "Fatima El Amrani", org_b.name):
        assert shown in page, shown
    rejected = client.post(url, {"answer": "reject", "reason": ""})
    assert rejected.status_code == 422 and Referral.objects.get().status == "in_progress"
    accepted = client.post(url, {"answer": "accept", "coordinator": colleague.user_id})
    assert accepted.status_code == 302
    trajectory = Trajectory.objects.get()
    assert trajectory.organisation_id == org_a.pk
    assert trajectory.coordinator_id == colleague.user_id
    assert trajectory.events.filter(event_type="exploitation_episode").get().payload["form"] == (
        "labour"
    )
    detail = client.get(reverse("trajectory-detail", args=[trajectory.pk])).content.decode()
    assert "Arbeidsuitbuiting" in detail and "Fatima El Amrani" in detail
    assert "Het traject heeft nog geen intake." in detail  # the next step is proposed
    # the referrer keeps seeing the status of what they referred
    seen = signed_in(frontline).get(reverse("trajectory-detail", args=[trajectory.pk]))
    assert seen.status_code == 200


def test_a_coordinator_of_another_organisation_cannot_be_assigned(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    consent = do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory_a,
        purpose="disclosure",
        organisation=coordinator_b.organisation,
        given_on=timezone.localdate(),
        source="verbal",
    )
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": "R-1",
            "to_organisation_id": coordinator_b.organisation_id,
            "consent_id": str(consent.pk),
        },
    )
    referral = Referral.objects.get()
    client = signed_in(coordinator_b)
    url = reverse("answer-referral", args=[referral.pk])
    refused = client.post(url, {"answer": "accept", "coordinator": coordinator_a.user_id})
    assert refused.status_code == 422 and Referral.objects.get().status == "in_progress"


def test_a_rejection_is_confirmed_before_the_referrer_is_told(
    coordinator_a: Membership,
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
) -> None:
    referral = _send_referral(member(org_b, Role.FRONTLINE), org_a)
    client = signed_in(coordinator_a)
    url = reverse("answer-referral", args=[referral.pk])
    asked = client.post(url, {"answer": "reject", "reason": "Geen plek in de regio"})
    page = asked.content.decode()
    assert asked.status_code == 200 and Referral.objects.get().status == "in_progress"
    assert "Geen plek in de regio" in page and 'name="confirmed"' in page
    assert "Deze verwijzing afwijzen?" in page
    done = client.post(
        url, {"answer": "reject", "reason": "Geen plek in de regio", "confirmed": "1"}
    )
    assert done.status_code == 302
    assert Referral.objects.get().status == "rejected"
    assert Referral.objects.get().reason == "Geen plek in de regio"
