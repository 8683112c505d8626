"""A user of organisation A can neither read nor change B's trajectories, on any page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_record_consent, do_record_event
from schakel.web.trajectories.models import Person, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def _urls(trajectory: Trajectory, event: TrajectoryEvent) -> list[tuple[str, str]]:
    pk = trajectory.pk
    return [
        ("get", reverse("trajectory-detail", args=[pk])),
        ("post", reverse("trajectory-identity", args=[pk])),
        ("get", reverse("record-event", args=[pk, "follow_up_contact"])),
        ("post", reverse("record-event", args=[pk, "follow_up_contact"])),
        ("post", reverse("retract-event", args=[pk, event.pk])),
    ]


@pytest.fixture
def event_a(coordinator_a: Membership, trajectory_a: Trajectory) -> TrajectoryEvent:
    return do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="intake",
        occurred_at=timezone.now(),
        payload={},
    )


def test_other_organisation_sees_and_changes_nothing(
    coordinator_b: Membership, trajectory_a: Trajectory, event_a: TrajectoryEvent
) -> None:
    client = signed_in(coordinator_b)
    events_before = TrajectoryEvent.objects.count()
    for method, url in _urls(trajectory_a, event_a):
        data = {"purpose": "curious", "occurred_at": "2024-01-01T10:00", "outcome": "stable"}
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
        assert b"Popescu" not in response.content
    listing = client.get(reverse("trajectory-list"))
    assert trajectory_a.person.pseudonym.encode() not in listing.content
    assert TrajectoryEvent.objects.count() == events_before
    assert not Trajectory.objects.visible_to(coordinator_b).exists()
    assert not Person.objects.visible_to(coordinator_b).exists()


def test_own_organisation_reads_and_writes(
    coordinator_a: Membership, trajectory_a: Trajectory, event_a: TrajectoryEvent
) -> None:
    client = signed_in(coordinator_a)
    assert client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).status_code == 200
    response = client.post(
        reverse("trajectory-identity", args=[trajectory_a.pk]),
        {"purpose": "contact", "reference": "intake call"},
    )
    assert b"Popescu" in response.content
    read = AuditEntry.objects.filter(object_type="identity", action="read").get()
    assert read.purpose == "contact: intake call" and read.actor_id == coordinator_a.user_id


def test_referral_opens_access_and_revocation_closes_it(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    def refer(event_type: str, **extra: object) -> None:
        payload = {"referral_id": "r1", **extra}
        do_record_event(
            actor=coordinator_a,
            trajectory=trajectory_a,
            event_type=event_type,
            occurred_at=timezone.now(),
            payload=payload,
        )

    consent = do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory_a,
        purpose="disclosure",
        organisation=coordinator_b.organisation,
        given_on=timezone.localdate(),
        source="written",
    )
    refer(
        "referral_sent",
        to_organisation_id=coordinator_b.organisation_id,
        consent_id=str(consent.pk),
    )
    assert Trajectory.objects.visible_to(coordinator_b).filter(pk=trajectory_a.pk).exists()
    referral = trajectory_a.referrals.get()
    assert referral.status == "in_progress"
    refer("referral_revoked", reason="consent withdrawn")
    referral.refresh_from_db()
    assert referral.status == "revoked"
    assert not Trajectory.objects.visible_to(coordinator_b).exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.CONTENT_EDITOR, Role.ADMINISTRATOR])
def test_roles_without_need_see_no_records(
    role: Role,
    org_a: Organisation,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
) -> None:
    other = member(org_a, role)
    client = signed_in(other)
    assert client.get(reverse("trajectory-list")).status_code == 403
    assert client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).status_code == 403
    assert not Trajectory.objects.visible_to(other).exists()


def test_supervisor_sees_trajectory_but_not_identity(
    org_a: Organisation, member: Callable[..., Membership], trajectory_a: Trajectory
) -> None:
    supervisor = member(org_a, Role.SUPERVISOR)
    client = signed_in(supervisor)
    assert client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).status_code == 200
    response = client.post(
        reverse("trajectory-identity", args=[trajectory_a.pk]), {"purpose": "quality check"}
    )
    assert response.status_code == 403
    denied = AuditEntry.objects.get(action="denied", object_type="identity")
    assert (denied.object_id, denied.purpose) == (str(trajectory_a.person_id), "quality check")
    assert not Person.objects.identifiable_by(supervisor).exists()


def test_ended_membership_loses_access(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    coordinator_a.ended_on = timezone.now().date()
    coordinator_a.save()
    assert not Trajectory.objects.visible_to(coordinator_a).exists()
    response = signed_in(coordinator_a).get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(trajectory_a: Trajectory) -> None:
    from django.test import Client

    response = Client().get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_list_page_query_count(
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from schakel.web.trajectories.actions import do_open_trajectory

    for _ in range(5):
        do_open_trajectory(actor=coordinator_a, person=trajectory_a.person)
    client = signed_in(coordinator_a)
    client.get(reverse("trajectory-list"))  # warm the session
    with django_assert_num_queries(11):  # the same for 1 or 50 rows: no N+1
        response = client.get(reverse("trajectory-list"))
    assert response.status_code == 200
    assert response.content.count(trajectory_a.person.pseudonym.encode()) == 6
