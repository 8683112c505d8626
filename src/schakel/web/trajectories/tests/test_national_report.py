from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_consent, do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def test_report_needs_consent_then_carries_the_episode(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="exploitation_episode",
        occurred_at=timezone.now(),
        payload={"episode_id": "e1", "form": "labour", "modus_operandi": ["debt_bondage"]},
    )
    client = signed_in(coordinator_a)
    url = reverse("national-report", args=[trajectory_a.pk])
    refused = client.post(url)
    assert refused.status_code == 302
    assert not TrajectoryEvent.objects.filter(event_type="national_centre_report").exists()
    do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory_a,
        purpose="national_registration",
        given_on=timezone.localdate(),
        source="written",
    )
    response = client.post(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    report = json.loads(response.content)
    assert report["legal_basis"] == "consent"
    assert report["person"]["family_name"] == "Popescu"
    assert report["exploitation_episodes"] == [
        {
            "form": "labour",
            "modus_operandi": ["debt_bondage"],
            "recruitment_methods": [],
            "recruitment_platforms": [],
            "control_methods": [],
        }
    ]
    event = TrajectoryEvent.objects.get(event_type="national_centre_report")
    assert event.payload["consent_given"] is True and event.payload["reference"]
