"""Jobs of the linkage app: a linkage run that finds possible returns, with its progress, run
from the data steward's page or every night."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from schakel.web.jobs.registry import Schedule, register_schedule
from schakel.web.jobs.service import job_task, report_progress
from schakel.web.organisations.roles import SystemActor

NIGHTLY_AT = dt.time(2, 30)


@job_task("linkage.returns", label=gettext_lazy("Linkage run for returns"), retryable=True)
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
        "candidates": result.candidates,
        "new_candidates": result.new_candidates,
    }


NIGHTLY_LINKAGE = register_schedule(Schedule("linkage.nightly", link_returns, at=NIGHTLY_AT))
