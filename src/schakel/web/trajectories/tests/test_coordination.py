from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_hand_over_trajectories,
    do_open_trajectory,
    do_record_consent,
    do_record_event,
)
from schakel.web.trajectories.models import Handover, Referral, Trajectory, TrajectoryTask
from schakel.web.trajectories.selectors import team_workload

pytestmark = pytest.mark.django_db


def test_referral_flows_through_the_inbox(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    sender = signed_in(coordinator_a)
    response = sender.post(
        reverse("trajectory-refer", args=[trajectory_a.pk]),
        {"to_organisation": coordinator_b.organisation_id},
    )
    assert response.status_code == 422  # no consent yet: refused, named, nothing saved
    assert not Referral.objects.exists()
    sender.post(
        reverse("trajectory-consents", args=[trajectory_a.pk]),
        {
            "purpose": "disclosure",
            "organisation": coordinator_b.organisation_id,
            "given_on": timezone.localdate().isoformat(),
            "source": "written",
        },
    )
    consent = trajectory_a.consents.get()
    response = sender.post(
        reverse("trajectory-refer", args=[trajectory_a.pk]),
        {"to_organisation": coordinator_b.organisation_id, "consent": consent.pk},
    )
    assert response.status_code == 302
    receiver = signed_in(coordinator_b)
    inbox = receiver.get(reverse("referral-inbox"))
    assert trajectory_a.person.pseudonym.encode() in inbox.content
    referral = Referral.objects.get()
    page = receiver.get(reverse("answer-referral", args=[referral.pk])).content.decode()
    pseudonym = trajectory_a.person.pseudonym  # one piece in the title, never "P-" and the rest
    assert f'<span class="schakel-nowrap">{pseudonym}</span></h1>' in page
    rejected = receiver.post(reverse("answer-referral", args=[referral.pk]), {"answer": "reject"})
    assert rejected.status_code == 422 and Referral.objects.get().status == "in_progress"
    receiver.post(reverse("answer-referral", args=[referral.pk]), {"answer": "accept"})
    assert Referral.objects.get().status == "accepted"
    detail = sender.get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert b"geaccepteerd" in detail.content or b"accepted" in detail.content


def test_dashboard_shows_overdue_and_upcoming(
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    Trajectory.objects.filter(pk=trajectory_a.pk).update(coordinator_id=coordinator_a.user_id)
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="exit",
        occurred_at=timezone.now() - dt.timedelta(days=100),
        payload={"exit_kind": "stable"},
    )
    assert TrajectoryTask.objects.filter(due_on__lt=timezone.localdate()).count() == 1
    client = signed_in(coordinator_a)
    client.get(reverse("coordinator-dashboard"))
    with django_assert_num_queries(14):  # constant: counts, lists, one audit entry (5)
        page = client.get(reverse("coordinator-dashboard"))
    assert page.status_code == 200
    assert page.content.count(trajectory_a.person.pseudonym.encode()) >= 2


def test_handover_moves_open_work_in_one_audited_step(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    from schakel.web.core.testing import IDENTITY
    from schakel.web.trajectories.actions import do_register_person

    colleague = member(org_a, Role.COORDINATOR)
    for _ in range(3):
        person = do_register_person(actor=coordinator_a, identity=IDENTITY)
        do_open_trajectory(actor=coordinator_a, person=person, coordinator_id=coordinator_a.user_id)
    with pytest.raises(ValidationError, match="note"):
        do_hand_over_trajectories(
            actor=coordinator_a, from_user=coordinator_a.user, to_user=colleague.user, note=" "
        )
    client = signed_in(coordinator_a)
    chosen = {"from_user": coordinator_a.user_id, "to_user": colleague.user_id, "note": "Leaving."}
    preview = client.post(reverse("handover"), chosen).content.decode()
    assert "3 trajecten, 0 taken te laat" in preview  # nothing moved before the confirmation
    assert not Trajectory.objects.filter(coordinator=colleague.user).exists()
    ids = [str(pk) for pk in Trajectory.objects.values_list("pk", flat=True)]
    response = client.post(reverse("handover"), {**chosen, "traject": ids, "confirm": "1"})
    assert response.status_code == 302
    assert Trajectory.objects.filter(coordinator=colleague.user).count() == 3
    assert Handover.objects.get().trajectories == 3
    assert (
        AuditEntry.objects.filter(purpose__startswith="handover", object_type="trajectory").count()
        == 3
    )
    workload = {w.user.pk: w.open_trajectories for w in team_workload(colleague)}
    assert workload[colleague.user_id] == 3 and workload[coordinator_a.user_id] == 0


def test_handover_to_someone_outside_the_organisation_is_refused(
    coordinator_a: Membership, coordinator_b: Membership
) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="coordinator here"):
        do_hand_over_trajectories(
            actor=coordinator_a, from_user=coordinator_a.user, to_user=coordinator_b.user, note="x"
        )


def test_consent_in_the_future_is_refused(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        do_record_consent(
            actor=coordinator_a,
            trajectory=trajectory_a,
            purpose="services",
            given_on=timezone.localdate() + dt.timedelta(days=2),
            source="verbal",
        )


def test_team_page_query_count(
    coordinator_a: Membership,
    org_a: Organisation,
    member: Callable[..., Membership],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(4):
        member(org_a, Role.COORDINATOR)
    client = signed_in(coordinator_a)
    client.get(reverse("team"))
    with django_assert_num_queries(5):  # two for the workload, whatever the team size
        assert client.get(reverse("team")).status_code == 200


def test_handover_of_a_selection_moves_only_the_ticked(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    from schakel.web.core.testing import IDENTITY
    from schakel.web.trajectories.actions import do_register_person

    colleague = member(org_a, Role.COORDINATOR)
    colleague.user.first_name, colleague.user.last_name = "Fatima", "El Amrani"
    colleague.user.save()
    opened = [
        do_open_trajectory(
            actor=coordinator_a,
            person=do_register_person(actor=coordinator_a, identity=IDENTITY),
            coordinator_id=coordinator_a.user_id,
        )
        for _ in range(3)
    ]
    client = signed_in(coordinator_a)
    start = client.get(reverse("handover"), {"traject": str(opened[0].pk)}).content.decode()
    assert "Fatima El Amrani" in start  # people by name, not by sign-in name
    chosen = {"from_user": coordinator_a.user_id, "to_user": colleague.user_id, "note": "Ziek."}
    preview = client.post(reverse("handover"), {**chosen, "traject": str(opened[0].pk)})
    html = preview.content.decode()
    assert html.count(" checked") == 1 and "3 trajecten" in html
    done = client.post(
        reverse("handover"), {**chosen, "traject": [str(opened[0].pk)], "confirm": "1"}
    )
    assert done.status_code == 302
    moved = set(Trajectory.objects.filter(coordinator=colleague.user).values_list("pk", flat=True))
    assert moved == {opened[0].pk}
    assert Handover.objects.get().trajectories == 1


def test_handover_names_people_not_their_sign_in_names(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    coordinator_a.user.first_name, coordinator_a.user.last_name = "Sanne", "de Wit"
    coordinator_a.user.save()
    colleague = member(org_a, Role.COORDINATOR)
    page = signed_in(coordinator_a).get(reverse("handover")).content.decode()
    assert f'<option value="{coordinator_a.user_id}">Sanne de Wit</option>' in page
    assert f">{coordinator_a.user.username}<" not in page
    # someone without a name on record is shown by the name they sign in with, not left out
    assert f'<option value="{colleague.user_id}">' in page


def test_handover_from_a_case_file_names_it_and_offers_only_coordinators(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    from schakel.web.core.testing import IDENTITY
    from schakel.web.trajectories.actions import do_register_person

    colleague = member(org_a, Role.COORDINATOR)
    supervisor = member(org_a, Role.SUPERVISOR)
    steward = member(org_a, Role.DATA_STEWARD)
    case = do_open_trajectory(
        actor=coordinator_a,
        person=do_register_person(actor=coordinator_a, identity=IDENTITY),
        coordinator_id=colleague.user_id,
    )
    client = signed_in(supervisor)
    page = client.get(reverse("handover"), {"traject": str(case.pk)}).content.decode()
    assert f'<option value="{colleague.user_id}" selected>' in page  # "From": its coordinator
    assert case.person.pseudonym in page  # the case is named
    assert f'value="{supervisor.user_id}"' not in page and f'value="{steward.user_id}"' not in page
    chosen = {"from_user": colleague.user_id, "to_user": coordinator_a.user_id, "note": "Ziek."}
    preview = client.post(reverse("handover"), {**chosen, "traject": str(case.pk)})
    assert "1 traject," in preview.content.decode()


def test_consent_form_picks_the_organisation_with_a_search_box(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("trajectory-consents", args=[trajectory_a.pk])
    page = client.get(url).content.decode()
    assert 'name="organisation_search"' in page
    assert f'hx-get="{reverse("organisation-options")}"' in page
    given = {"purpose": "disclosure", "given_on": timezone.localdate().isoformat()}
    unknown = client.post(url, {**given, "organisation": 999999, "source": "written"})
    assert unknown.status_code == 422
    assert "Deze organisatie bestaat niet" in unknown.content.decode()
    client.post(url, {**given, "organisation": coordinator_b.organisation_id, "source": "written"})
    assert trajectory_a.consents.get().organisation == coordinator_b.organisation


def _refer(sender: Membership, receiver: Organisation, family_name: str) -> Referral:
    from schakel.web.trajectories.actions import do_register_person

    person = do_register_person(actor=sender, identity={"family_name": family_name})
    trajectory = do_open_trajectory(actor=sender, person=person)
    consent = do_record_consent(
        actor=sender,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=receiver,
        given_on=timezone.localdate(),
        source="written",
    )
    do_record_event(
        actor=sender,
        trajectory=trajectory,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": f"r-{trajectory.pk}",
            "to_organisation_id": receiver.pk,
            "consent_id": str(consent.pk),
        },
    )
    return Referral.objects.get(trajectory=trajectory)


def test_the_inbox_pages_through_waiting_referrals_oldest_first(
    coordinator_a: Membership,
    coordinator_b: Membership,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    """However many wait, a page shows at most INBOX_PAGE of them, says how many wait in all,
    and costs the same queries (it rendered every waiting referral, the slowest page under
    load in benchmarks/load_journeys.py)."""
    from schakel.web.trajectories import coordination_views

    monkeypatch.setattr(coordination_views, "INBOX_PAGE", 2)
    sent = [_refer(coordinator_a, coordinator_b.organisation, n) for n in ("Ionescu", "Popescu")]
    receiver = signed_in(coordinator_b)
    receiver.get(reverse("referral-inbox"))
    with CaptureQueriesContext(connection) as two:
        receiver.get(reverse("referral-inbox"))
    sent.append(_refer(coordinator_a, coordinator_b.organisation, "Kovalenko"))
    with django_assert_max_num_queries(len(two.captured_queries)):
        first = receiver.get(reverse("referral-inbox"))
    second = receiver.get(reverse("referral-inbox"), {"page": 2})
    answer = [reverse("answer-referral", args=[r.pk]).encode() for r in sent]
    assert [a in first.content for a in answer] == [True, True, False]
    assert [a in second.content for a in answer] == [False, False, True]
    for page in (first, second):
        assert b"Wachten op antwoord: 3." in page.content
    shown = AuditEntry.objects.filter(purpose="view referral inbox").order_by("-sequence")[0]
    assert shown.detail == {"trajectories": [str(sent[2].trajectory_id)]}


def test_the_reject_reason_says_its_limit_once(
    coordinator_a: Membership, coordinator_b: Membership
) -> None:
    """The hint no longer repeats "Ten hoogste 500 tekens": the counter under the field says it."""
    referral = _refer(coordinator_a, coordinator_b.organisation, "Ionescu")
    page = signed_in(coordinator_b).get(reverse("answer-referral", args=[referral.pk]))
    html = page.content.decode()
    start = html.index('for="id_reason"')
    reason = html[start : html.index("</div>", start)]
    assert "Verplicht als u afwijst. De verwijzer ziet de reden." in reason
    assert reason.count("500 tekens") == 1 and "Maximaal 500 tekens" in reason
