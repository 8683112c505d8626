"""Jobs of the trajectories app: the daily deadline digest by e-mail."""

from __future__ import annotations

import datetime as dt

from django.core.mail import get_connection
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from schakel.web.jobs.service import (
    Schedule,
    checkpoint,
    job_task,
    register_schedule,
    report_progress,
    save_checkpoint,
)
from schakel.web.trajectories.digest import deadline_digests, send_digest


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


DAILY_DIGEST = register_schedule(
    Schedule("trajectories.daily-deadline-digest", send_deadline_digest, at=dt.time(7, 0))
)
