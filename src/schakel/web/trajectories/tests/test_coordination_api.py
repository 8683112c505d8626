from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Handover, Referral, Trajectory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coordination"


def post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_register_after_duplicate_check(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    variant = {"given_names": "Joana", "family_name": "Popesku", "date_of_birth": "1999"}
    found = post(client, f"{BASE}/persons/duplicates", {"identity": variant}).json()
    assert [c["person"] for c in found] == [str(trajectory_a.person_id)]
    reused = post(client, f"{BASE}/persons", {"existing_person": found[0]["person"]})
    assert reused.status_code == 201
    bad = post(client, f"{BASE}/persons", {"identity": {"family_name": "X", "sex": "robot"}})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "sex"


def test_consent_referral_inbox_and_answer(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    sender, receiver = signed_in(coordinator_a), signed_in(coordinator_b)
    consent = post(
        sender,
        f"{BASE}/trajectories/{trajectory_a.pk}/consents",
        {
            "purpose": "disclosure",
            "given_on": timezone.localdate().isoformat(),
            "source": "written",
            "organisation": coordinator_b.organisation_id,
        },
    )
    assert consent.status_code == 201
    sent = post(
        sender,
        f"/api/v1/trajectories/{trajectory_a.pk}/events",
        {
            "event_type": "referral_sent",
            "occurred_at": timezone.now().isoformat(),
            "payload": {
                "referral_id": "r1",
                "to_organisation_id": coordinator_b.organisation_id,
                "consent_id": str(consent.json()["id"]),
            },
        },
    )
    assert sent.status_code == 201
    inbox = receiver.get(f"{BASE}/referrals/inbox").json()
    assert [r["reference"] for r in inbox] == ["r1"]
    answered = post(receiver, f"{BASE}/referrals/{inbox[0]['id']}/answer", {"accept": True})
    assert answered.json()["status"] == "accepted" == Referral.objects.get().status
    assert receiver.get(f"{BASE}/trajectories/{trajectory_a.pk}/consents").status_code == 200
    assert post(
        sender, f"{BASE}/referrals/{inbox[0]['id']}/answer", {"accept": True}
    ).status_code in (
        403,
        404,
    )


def test_handover_and_tasks(coordinator_a: Membership, member: object, org_a: object) -> None:
    colleague = member(org_a)  # type: ignore[operator]
    client = signed_in(coordinator_a)
    assert client.get(f"{BASE}/tasks").json() == []
    done = post(
        client,
        f"{BASE}/handovers",
        {"from_user": coordinator_a.user_id, "to_user": colleague.user_id, "note": "Leaving"},
    )
    assert done.status_code == 201 and Handover.objects.count() == 1
