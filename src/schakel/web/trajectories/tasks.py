"""Jobs of the trajectories app: the daily deadline digest by e-mail."""

from __future__ import annotations

import datetime as dt

from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from schakel.web.jobs.service import (
    checkpoint,
    job_task,
    report_progress,
    save_checkpoint,
)
from schakel.web.notifications.service import Kind, Notice, register_digest_source
from schakel.web.trajectories.digest import DUE_SOON_DAYS, deadline_digests, send_digest


@job_task("trajectories.deadline-digest", label=gettext_lazy("Deadline digest"), retryable=True)
def send_deadline_digest(*, day: str | None = None) -> dict[str, int]:
    """Mail each coordinator the counts of their overdue and soon-due tasks.

    A retry skips whom an earlier attempt already mailed (the checkpoint is saved after each
    message), so a killed worker costs at most one duplicate, never a lost digest.
    """
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    report_progress(5, gettext_noop("Counting deadlines"))
    digests = deadline_digests(today)
    sent = set(checkpoint().get("sent", []))
    with get_connection() as connection:
        for done, digest in enumerate(digests, start=1):
            if digest.user_id not in sent:
                send_digest(digest, connection)
                sent.add(digest.user_id)
                save_checkpoint({"sent": sorted(sent)})
            report_progress(10 + 90 * done // len(digests), gettext_noop("Sending e-mail"))
    return {"coordinators": len(digests), "sent": len(sent)}


def tasks_due_notices(today: dt.date) -> list[Notice]:
    """The deadlines as notices for the daily e-mail of the notifications app, which sends
    them as each coordinator chose (daily e-mail, or only in Schakel); it runs at 07:00 in
    place of a schedule of `send_deadline_digest`, so nobody gets the deadlines twice."""
    url = reverse("coordinator-dashboard")
    notices = []
    for digest in deadline_digests(today):
        text = gettext("%(overdue)d tasks overdue, %(soon)d due within %(days)d days.") % {
            "overdue": digest.overdue,
            "soon": digest.due_soon,
            "days": DUE_SOON_DAYS,
        }
        notices.append(Notice(digest.user_id, Kind.TASKS_DUE, text, url))
    return notices


register_digest_source("trajectories.tasks-due", tasks_due_notices)
