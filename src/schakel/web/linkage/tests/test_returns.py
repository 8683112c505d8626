from __future__ import annotations

import pytest
from django.urls import reverse

from schakel.web.core.testing import signed_in
from schakel.web.linkage.actions import do_store_candidates
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def test_candidate_reviewed_where_the_identity_is_held(
    linked: int, coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    assert linked == 1
    candidate = ReturnCandidate.objects.get()
    assert not ReturnCandidate.objects.for_reviewer(coordinator_b).exists()
    client = signed_in(coordinator_a)
    page = client.get(reverse("return-candidates"))
    assert trajectory_a.person.pseudonym.encode() in page.content
    assert b"Popescu" not in page.content
    # The reason in words: which fields agreed at which level, never a name or an encoding.
    assert b"Family name: the same" in page.content or b"Achternaam: hetzelfde" in page.content
    url = reverse("review-return", args=[candidate.pk])
    question = client.post(url, {"answer": "reject"})
    assert question.status_code == 200  # the confirmation step asks first
    assert ReturnCandidate.objects.get().status == "pending"
    no_reason = client.post(url, {"answer": "reject", "confirmed": "1"})
    assert no_reason.status_code == 422  # a rejection needs a reason
    assert ReturnCandidate.objects.get().status == "pending"
    question = client.post(url, {"answer": "confirm"})
    assert b"Popescu" not in question.content
    assert ReturnCandidate.objects.get().status == "pending"
    client.post(url, {"answer": "confirm", "confirmed": "1"})
    assert ReturnCandidate.objects.get().status == "confirmed"
    event = TrajectoryEvent.objects.get(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    )
    assert event.payload["detected_by"] == "linkage"
    assert do_store_candidates(candidates=[]) == 0


def test_other_organisation_cannot_review(linked: int, coordinator_b: Membership) -> None:
    candidate = ReturnCandidate.objects.get()
    response = signed_in(coordinator_b).post(
        reverse("review-return", args=[candidate.pk]), {"answer": "confirm", "confirmed": "1"}
    )
    assert response.status_code == 404
    assert ReturnCandidate.objects.get().status == "pending"


def test_the_list_shows_a_dutch_percentage_and_asks_the_reason_on_a_labelled_page(
    linked: int, coordinator_a: Membership
) -> None:
    """The walk saw "100%", a header that broke as "Overeenko/mst" and a reason box with only
    a placeholder: the list now shows "98 %" under a short header and no reason box; the
    reason is asked on the confirmation page, with a visible label."""
    candidate = ReturnCandidate.objects.get()
    client = signed_in(coordinator_a)
    page = client.get(reverse("return-candidates"), HTTP_ACCEPT_LANGUAGE="nl")
    text = page.content.decode()
    assert "98\u00a0%" in text
    assert ">Kans<" in text
    assert "Overeenkomst" not in text
    assert 'name="reason"' not in text
    question = client.post(reverse("review-return", args=[candidate.pk]), {"answer": "reject"})
    body = question.content.decode()
    assert 'for="id_reason">Waarom is dit geen terugkeer?</label>' in body


def test_a_single_post_without_confirmation_records_no_return(
    linked: int, coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    candidate = ReturnCandidate.objects.get()
    response = signed_in(coordinator_a).post(
        reverse("review-return", args=[candidate.pk]), {"answer": "confirm"}
    )
    assert response.status_code == 200  # the confirmation page, nothing done yet
    assert b'name="confirmed"' in response.content
    assert ReturnCandidate.objects.get().status == "pending"
    assert not TrajectoryEvent.objects.filter(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    ).exists()
