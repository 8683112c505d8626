"""`schakel monitor report --out DIR`: the monitor's protected tables as CSV plus an HTML report.

Needs Django set up (the command line does that); the lead wires it in cli.py.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from schakel.engine.disclosure import DEFAULT_K
from schakel.web.monitor.data import Filters
from schakel.web.monitor.publish import (
    TABLES,
    csv_text,
    funnel_chart,
    incidence_chart,
    published_rows,
)
from schakel.web.monitor.tables import compute_monitor


def write_report(out_dir: Path, *, region: str | None, k: int = DEFAULT_K) -> list[Path]:
    """Write one CSV per table and `report.html`; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    monitor = compute_monitor(Filters(region=region), k=k)
    written = []
    for table in TABLES:
        path = out_dir / f"{table}.csv"
        path.write_text(csv_text(monitor, table), encoding="utf-8")
        written.append(path)
    html = render_to_string(
        "monitor/report.html",
        {
            "monitor": monitor,
            "tables": {name: published_rows(monitor, name) for name in TABLES},
            "funnel_chart": funnel_chart(monitor),
            "incidence_chart": incidence_chart(monitor),
        },
    )
    report = out_dir / "report.html"
    report.write_text(html, encoding="utf-8")
    written.append(report)
    return written
