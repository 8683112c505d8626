"""The linkage run's old address: `do_link_and_detect_returns` lives in `actions/runs.py`.

The command line and the job queue import it from here; new code imports `linkage.actions`.
"""

from __future__ import annotations

from schakel.web.linkage.actions.runs import LinkageRun, do_link_and_detect_returns

__all__ = ["LinkageRun", "do_link_and_detect_returns"]
