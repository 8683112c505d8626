"""The monitor's release as a job: every published selection computed, protected and stored.

Run after writes (a schedule every 15 minutes that does nothing when the event log has not
changed: at most one release per quarter hour, however busy the coordinators are), every
night (the as-of date moves, so follow-up times grow), and when an analyst asks for one.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy, gettext_noop

from schakel.engine.disclosure import DEFAULT_K
from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress

DEBOUNCE = dt.timedelta(minutes=15)


@job_task("monitor.release", label=gettext_lazy("Refreshing the monitor's figures"), retryable=True)
def release_monitor(*, k: int = DEFAULT_K, only_if_changed: bool = False) -> dict[str, object]:
    from schakel.web.monitor import stored  # pandas and friends, only when run

    if only_if_changed and stored.is_current(stored.latest_release(), k=k):
        return {"skipped": "unchanged"}
    computed = stored.compute_release(k=k, progress=report_progress)
    report_progress(95, gettext_noop("Publishing the figures"))
    release = stored.save_release(computed)  # one transaction: the whole release or none
    return {
        "release": release.pk,
        "selections": len(computed.selections),
        "seconds": round(computed.seconds, 1),
    }


NIGHTLY_RELEASE = register_schedule(
    Schedule("monitor.nightly-release", release_monitor, at=dt.time(4, 0))
)
RELEASE_AFTER_WRITES = register_schedule(
    Schedule(
        "monitor.release-after-writes",
        release_monitor,
        every=DEBOUNCE,
        arguments={"only_if_changed": True},
    )
)
