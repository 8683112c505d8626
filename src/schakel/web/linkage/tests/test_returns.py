"""The data steward's review of possible returns (ADR 0027): the match without identities, a
confirmation step, a return event on the earlier trajectory and a notice to its coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.linkage import views as linkage_views
from schakel.web.linkage.actions import do_store_candidates
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.notifications.models import Notification
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def _main(content: bytes) -> str:
    text = content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_the_steward_confirms_a_match_and_the_coordinator_is_told(
    linked: int, steward: Membership, coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    assert linked == 1
    candidate = ReturnCandidate.objects.get()
    client = signed_in(steward)
    page = client.get(reverse("return-candidates"), HTTP_ACCEPT_LANGUAGE="en")
    main = _main(page.content)
    # The reason in words and the timing, never a name, pseudonym or organisation.
    assert "Family name: the same" in main or "Achternaam: hetzelfde" in main
    assert trajectory_a.person.pseudonym not in main
    assert "Popescu" not in main and "Ioana" not in main
    assert "Zorgcoördinatie" not in main
    assert "98" in main  # the likelihood
    read = AuditEntry.objects.filter(actor_id=steward.user_id, action="read").latest("sequence")
    assert str(trajectory_a.pk) in read.detail["trajectories"]
    url = reverse("review-return", args=[candidate.pk])
    question = client.post(url, {"answer": "confirm"})
    assert question.status_code == 200  # the confirmation step asks first
    assert "Een afgesloten traject gaat weer open" in question.content.decode()  # says what happens
    assert trajectory_a.person.pseudonym not in _main(question.content)
    assert ReturnCandidate.objects.get().status == "pending"
    done = client.post(url, {"answer": "confirm", "confirmed": "1"})
    assert done.status_code == 302
    assert ReturnCandidate.objects.get().status == "confirmed"
    event = TrajectoryEvent.objects.get(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    )
    assert event.payload["detected_by"] == "linkage"
    assert event.recorded_by_id == steward.user_id
    assert event.organisation_id == trajectory_a.organisation_id  # the coordinator may correct it
    appended = AuditEntry.objects.get(
        actor_id=steward.user_id, object_id=str(trajectory_a.pk), action="append"
    )
    assert appended.purpose == "record return_to_exploitation"
    notice = Notification.objects.get(user_id=coordinator_a.user_id, kind="return_confirmed")
    assert trajectory_a.person.pseudonym in notice.text and "Popescu" not in notice.text
    assert notice.url == reverse("trajectory-detail", args=[trajectory_a.pk])
    case = signed_in(coordinator_a).get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert "Terug in uitbuiting" in case.content.decode() or "Return to exploitation" in (
        case.content.decode()
    )
    # Asked again, the page says it was already done instead of deciding twice.
    again = client.post(url, {"answer": "confirm"})
    assert b'name="confirmed"' not in again.content
    assert do_store_candidates(candidates=[]) == 0


def test_a_rejection_needs_a_reason_and_records_nothing(
    linked: int, steward: Membership, trajectory_a: Trajectory
) -> None:
    candidate = ReturnCandidate.objects.get()
    client = signed_in(steward)
    url = reverse("review-return", args=[candidate.pk])
    question = client.post(url, {"answer": "reject"}, HTTP_ACCEPT_LANGUAGE="nl")
    body = question.content.decode()
    assert 'for="id_reason">Waarom is dit geen terugkeer?</label>' in body
    no_reason = client.post(url, {"answer": "reject", "confirmed": "1"})
    assert no_reason.status_code == 422
    assert ReturnCandidate.objects.get().status == "pending"
    client.post(url, {"answer": "reject", "confirmed": "1", "reason": "Geboortejaar klopt niet"})
    rejected = ReturnCandidate.objects.get()
    assert rejected.status == "rejected" and rejected.reviewed_by_id == steward.user_id
    assert not TrajectoryEvent.objects.filter(event_type="return_to_exploitation").exists()
    assert not Notification.objects.filter(kind="return_confirmed").exists()


def test_the_list_shows_a_dutch_percentage_and_the_time_after_the_end(
    linked: int, steward: Membership
) -> None:
    text = signed_in(steward).get(reverse("return-candidates"), HTTP_ACCEPT_LANGUAGE="nl")
    main = _main(text.content)
    assert "98\u00a0%" in main
    assert "ongeveer 6 maanden" in main  # 190 days between the exit and the intake
    assert "bij een andere organisatie" in main
    assert 'name="reason"' not in main  # the reason is asked on the confirmation page


def test_a_single_post_without_confirmation_records_no_return(
    linked: int, steward: Membership, trajectory_a: Trajectory
) -> None:
    candidate = ReturnCandidate.objects.get()
    response = signed_in(steward).post(
        reverse("review-return", args=[candidate.pk]), {"answer": "confirm"}
    )
    assert response.status_code == 200  # the confirmation page, nothing done yet
    assert b'name="confirmed"' in response.content
    assert ReturnCandidate.objects.get().status == "pending"
    assert not TrajectoryEvent.objects.filter(
        trajectory=trajectory_a, event_type="return_to_exploitation"
    ).exists()


def test_the_steward_sees_no_case_or_identity_page(
    linked: int, steward: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(steward)
    assert client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).status_code == 403
    assert client.post(reverse("trajectory-identity", args=[trajectory_a.pk])).status_code == 403
    assert client.get(reverse("trajectory-list")).status_code == 403


def test_other_roles_get_403_on_the_review_address_whatever_the_method(
    linked: int, steward: Membership, coordinator_a: Membership
) -> None:
    """The role is checked before the method: a coordinator opening the address gets 403, not
    the empty 405 the steward gets (the choice is made on the queue)."""
    url = reverse("review-return", args=[ReturnCandidate.objects.get().pk])
    assert signed_in(coordinator_a).get(url).status_code == 403
    assert signed_in(steward).get(url).status_code == 405
    assert ReturnCandidate.objects.get().status == "pending"


def test_the_queue_is_paged_and_keeps_the_whole_count(
    linked: int, steward: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ReturnCandidate.objects.get()
    second = ReturnCandidate.objects.create(  # the same pair the other way round: a second row
        earlier=first.later,
        later=first.earlier,
        later_event=first.later_event,
        cluster="c2",
        match_probability=0.91,
        detected_at=first.detected_at + dt.timedelta(minutes=1),
    )
    monkeypatch.setattr(linkage_views, "PAGE_SIZE", 1)
    client = signed_in(steward)
    url = reverse("return-candidates")
    one = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert [row.candidate.pk for row in one.context["rows"]] == [first.pk]
    text = _main(one.content)
    assert "2 possible returns to review." in text or "2 gevallen van mogelijke" in text
    assert 'href="?page=2"' in text
    two = client.get(url, {"page": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [row.candidate.pk for row in two.context["rows"]] == [second.pk]
    second_page = _main(two.content)  # numbered across the pages
    assert "Possible return 2" in second_page or "Mogelijke terugkeer 2" in second_page
