"""What other apps use of the notifications."""

from __future__ import annotations

from schakel.web.notifications.actions import Notice, notify, notify_many, queue_email
from schakel.web.notifications.digest import register_digest_source
from schakel.web.notifications.models import Kind

__all__ = [
    "Kind",  # the kinds of notice there are (each user chooses per kind)
    "Notice",  # one notice a daily source gives
    "notify",  # tell a user something: in the app, and by e-mail as they chose
    "notify_many",  # the same notice for many users at once
    "queue_email",  # an e-mail to one user, sent by the job queue (no personal data in it)
    "register_digest_source",  # daily notices (tasks due ...) for the daily e-mail
]
