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
from typing import Any

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


BATCH = 100


def send_waiting(*, limit: int = 5000) -> SendResult:
    """Send up to `limit` waiting e-mails, holding a batch at a time (one UPDATE and one
    SELECT per batch) and marking each sent as soon as the server took it."""
    sent = failed = 0
    done = 0
    with get_connection() as connection:
        while done < limit:
            batch = _hold_batch(min(BATCH, limit - done))
            if not batch:
                break
            done += len(batch)
            for email in batch:
                if _send_one(email, connection):
                    sent += 1
                else:
                    failed += 1
    return SendResult(sent=sent, failed=failed)


def _hold_batch(size: int) -> list[OutgoingEmail]:
    """Take the next waiting e-mails for this sender: the conditional UPDATE holds only rows
    still waiting, so a second sender holding the same ids at once gets none of them."""
    now = timezone.now()
    ids = list(
        OutgoingEmail.objects.filter(waiting(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return []
    until = now + HOLD
    OutgoingEmail.objects.filter(waiting(now), pk__in=ids).update(
        held_until=until, attempts=F("attempts") + 1
    )
    return list(
        OutgoingEmail.objects.filter(pk__in=ids, held_until=until, sent_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )


def _send_one(email: OutgoingEmail, connection: Any) -> bool:
    if not email.user.email:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            attempts=MAX_ATTEMPTS, last_error="no address"
        )
        return False
    try:
        EmailMessage(email.subject, email.body, to=[email.user.email], connection=connection).send()
    except Exception as error:  # the server refused or was away: try again later
        delay = BACKOFF_MINUTES[min(email.attempts, len(BACKOFF_MINUTES)) - 1]
        OutgoingEmail.objects.filter(pk=email.pk).update(
            held_until=timezone.now() + dt.timedelta(minutes=delay),
            last_error=type(error).__name__[:200],
        )
        logger.warning(
            "E-mail %s not sent (attempt %s): %s", email.pk, email.attempts, type(error).__name__
        )
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
    return True
