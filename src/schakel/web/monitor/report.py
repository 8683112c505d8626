"""The monitor as files: one CSV per protected table, `monitor.xlsx` and `report.html`.

Written by `schakel monitor report --out DIR` from the latest stored release.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from schakel.engine.disclosure import DEFAULT_K
from schakel.web.monitor.data import Filters
from schakel.web.monitor.pictures import incidence_panels, incidence_sentences
from schakel.web.monitor.publish import (
    TABLES,
    csv_text,
    funnel_chart,
    published_rows,
)
from schakel.web.monitor.selectors import published_monitor
from schakel.web.monitor.stored import compute_release, latest_release, save_release
from schakel.web.monitor.workbook import workbook_bytes

Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


def write_report(
    out_dir: Path, *, region: str | None, k: int = DEFAULT_K, progress: Progress = _no_progress
) -> list[Path]:
    """Write one CSV per table, `monitor.xlsx` (every table, with an About sheet) and
    `report.html` from the latest stored release (the same figures as the pages); when there
    is none yet, or it has another k, compute and store one first. Returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    release = latest_release()
    if release is None or release.k != k:
        release = save_release(compute_release(k=k, progress=progress))
    progress(70, gettext_noop("Writing the tables"))
    monitor = published_monitor(Filters(region=region)).monitor
    if monitor is None:
        raise LookupError(f"The release publishes no figures for region {region!r}.")
    written = []
    for table in TABLES:
        path = out_dir / f"{table}.csv"
        path.write_text(csv_text(monitor, table), encoding="utf-8")
        written.append(path)
    book = out_dir / "monitor.xlsx"
    filters = [(str(_("Region")), str(region or _("All regions")))]
    moment = timezone.localtime(release.data_until)
    book.write_bytes(workbook_bytes(monitor, TABLES, filters=filters, generated_at=moment))
    written.append(book)
    progress(85, gettext_noop("Writing the report"))
    html = render_to_string(
        "monitor/report.html",
        {
            "monitor": monitor,
            "release": release,
            "tables": {name: published_rows(monitor, name, display=True) for name in TABLES},
            "funnel_chart": funnel_chart(monitor),
            "incidence_panels": incidence_panels(monitor),
            "incidence_sentences": incidence_sentences(monitor),
        },
    )
    report = out_dir / "report.html"
    report.write_text(html, encoding="utf-8")
    written.append(report)
    return written
