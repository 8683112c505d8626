"""Telling users things: a notice in the app and, by their choice, an e-mail.

`notify` is what other apps call (through `service`). The e-mail goes out on the job queue,
never in the request; it holds the notice's sentence and a link, no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    Notification,
    OutgoingEmail,
    Preference,
)
from schakel.web.organisations.models import User


def delivery_for(user_id: int, kind: str) -> str:
    chosen = (
        Preference.objects.filter(user_id=user_id, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or DEFAULT_DELIVERY[Kind(kind)]


def deliveries_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's choice for one kind, in one query (the daily e-mail asks for many users)."""
    ids = list(user_ids)
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery")
    )
    default = DEFAULT_DELIVERY[Kind(kind)]
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def link(path: str) -> str:
    return f"{settings.BASE_URL}{path}" if path else settings.BASE_URL or ""


def notify(*, user: User, kind: str, text: str, url: str = "") -> Notification:
    """Tell `user` something: always in the app; by e-mail now, in the daily e-mail, or not,
    as they chose for this kind. `text` must name no person: use a pseudonym or a reference."""
    Kind(kind)  # an unknown kind is a programming error
    now = timezone.now()
    delivery = delivery_for(user.pk, kind)
    with transaction.atomic():
        notice = Notification.objects.create(
            user=user,
            kind=kind,
            text=text[:300],
            url=url,
            created_at=now,
            awaits_digest=delivery == Delivery.DAILY and bool(user.email),
        )
        if delivery == Delivery.IMMEDIATELY and user.email:
            subject = _("Schakel: %(what)s") % {"what": Kind(kind).label}
            queue_email(user=user, subject=subject, body=notice_body(notice))
            Notification.objects.filter(pk=notice.pk).update(mailed_at=now)
    return notice


def notify_many(*, user_ids: Iterable[int], kind: str, text: str, url: str = "") -> int:
    """The same notice for many users (a catalogue published), in a fixed number of queries."""
    Kind(kind)
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    now = timezone.now()
    choice = deliveries_for(ids, kind)
    emails = dict(User.objects.filter(pk__in=ids).values_list("pk", "email"))
    subject = _("Schakel: %(what)s") % {"what": Kind(kind).label}
    with transaction.atomic():
        notices = [
            Notification(
                user_id=user_id,
                kind=kind,
                text=text[:300],
                url=url,
                created_at=now,
                awaits_digest=choice[user_id] == Delivery.DAILY and bool(emails.get(user_id)),
                mailed_at=now
                if choice[user_id] == Delivery.IMMEDIATELY and emails.get(user_id)
                else None,
            )
            for user_id in ids
        ]
        Notification.objects.bulk_create(notices, batch_size=1000)
        mails = [
            OutgoingEmail(user_id=n.user_id, subject=subject, body=notice_body(n), created_at=now)
            for n in notices
            if n.mailed_at is not None
        ]
        OutgoingEmail.objects.bulk_create(mails, batch_size=1000)
        if mails:
            transaction.on_commit(start_sending)
    return len(notices)


def notice_body(notice: Notification) -> str:
    lines = [notice.text, "", _("Open it in Schakel:"), link(notice.url), "", footer()]
    return "\n".join(lines)


def footer() -> str:
    return _(
        "You receive this e-mail because of your notification settings in Schakel. "
        "This e-mail holds no personal data; sign in to see more."
    )


def queue_email(*, user: User, subject: str, body: str) -> OutgoingEmail:
    """Keep an e-mail for `user` and start the job that sends it, once the caller commits."""
    email = OutgoingEmail.objects.create(
        user=user, subject=subject[:200], body=body, created_at=timezone.now()
    )
    transaction.on_commit(start_sending)
    return email


def start_sending() -> None:
    from schakel.web.jobs.service import do_enqueue_job
    from schakel.web.notifications.tasks import send_waiting_emails

    do_enqueue_job(task=send_waiting_emails, actor=None)


def do_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def do_set_preferences(*, user: User, choices: dict[str, str]) -> None:
    with transaction.atomic():
        for kind, delivery in choices.items():
            Kind(kind)
            Delivery(delivery)
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


@dataclass(frozen=True)
class Notice:
    """One notice a digest source wants to give (see `service.register_digest_source`)."""

    user_id: int
    kind: str
    text: str
    url: str = ""
