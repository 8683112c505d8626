"""`schakel monitor report --out DIR`: the monitor's protected tables as CSV plus an HTML report
(from the latest stored release); `schakel monitor export --format ctdc --out DIR`: the
CTDC-compatible aggregate release (computed by `schakel.engine.monitor.ctdc`).

Needs Django set up (the command line does that); Django is imported only when a command runs.
"""

from __future__ import annotations

from pathlib import Path

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.monitor.ctdc import CTDC_COLUMNS as CTDC_COLUMNS
from schakel.engine.monitor.ctdc import CTDC_FILE, ctdc_table
from schakel.engine.monitor.ctdc import ctdc_records as ctdc_records
from schakel.engine.monitor.ctdc import ctdc_variables as ctdc_variables


def write_report(out_dir: Path, *, region: str | None, k: int = DEFAULT_K) -> list[Path]:
    from schakel.web.monitor.report import write_report as write

    return write(out_dir, region=region, k=k)


def write_ctdc(out_dir: Path, *, k: int = DEFAULT_K) -> Path:
    """Write `ctdc_counts.csv`: CTDC-style harmonised counts with every cell below k suppressed.

    Suppressed counts are empty with status `primary` (below k) or `secondary` (would follow
    from the published counts). Gender and citizenship are left out: they are part of the
    encrypted identity, which the monitor never reads.
    """
    from schakel.web.monitor.data import event_log

    out_dir.mkdir(parents=True, exist_ok=True)
    table = ctdc_table(ctdc_records(event_log()), k=k)
    path = out_dir / CTDC_FILE
    table.to_csv(path, index=False)
    return path
