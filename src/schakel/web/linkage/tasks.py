"""Jobs of the linkage app: a linkage run that finds possible returns, with its progress."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from schakel.web.jobs.service import job_task, report_progress


@job_task("linkage.returns", label=gettext_lazy("Linkage run for returns"), retryable=True)
def link_returns(*, epoch: str = "1") -> dict[str, int]:
    """`schakel link returns` as a job; the key comes from SCHAKEL_LINKAGE_KEY. Candidates are
    stored in one transaction (`do_store_candidates`), and a rerun adds only new ones."""
    from schakel.engine.linkage import load_key
    from schakel.web.linkage.actions import do_link_and_detect_returns

    run = do_link_and_detect_returns(key=load_key(epoch=epoch), progress=report_progress)
    return {
        "records": run.records,
        "persons": run.persons,
        "candidates": run.candidates,
        "new_candidates": run.new_candidates,
    }
