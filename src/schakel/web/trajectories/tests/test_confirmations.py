"""Acts with consequences ask first, say what will happen and refuse to be done twice."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_consent, do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def test_withdrawing_consent_asks_first_and_says_when_it_was_done(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    consent = do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory_a,
        purpose="statistics",
        organisation=None,
        given_on=timezone.localdate(),
        source="verbal",
    )
    client = signed_in(coordinator_a)
    url = reverse("withdraw-consent", args=[trajectory_a.pk, consent.pk])
    page = client.get(url).content.decode()
    assert "Wat er gebeurt:" in page and 'name="confirmed"' in page
    client.post(url)  # without the confirmation nothing changes
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    again = client.get(url).content.decode()
    assert "Dit is al gedaan op" in again and 'name="confirmed"' not in again


def test_closing_needs_the_confirmation_box(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "closure"])
    base = {"version": trajectory_a.version, "occurred_at": "2026-01-05T10:00", "reason": "other"}
    refused = client.post(url, base)
    assert refused.status_code == 422 and TrajectoryEvent.objects.count() == 0
    assert client.post(url, {**base, "confirm": "on"}).status_code == 302
    trajectory_a.refresh_from_db()
    assert trajectory_a.stage == "closed"


def test_a_second_national_report_says_it_was_already_done(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="national_centre_report",
        occurred_at=timezone.now(),
        payload={"obliged_reporter": False, "consent_given": True},
    )
    client = signed_in(coordinator_a)
    page = client.get(reverse("national-report", args=[trajectory_a.pk])).content.decode()
    assert "Al gedaan op " in page
    refused = client.post(reverse("national-report", args=[trajectory_a.pk]), follow=True)
    assert "Al gedaan op " in refused.content.decode()
    assert TrajectoryEvent.objects.count() == 1
