"""A referral is answered; the worker sends the referrer one e-mail through a real SMTP
server (aiosmtpd, in this process), with a link and without the person's identity."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import OrganisationType, Role
from schakel.web.core.testing import OrganisationFactory, signed_in
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.notifications.models import OutgoingEmail
from schakel.web.organisations.models import Membership
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.trajectories.actions import do_answer_referral
from schakel.web.trajectories.models import Person, Referral

pytestmark = pytest.mark.django_db(transaction=True)

IDENTITY = {"given_names": "Ionela", "family_name": "Vasilescu", "date_of_birth": "2009-04-12"}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "schakel@example.org"
    settings.BASE_URL = "https://schakel.example.org"
    try:
        yield inbox
    finally:
        controller.stop()


def test_the_referrer_gets_one_mail_with_a_link_and_no_identity(
    smtp: Inbox, member: Any, coordinator_a: Membership
) -> None:
    youth_care = OrganisationFactory.create(name="Jeugdhulp", type=OrganisationType.YOUTH_CARE)
    frontline: Membership = member(youth_care, Role.FRONTLINE)
    frontline.user.email = "verwijzer@example.org"
    frontline.user.save()
    client: Client = signed_in(frontline)
    complete_check(client)
    data = {
        **IDENTITY,
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_source": "verbal",
        "consent_confirmed": "on",
        "note": "Woont bij haar tante in Vlaardingen.",
    }
    assert client.post(reverse("signal-refer"), data).status_code == 302
    referral = Referral.objects.get()
    do_answer_referral(actor=coordinator_a, referral=referral, accept=False, reason="Vol")

    run_queued_jobs()
    assert len(smtp.messages) == 1
    sender, recipients, raw = smtp.messages[0]
    assert recipients == ["verwijzer@example.org"] and sender == "schakel@example.org"
    message = email.message_from_bytes(raw)
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode(message.get_content_charset() or "utf-8")
    text = raw.decode("utf-8", errors="replace") + body
    link = (
        f"https://schakel.example.org{reverse('trajectory-detail', args=[referral.trajectory_id])}"
    )
    assert link in body
    assert Person.objects.get().pseudonym in body and referral.reference not in body
    for secret in (*IDENTITY.values(), "2009", "Vlaardingen", "tante"):
        assert secret not in text, secret

    run_queued_jobs()  # a second run (and a resend attempt) sends nothing twice
    from schakel.web.notifications.sending import send_waiting

    assert send_waiting().sent == 0
    assert len(smtp.messages) == 1
    assert OutgoingEmail.objects.get().sent_at is not None
