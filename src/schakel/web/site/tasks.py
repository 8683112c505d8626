"""Jobs of the site app: clearing ended sessions.

Every anonymous signal check keeps its answers in a session row; Django never removes a row
whose session expired, so without this job the table grows with every visitor."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext_lazy

from schakel.web.jobs.service import Schedule, job_task, register_schedule


@job_task("site.clear-sessions", label=gettext_lazy("Clear ended sessions"), retryable=True)
def clear_sessions() -> dict[str, int]:
    """Remove expired sessions (what `manage.py clearsessions` does), as a scheduled job."""
    from django.contrib.sessions.models import Session

    before = Session.objects.count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return {"removed": before - Session.objects.count()}


HOURLY_CLEAR_SESSIONS = register_schedule(
    Schedule("site.hourly-clear-sessions", clear_sessions, every=dt.timedelta(hours=1))
)
