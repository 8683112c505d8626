"""Notices in the app and by e-mail, per the user's choice; e-mail goes by the job queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.notifications.actions import do_set_preferences
from schakel.web.notifications.models import Kind, Notification, OutgoingEmail
from schakel.web.notifications.sending import MAX_ATTEMPTS, send_waiting
from schakel.web.notifications.service import notify
from schakel.web.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    membership = member(org_a, Role.FRONTLINE)
    membership.user.email = "werker@example.org"
    membership.user.save()
    return membership


def test_immediately_mails_once_through_the_queue(
    worker: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=worker.user,
            kind=Kind.REFERRAL_ANSWERED,
            text="Verwijzing S-1234abcd is geaccepteerd.",
            url="/signalen/verwijzingen/",
        )
    assert mail.outbox == []  # nothing is sent in the request
    run_queued_jobs()
    [message] = mail.outbox
    assert message.to == ["werker@example.org"]
    assert "S-1234abcd" in message.body and "/signalen/verwijzingen/" in message.body
    run_queued_jobs()
    assert send_waiting().sent == 0 and len(mail.outbox) == 1


def test_off_and_daily_send_nothing_now(
    worker: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    do_set_preferences(
        user=worker.user,
        choices={Kind.REFERRAL_ANSWERED: "off", Kind.CONSULTATION_ANSWERED: "daily"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=worker.user, kind=Kind.REFERRAL_ANSWERED, text="a")
        notify(user=worker.user, kind=Kind.CONSULTATION_ANSWERED, text="b")
    run_queued_jobs()
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    assert list(Notification.objects.values_list("text", "awaits_digest")) == [
        ("b", True),
        ("a", False),
    ]


def test_a_failed_send_is_tried_again(worker: Membership, settings: Any) -> None:
    email = OutgoingEmail.objects.create(
        user=worker.user, subject="s", body="b", created_at="2026-12-06T10:00:00Z"
    )
    settings.EMAIL_BACKEND = "schakel.web.notifications.tests.failing.FailingBackend"
    assert send_waiting().failed == 1
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1 and email.last_error
    assert send_waiting().failed == 0  # held back until its next try
    type(email).objects.filter(pk=email.pk).update(held_until=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_waiting().sent == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 2
    assert MAX_ATTEMPTS > 2


def test_the_list_badge_and_preferences(worker: Membership) -> None:
    notify(
        user=worker.user, kind=Kind.CATALOGUE_PUBLISHED, text="Catalogus 2026.2 is gepubliceerd."
    )
    client = signed_in(worker)
    badge = client.get(reverse("notification-badge")).content.decode()
    assert ">1<" in badge
    page = client.get(reverse("notification-list")).content.decode()
    assert "Catalogus 2026.2 is gepubliceerd." in page
    client.post(reverse("notifications-read"))
    assert "schakel-badge" not in client.get(reverse("notification-badge")).content.decode()
    choices = {kind.value: "off" for kind in Kind}
    response = client.post(reverse("notification-preferences"), choices)
    assert response.status_code == 302
    assert client.get(reverse("notification-preferences")).status_code == 200
    assert worker.user.notification_preferences.filter(delivery="off").count() == len(Kind)


def test_nobody_sees_another_users_notices(worker: Membership, coordinator_a: Membership) -> None:
    notify(user=worker.user, kind=Kind.REFERRAL_ANSWERED, text="alleen voor de werker")
    page = signed_in(coordinator_a).get(reverse("notification-list")).content.decode()
    assert "alleen voor de werker" not in page


def test_the_list_uses_a_fixed_number_of_queries(
    worker: Membership, django_assert_num_queries: Any
) -> None:
    client = signed_in(worker)
    notify(user=worker.user, kind=Kind.CATALOGUE_PUBLISHED, text="een")
    client.get(reverse("notification-list"))
    with django_assert_num_queries(6) as first:
        client.get(reverse("notification-list"))
    for n in range(5):
        notify(user=worker.user, kind=Kind.CATALOGUE_PUBLISHED, text=f"meer {n}")
    with django_assert_num_queries(len(first.captured_queries)):  # 1 or 6 rows: no N+1
        client.get(reverse("notification-list"))
