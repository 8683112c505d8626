"""The nightly retention run (`schakel retention apply` runs the same action)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress
from schakel.web.organisations.roles import SystemActor


@job_task(
    "retention.apply", label=gettext_lazy("Retention: erase what passed its period"), retryable=True
)
def apply_retention(*, dry_run: bool = False) -> dict[str, Any]:
    from schakel.web.retention.actions import do_apply_retention

    def progress(kind: str, done: int, total: int) -> None:
        report_progress(min(99, 100 * done // max(total, 1)), gettext_noop("Erasing"))

    report = do_apply_retention(
        actor=SystemActor("retention job"), dry_run=dry_run, progress=progress
    )
    return report.summary()


NIGHTLY_RETENTION = register_schedule(
    Schedule("retention.nightly", apply_retention, at=dt.time(3, 0))
)
