"""The daily deadline digest: counts per coordinator by e-mail, and nothing personal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from schakel.engine.vocabulary import CaseStatus, Role
from schakel.web.core.testing import IDENTITY
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.digest import Digest, deadline_digests
from schakel.web.trajectories.models import Trajectory, TrajectoryTask
from schakel.web.trajectories.tasks import send_deadline_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def coordinated(coordinator_a: Membership, trajectory_a: Trajectory, today: dt.date) -> Membership:
    """Three tasks of coordinator A's own trajectory count (two overdue, one due in three days);
    one due later, one in a closed trajectory and one in a colleague's trajectory do not."""
    coordinator_a.user.email = "coordinator.a@example.org"
    coordinator_a.user.save()
    Trajectory.objects.filter(pk=trajectory_a.pk).update(coordinator=coordinator_a.user)
    for days in (-10, -1, 3, 20):
        TrajectoryTask.objects.create(
            trajectory=trajectory_a, kind="follow_up", due_on=today + dt.timedelta(days=days)
        )
    closed = do_open_trajectory(
        actor=coordinator_a,
        person=do_register_person(actor=coordinator_a, identity={**IDENTITY, "sex": "male"}),
        coordinator_id=coordinator_a.user_id,
    )
    Trajectory.objects.filter(pk=closed.pk).update(case_status=CaseStatus.CLOSED)
    TrajectoryTask.objects.create(trajectory=closed, kind="follow_up", due_on=today)
    colleague = do_open_trajectory(
        actor=coordinator_a,
        person=do_register_person(actor=coordinator_a, identity={**IDENTITY, "sex": "other"}),
    )
    TrajectoryTask.objects.create(trajectory=colleague, kind="follow_up", due_on=today)
    return coordinator_a


def test_counts_per_coordinator(coordinated: Membership, today: dt.date) -> None:
    assert deadline_digests(today) == [
        Digest(coordinated.user_id, "coordinator.a@example.org", overdue=2, due_soon=1)
    ]
    Membership.objects.create(
        user=coordinated.user, organisation=coordinated.organisation, role=Role.FRONTLINE
    )
    assert deadline_digests(today)[0].overdue == 2  # a task counts once per person


def test_no_address_no_digest(coordinated: Membership, today: dt.date) -> None:
    coordinated.user.email = ""
    coordinated.user.save()
    assert deadline_digests(today) == []


def test_the_job_mails_counts_and_a_link_only(
    coordinated: Membership, trajectory_a: Trajectory
) -> None:
    job = do_enqueue_job(task=send_deadline_digest, actor=None)
    run_queued_jobs()
    assert Job.objects.get(pk=job.pk).result == {"coordinators": 1, "sent": 1}
    [message] = mail.outbox
    assert message.to == ["coordinator.a@example.org"]
    assert message.subject == "Schakel: 3 taken vragen uw aandacht"
    assert "2 taken in de trajecten die u coördineert zijn over de termijn." in message.body
    assert "1 taak moet binnen 7 dagen af." in message.body
    assert "http://127.0.0.1:8000/trajecten/overzicht/" in message.body
    text = message.subject + message.body
    for personal in (IDENTITY["family_name"], trajectory_a.person.pseudonym, str(trajectory_a.pk)):
        assert personal not in text


def test_a_retry_does_not_mail_twice(coordinated: Membership) -> None:
    job = do_enqueue_job(task=send_deadline_digest, actor=None)
    Job.objects.filter(pk=job.pk).update(checkpoint={"sent": [coordinated.user_id]})
    run_queued_jobs()
    assert mail.outbox == []
    assert Job.objects.get(pk=job.pk).result == {"coordinators": 1, "sent": 1}
