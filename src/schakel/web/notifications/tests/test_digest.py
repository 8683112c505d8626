"""The daily e-mail: tasks due and other daily notices, one e-mail per user, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.notifications.actions import do_set_preferences
from schakel.web.notifications.models import Kind, Notification
from schakel.web.notifications.service import notify
from schakel.web.notifications.tasks import send_daily_digest
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinated(coordinator_a: Membership, trajectory_a: Trajectory) -> Membership:
    coordinator_a.user.email = "coordinator.a@example.org"
    coordinator_a.user.save()
    Trajectory.objects.filter(pk=trajectory_a.pk).update(coordinator=coordinator_a.user)
    today = timezone.localdate()
    for days in (-3, 2, 30):
        TrajectoryTask.objects.create(
            trajectory=trajectory_a, kind="follow_up", due_on=today + dt.timedelta(days=days)
        )
    return coordinator_a


def test_one_daily_mail_with_the_deadlines_and_the_days_notices(
    coordinated: Membership, member: Any
) -> None:
    do_set_preferences(user=coordinated.user, choices={Kind.CONSULTATION_REPLY: "daily"})
    notify(user=coordinated.user, kind=Kind.CONSULTATION_REPLY, text="Een nieuw antwoord.")
    silent = member(coordinated.organisation, Role.FRONTLINE)  # no address: nothing to send
    notify(user=silent.user, kind=Kind.CATALOGUE_PUBLISHED, text="Catalogus.")
    do_enqueue_job(task=send_daily_digest, actor=None)
    run_queued_jobs()
    [message] = mail.outbox
    assert message.to == ["coordinator.a@example.org"]
    assert "1 tasks overdue, 1 due within 7 days." in message.body or "1 taken" in message.body
    assert "Een nieuw antwoord." in message.body and "/mijn-werk" not in message.subject
    tasks = Notification.objects.get(user=coordinated.user, kind=Kind.TASKS_DUE)
    assert tasks.mailed_at is not None and not tasks.awaits_digest
    do_enqueue_job(task=send_daily_digest, actor=None)  # tomorrow's run: only new notices
    Notification.objects.filter(kind=Kind.TASKS_DUE).delete()
    TrajectoryTask.objects.all().delete()
    run_queued_jobs()
    assert len(mail.outbox) == 1


def test_off_keeps_the_deadlines_in_the_app_only(coordinated: Membership) -> None:
    do_set_preferences(user=coordinated.user, choices={Kind.TASKS_DUE: "off"})
    do_enqueue_job(task=send_daily_digest, actor=None)
    run_queued_jobs()
    assert mail.outbox == []
    assert Notification.objects.filter(user=coordinated.user, kind=Kind.TASKS_DUE).exists()


def test_an_article_whose_review_date_came_tells_its_steward(member: Any, org_a: Any) -> None:
    from schakel.web.knowledge.models import Article
    from schakel.web.knowledge.service import do_load_seed_articles
    from schakel.web.knowledge.tasks import review_notices
    from schakel.web.organisations.roles import SYSTEM

    do_load_seed_articles(actor=SYSTEM)
    editor = member(org_a, Role.CONTENT_EDITOR)
    today = timezone.localdate()
    Article.objects.filter(slug="bedenktijd").update(steward=editor.user, review_date=today)
    Article.objects.exclude(slug="bedenktijd").update(
        steward=editor.user, review_date=today + dt.timedelta(days=1)
    )
    [notice] = review_notices(today)
    assert notice.user_id == editor.user_id and notice.kind == Kind.ARTICLE_REVIEW
    version = Article.objects.get(slug="bedenktijd").published_version
    assert version is not None and version.title_nl in notice.text
    assert review_notices(today + dt.timedelta(days=2)) == []
