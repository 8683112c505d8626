"""The daily deadline digest: per coordinator, how many tasks in the trajectories they
coordinate are overdue or due within a week.

The e-mail says how many and links to Schakel, nothing more: mail leaves the platform's
protection, so it carries no names, case details or trajectory ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from schakel.engine.vocabulary import CaseStatus
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.models import TrajectoryTask

DUE_SOON_DAYS = 7
CLOSED = (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)


@dataclass(frozen=True)
class Digest:
    user_id: int
    email: str
    overdue: int
    due_soon: int


def deadline_digests(today: dt.date) -> list[Digest]:
    """One digest per coordinator with an e-mail address and at least one task overdue or due
    within DUE_SOON_DAYS, counting each task once across their memberships."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    memberships = (
        Membership.objects.active()
        .with_capability(Capability.COORDINATE_TRAJECTORIES)
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user_id", "pk")
    )
    due: dict[int, dict[int, dt.date]] = {}
    emails: dict[int, str] = {}
    for membership in memberships:
        tasks = (
            TrajectoryTask.objects.visible_to(membership)
            .filter(trajectory__coordinator_id=membership.user_id, due_on__lt=soon)
            .exclude(trajectory__case_status__in=CLOSED)
            .values_list("pk", "due_on")
        )
        due.setdefault(membership.user_id, {}).update(tasks)
        emails[membership.user_id] = membership.user.email
    digests = []
    for user_id, dates in due.items():
        overdue = sum(1 for day in dates.values() if day < today)
        if dates:
            digests.append(Digest(user_id, emails[user_id], overdue, len(dates) - overdue))
    return digests


def send_digest(digest: Digest, connection: BaseEmailBackend | None = None) -> None:
    subject = ngettext(
        "Schakel: %(count)d task needs your attention",
        "Schakel: %(count)d tasks need your attention",
        digest.overdue + digest.due_soon,
    ) % {"count": digest.overdue + digest.due_soon}
    body = render_to_string(
        "trajectories/digest_email.txt",
        {
            "overdue": digest.overdue,
            "due_soon": digest.due_soon,
            "days": DUE_SOON_DAYS,
            "url": f"{settings.BASE_URL}{reverse('coordinator-dashboard')}",
        },
    )
    EmailMessage(subject, body, to=[digest.email], connection=connection or get_connection()).send()
