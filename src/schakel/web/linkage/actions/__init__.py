"""Every write of the linkage app: candidate returns (store, review) and the linkage run."""

from __future__ import annotations

from schakel.web.linkage.actions.candidates import do_review_candidate, do_store_candidates
from schakel.web.linkage.actions.history import (
    do_finish_run_record,
    do_open_run_record,
    do_start_linkage_run,
)
from schakel.web.linkage.actions.runs import LinkageRun, do_link_and_detect_returns

__all__ = [
    "LinkageRun",
    "do_finish_run_record",
    "do_link_and_detect_returns",
    "do_open_run_record",
    "do_review_candidate",
    "do_start_linkage_run",
    "do_store_candidates",
]
