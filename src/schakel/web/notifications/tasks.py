"""Jobs of the notifications app: sending waiting e-mail, and the daily e-mail."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress


@job_task("notifications.send", label=gettext_lazy("Sending e-mail"), retryable=True)
def send_waiting_emails() -> dict[str, int]:
    """Send every e-mail that waits; each is held before it goes and marked sent after, so a
    rerun (or a second worker) sends nothing twice. Failures wait for the next run."""
    from schakel.web.notifications.sending import send_waiting

    report_progress(5, gettext_noop("Sending e-mail"))
    result = send_waiting()
    return {"sent": result.sent, "failed": result.failed}


@job_task("notifications.daily", label=gettext_lazy("Daily e-mail"), retryable=True)
def send_daily_digest(*, day: str | None = None) -> dict[str, int]:
    """Gather the day's notices (tasks due ...), write one e-mail per user, then send them."""
    from schakel.web.notifications.digest import run_daily_digest
    from schakel.web.notifications.sending import send_waiting

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    report_progress(5, gettext_noop("Gathering the notifications of the day"))
    run = run_daily_digest(today)
    report_progress(50, gettext_noop("Sending e-mail"))
    result = send_waiting()
    return {"notices": run.notices, "emails": run.emails, "sent": result.sent}


DAILY = register_schedule(
    Schedule("notifications.daily-digest", send_daily_digest, at=dt.time(7, 0))
)
RETRY = register_schedule(
    Schedule("notifications.send-waiting", send_waiting_emails, every=dt.timedelta(minutes=5))
)
