"""The data steward's endpoints: the same actions as the pages, 403 for every other role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.jobs.models import Job
from schakel.web.linkage.models import LinkageRunRecord, ReturnCandidate
from schakel.web.notifications.models import Notification
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/linkage/runs"
RETURNS = "/api/v1/linkage/returns"


def test_the_steward_lists_and_confirms_through_the_api(
    linked: int, steward: Membership, coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(steward)
    listed = client.get(RETURNS)
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["new_event_type"] == "intake" and row["at_another_organisation"] is True
    assert row["days_after_end"] == 190
    assert any("Family name" in r or "Achternaam" in r for r in row["reasons"])
    assert trajectory_a.person.pseudonym not in listed.content.decode()
    assert str(trajectory_a.pk) not in listed.content.decode()
    url = f"{RETURNS}/{row['id']}/review"
    refused = client.post(url, {"answer": "reject"}, content_type="application/json")
    assert refused.status_code == 422  # a rejection needs a reason
    done = client.post(url, {"answer": "confirm"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert TrajectoryEvent.objects.filter(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    ).exists()
    assert Notification.objects.filter(user_id=coordinator_a.user_id).exists()
    assert client.get(RETURNS).json() == []
    # Asked again: refused as the review page refuses it (409), in the one error format.
    again = client.post(url, {"answer": "confirm"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    page = client.post(
        reverse("review-return", args=[row["id"]]), {"answer": "confirm", "confirmed": "1"}
    )
    assert page.status_code == again.status_code


def test_the_steward_starts_a_run_through_the_api(steward: Membership) -> None:
    client = signed_in(steward)
    started = client.post(RUNS, content_type="application/json")
    assert started.status_code == 202
    body = started.json()
    assert body["progress_url"] == reverse("job-progress", args=[body["job"]])
    assert Job.objects.filter(pk=body["job"]).exists()
    [run] = client.get(RUNS).json()
    assert run["id"] == body["run"] and run["state"] == "running"


@pytest.mark.parametrize(
    "role",
    [
        Role.FRONTLINE,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.CONTENT_EDITOR,
        Role.ADMINISTRATOR,
    ],
)
def test_other_roles_get_403_on_the_stewards_endpoints(
    linked: int, org_a: Organisation, member: Callable[..., Membership], role: Role
) -> None:
    client = signed_in(member(org_a, role))
    candidate = ReturnCandidate.objects.get()
    assert client.get(RUNS).status_code == 403
    assert client.post(RUNS, content_type="application/json").status_code == 403
    assert client.get(RETURNS).status_code == 403
    review = client.post(
        f"{RETURNS}/{candidate.pk}/review", {"answer": "confirm"}, content_type="application/json"
    )
    assert review.status_code == 403
    assert not LinkageRunRecord.objects.exists() and not Job.objects.exists()
    assert ReturnCandidate.objects.get().status == "pending"
