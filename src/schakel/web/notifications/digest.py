"""The daily e-mail: the notices a user chose to get once a day, gathered into one message.

Apps that have daily news (tasks that are due) register a source; the daily job asks every
source, stores the notices in one go, and then writes one e-mail per user for every notice
waiting for the daily e-mail, in a handful of queries whatever the number of users.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schakel.web.notifications.actions import Notice, deliveries_for, footer, link
from schakel.web.notifications.models import Delivery, Kind, Notification, OutgoingEmail
from schakel.web.organisations.models import User

DigestSource = Callable[[dt.date], Iterable[Notice]]
SOURCES: dict[str, DigestSource] = {}


def register_digest_source(name: str, source: DigestSource) -> DigestSource:
    """`source(today)` gives the notices of the day (e.g. tasks due); registered once by name."""
    if name in SOURCES and SOURCES[name] is not source:
        raise ValueError(f"There is already a digest source called {name!r}.")
    SOURCES[name] = source
    return source


@dataclass(frozen=True)
class DigestRun:
    notices: int
    emails: int


def gather_sources(today: dt.date) -> int:
    """Store the sources' notices: in the app always; for the daily e-mail unless switched off."""
    now = timezone.now()
    notices = [notice for source in SOURCES.values() for notice in source(today)]
    by_kind: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_kind[Kind(notice.kind).value].append(notice)
    emails = dict(
        User.objects.filter(pk__in={n.user_id for n in notices}).values_list("pk", "email")
    )
    rows = []
    for kind, found in by_kind.items():
        choice = deliveries_for({n.user_id for n in found}, kind)
        for notice in found:
            mailed = choice[notice.user_id] != Delivery.OFF and bool(emails.get(notice.user_id))
            rows.append(
                Notification(
                    user_id=notice.user_id,
                    kind=kind,
                    text=notice.text[:300],
                    url=notice.url,
                    created_at=now,
                    awaits_digest=mailed,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def write_digests() -> int:
    """One e-mail per user for the notices waiting for the daily e-mail; returns how many."""
    now = timezone.now()
    waiting = (
        Notification.objects.filter(awaits_digest=True)
        .order_by("user_id", "created_at", "pk")
        .values_list("pk", "user_id", "kind", "text", "url")
    )
    per_user: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    ids = []
    for pk, user_id, kind, text, url in waiting:
        per_user[user_id].append((kind, text, url))
        ids.append(pk)
    emails = [
        OutgoingEmail(
            user_id=user_id,
            subject=_subject(len(items)),
            body=_body(items),
            created_at=now,
        )
        for user_id, items in per_user.items()
    ]
    OutgoingEmail.objects.bulk_create(emails, batch_size=1000)
    for start in range(0, len(ids), 1000):
        Notification.objects.filter(pk__in=ids[start : start + 1000]).update(
            awaits_digest=False, mailed_at=now
        )
    return len(emails)


def _subject(count: int) -> str:
    return ngettext(
        "Schakel: %(count)d new notification today",
        "Schakel: %(count)d new notifications today",
        count,
    ) % {"count": count}


def _body(items: list[tuple[str, str, str]]) -> str:
    lines = [_("What is new for you in Schakel:"), ""]
    for _kind, text, url in items:
        lines.append(f"- {text}")
        if url:
            lines.append(f"  {link(url)}")
    lines += ["", footer()]
    return "\n".join(lines)


def run_daily_digest(today: dt.date) -> DigestRun:
    """Gather the sources and write the daily e-mails, in one transaction: a retry after a
    lost worker starts again from nothing rather than from half."""
    with transaction.atomic():
        notices = gather_sources(today)
        emails = write_digests()
    return DigestRun(notices=notices, emails=emails)
