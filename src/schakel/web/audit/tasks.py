"""Jobs of the audit app: verify the chain from the last checkpoint, then write a new one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from schakel.web.audit.actions import do_write_checkpoint
from schakel.web.audit.selectors import verify_chain
from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress


@job_task("audit.verify", label=gettext_lazy("Verify the audit trail"), retryable=True)
def verify_audit_trail(*, full: bool = False) -> dict[str, Any]:
    """Verify the entries since the last checkpoint (all of them with `full`); when intact,
    write a checkpoint of the head, so the next run starts there."""
    report_progress(5, gettext_noop("Checking the chain"))
    report = verify_chain(incremental=not full)
    written = do_write_checkpoint() is not None if report.intact else False
    return {
        "intact": report.intact,
        "checked": report.checked,
        "broken_at": report.broken_at,
        "reason": report.reason,
        "records": report.records_checked,
        "checkpoints": report.checkpoints_checked,
        "checkpoint_written": written,
    }


HOURLY_VERIFY = register_schedule(
    Schedule("audit.hourly-verify", verify_audit_trail, every=dt.timedelta(hours=1))
)
