"""Sending the waiting e-mails: each once, and again after a failure, a few times.

A sender first holds a message (a conditional UPDATE on `held_until`), so two workers never
send the same one; it is marked sent right after the server took it. A failure keeps the
message waiting with a later `held_until` (1, 5, 30 minutes ...), and the schedule that runs
every few minutes tries it again, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from schakel.web.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
HOLD = dt.timedelta(minutes=10)
BACKOFF_MINUTES = (1, 5, 30, 120, 480)


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int


def waiting(now: dt.datetime) -> Q:
    return Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (
        Q(held_until__isnull=True) | Q(held_until__lte=now)
    )


def send_waiting(*, limit: int = 5000) -> SendResult:
    now = timezone.now()
    ids = list(
        OutgoingEmail.objects.filter(waiting(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    with get_connection() as connection:
        for pk in ids:
            held = OutgoingEmail.objects.filter(waiting(timezone.now()), pk=pk).update(
                held_until=timezone.now() + HOLD, attempts=F("attempts") + 1
            )
            if not held:
                continue  # another sender has it, or it went meanwhile
            email = OutgoingEmail.objects.select_related("user").get(pk=pk)
            if not email.user.email:
                OutgoingEmail.objects.filter(pk=pk).update(
                    attempts=MAX_ATTEMPTS, last_error="no address"
                )
                continue
            try:
                EmailMessage(
                    email.subject, email.body, to=[email.user.email], connection=connection
                ).send()
            except Exception as error:  # the server refused or was away: try again later
                failed += 1
                delay = BACKOFF_MINUTES[min(email.attempts, len(BACKOFF_MINUTES)) - 1]
                OutgoingEmail.objects.filter(pk=pk).update(
                    held_until=timezone.now() + dt.timedelta(minutes=delay),
                    last_error=type(error).__name__[:200],
                )
                logger.warning(
                    "E-mail %s not sent (attempt %s): %s", pk, email.attempts, type(error).__name__
                )
                continue
            OutgoingEmail.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    return SendResult(sent=sent, failed=failed)
