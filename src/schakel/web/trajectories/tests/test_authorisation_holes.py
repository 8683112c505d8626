"""Holes an attacker and an insider found (issue 18): handover across organisations, retraction
of another organisation's event, registration split over two transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import UserFactory, signed_in
from schakel.web.knowledge.actions import ArticleContent, ArticleTags, do_create_article
from schakel.web.knowledge.models import Article
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories import actions as trajectory_actions
from schakel.web.trajectories.actions import (
    do_hand_over_trajectories,
    do_record_consent,
    do_record_event,
    do_register_and_open,
)
from schakel.web.trajectories.actions import records as record_actions
from schakel.web.trajectories.models import Person, Referral, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
HANDOVERS = "/api/v1/coordination/handovers"
IDENTITY = {"family_name": "Jansen", "given_names": "Piet", "sex": "male"}


def _ended(membership: Membership) -> Membership:
    membership.ended_on = timezone.localdate() - dt.timedelta(days=1)
    membership.save()
    return membership


def test_handover_from_a_former_member_moves_their_work(
    org_a: Organisation,
    coordinator_a: Membership,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
) -> None:
    """Someone who left is whose work needs a handover most: the former member is accepted."""
    leaver = member(org_a)
    Trajectory.objects.filter(pk=trajectory_a.pk).update(coordinator=leaver.user)
    _ended(leaver)
    body = {"from_user": leaver.user_id, "to_user": coordinator_a.user_id, "note": "Vertrokken."}
    response = signed_in(coordinator_a).post(HANDOVERS, body, "application/json")
    assert response.status_code == 201, response.content
    assert Trajectory.objects.get(pk=trajectory_a.pk).coordinator_id == coordinator_a.user_id


def test_unknown_and_foreign_users_get_one_and_the_same_answer(
    coordinator_a: Membership, coordinator_b: Membership
) -> None:
    client = signed_in(coordinator_a)
    stranger = UserFactory.create()
    answers = [
        client.post(
            HANDOVERS,
            {"from_user": user_id, "to_user": coordinator_a.user_id, "note": "x"},
            "application/json",
        )
        for user_id in (coordinator_b.user_id, stranger.pk, 987_654_321)
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1


def test_handover_takes_no_knowledge_kept_for_another_organisation(
    org_a: Organisation,
    org_b: Organisation,
    coordinator_a: Membership,
    member: Callable[..., Membership],
) -> None:
    """A person who once worked here and now edits for organisation B keeps B's articles."""
    leaver = _ended(member(org_a))
    editor_b = member(org_b, Role.CONTENT_EDITOR)
    editor_b.user = leaver.user
    editor_b.save()
    article = do_create_article(
        actor=editor_b,
        slug="werk-van-b",
        content=ArticleContent(title_nl="Werk van B", body_nl="Concept."),
        tags=ArticleTags(),
    ).article
    done = do_hand_over_trajectories(
        actor=coordinator_a, from_user=leaver.user, to_user=coordinator_a.user, note="Weg."
    )
    assert done.articles == 0
    assert Article.objects.get(pk=article.pk).steward_id == leaver.user_id


def test_every_moved_item_and_the_handover_itself_are_audited(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    editor = member(org_a, Role.CONTENT_EDITOR)
    leaver_user = editor.user
    article = do_create_article(
        actor=editor,
        slug="aantekeningen",
        content=ArticleContent(title_nl="Aantekeningen", body_nl="Concept."),
        tags=ArticleTags(),
    ).article
    _ended(editor)
    before = AuditEntry.objects.count()
    done = do_hand_over_trajectories(
        actor=coordinator_a, from_user=leaver_user, to_user=coordinator_a.user, note="Weg."
    )
    audited = {
        (e.action, e.object_type, e.object_id)
        for e in AuditEntry.objects.filter(sequence__gt=before)
    }
    assert (AuditEntry.Action.CREATE, "handover", str(done.pk)) in audited
    assert (AuditEntry.Action.UPDATE, "article", str(article.pk)) in audited


def _referred(
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
            "referral_id": "r1",
            "to_organisation_id": coordinator_b.organisation_id,
            "consent_id": str(consent.pk),
        },
    )
    do_record_event(
        actor=coordinator_b,
        trajectory=trajectory_a,
        event_type="referral_accepted",
        occurred_at=timezone.now(),
        payload={"referral_id": "r1"},
    )


def test_only_the_recording_organisation_marks_its_event_entered_in_error(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    _referred(coordinator_a, coordinator_b, trajectory_a)
    owners_event = TrajectoryEvent.objects.get(event_type="referral_sent")
    with pytest.raises(PermissionDenied):
        do_record_event(
            actor=coordinator_b,
            trajectory=trajectory_a,
            event_type="entered_in_error",
            occurred_at=owners_event.occurred_at,
            payload={"reason": "niet van ons"},
            supersedes=owners_event,
        )
    assert not TrajectoryEvent.objects.filter(supersedes=owners_event).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DENIED, actor=coordinator_b.user
    ).exists()
    page = signed_in(coordinator_b)
    page.raise_request_exception = False
    response = page.post(
        reverse("retract-event", args=[trajectory_a.pk, owners_event.pk]),
        {"confirmed": "1", "reason": "x"},
    )
    assert response.status_code == 403
    assert (
        page.get(reverse("retract-event", args=[trajectory_a.pk, owners_event.pk])).status_code
        == 403
    )
    assert not TrajectoryEvent.objects.filter(supersedes=owners_event).exists()
    detail = page.get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert reverse("retract-event", args=[trajectory_a.pk, owners_event.pk]) not in (
        detail.content.decode()
    )


def test_answering_a_referral_needs_the_capability_on_page_and_api(
    coordinator_a: Membership,
    coordinator_b: Membership,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
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
            "referral_id": "r1",
            "to_organisation_id": coordinator_b.organisation_id,
            "consent_id": str(consent.pk),
        },
    )
    referral = Referral.objects.get()
    frontline = signed_in(member(coordinator_b.organisation, Role.FRONTLINE))
    frontline.raise_request_exception = False
    api = frontline.post(
        f"/api/v1/coordination/referrals/{referral.pk}/answer", {"accept": True}, "application/json"
    )
    page = frontline.post(reverse("answer-referral", args=[referral.pk]), {"answer": "accept"})
    assert (api.status_code, page.status_code) == (403, 403)
    assert Referral.objects.get().status == "in_progress"


def test_registration_is_one_transaction(
    coordinator_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while opening the trajectory leaves no person without one behind."""

    def broken(**_kwargs: object) -> Trajectory:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(record_actions, "do_open_trajectory", broken)
    with pytest.raises(RuntimeError):
        do_register_and_open(actor=coordinator_a, identity=IDENTITY)
    assert not Person.objects.exists()
    assert trajectory_actions.do_register_and_open is do_register_and_open
    client = signed_in(coordinator_a)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/coordination/persons", {"identity": IDENTITY}, "application/json"
    )
    assert response.status_code == 500
    assert not Person.objects.exists()
