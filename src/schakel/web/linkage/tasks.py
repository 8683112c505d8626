"""Jobs of the linkage app: a linkage run that finds possible returns, with its progress, run
from the data steward's page or every night."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress
from schakel.web.organisations.roles import SystemActor

NIGHTLY_NAME = "linkage.nightly"


def nightly_time(text: str) -> dt.time | None:
    """SCHAKEL_LINKAGE_SCHEDULE read: "02:30" is that local time every night, "off" none."""
    value = text.strip().lower()
    if value in {"off", "none", "no", "false"}:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"SCHAKEL_LINKAGE_SCHEDULE must be a time such as 02:30, or off; not {text!r}."
        ) from None


def summary_in_words(result: object) -> str:
    """A finished run in words for the progress page; "" for a result without the counts (a
    run from before they were kept)."""
    keys = ("records", "candidate_pairs", "linked_pairs", "candidates", "new_candidates")
    if not isinstance(result, dict) or not all(isinstance(result.get(k), int) for k in keys):
        return ""
    counts = {key: formats.number_format(result[key], force_grouping=True) for key in keys}
    return (
        gettext(
            "Records compared: %(records)s. Candidate pairs: %(candidate_pairs)s. "
            "Links: %(linked_pairs)s. Possible returns: %(candidates)s (new: %(new_candidates)s)."
        )
        % counts
    )


@job_task(
    "linkage.returns",
    label=gettext_lazy("Linkage run for returns"),
    retryable=True,
    summary=summary_in_words,
    result_url="linkage-runs",
    result_label=gettext_lazy("Back to the linkage runs"),
)
def link_returns(*, epoch: str = "1", run: int | None = None) -> dict[str, int]:
    """`schakel link returns` as a job; the key comes from SCHAKEL_LINKAGE_KEY. Candidates are
    stored in one transaction (`do_store_candidates`), and a rerun adds only new ones. `run`:
    the history row the steward's page created (a scheduled run gets a new one)."""
    from schakel.engine.linkage import load_key
    from schakel.web.linkage.actions import (
        do_finish_run_record,
        do_link_and_detect_returns,
        do_open_run_record,
    )

    record = do_open_run_record(actor=SystemActor("linkage"), run=run)
    try:
        result = do_link_and_detect_returns(key=load_key(epoch=epoch), progress=report_progress)
    except Exception:
        do_finish_run_record(record=record, values=None, failed=True)
        raise
    do_finish_run_record(
        record=record,
        values={
            "encoding": result.encoding,
            "threshold_weight": result.threshold_weight,
            "threshold_probability": result.threshold_probability,
            "estimated_precision": result.estimated_precision,
            "records": result.records,
            "candidate_pairs": result.candidate_pairs,
            "linked_pairs": result.linked_pairs,
            "possible_returns": result.candidates,
            "new_possible_returns": result.new_candidates,
        },
    )
    return {
        "records": result.records,
        "persons": result.persons,
        "candidate_pairs": result.candidate_pairs,
        "linked_pairs": result.linked_pairs,
        "candidates": result.candidates,
        "new_candidates": result.new_candidates,
    }


NIGHTLY_AT = nightly_time(settings.LINKAGE_SCHEDULE)
NIGHTLY_LINKAGE = (
    register_schedule(Schedule(NIGHTLY_NAME, link_returns, at=NIGHTLY_AT))
    if NIGHTLY_AT is not None
    else None
)
