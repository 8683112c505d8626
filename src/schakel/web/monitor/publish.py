"""The tables as shown, downloaded and written to a report: strings, suppressed cells marked.

The page, the CSV download and the command-line report all use these, so they publish exactly
the same cells.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.web.core.labels import QUALITY_ISSUES
from schakel.web.monitor.charts import Bar, bar_chart
from schakel.web.monitor.tables import Monitor

SECONDARY = "\u00d7"  # multiplication sign
TABLES = (
    "funnel",
    "incidence",
    "sensitivity",
    "hazards",
    "completeness",
    "quality",
    "flows",
    "flow_steps",
)
FLOW_STAGE_LABELS = {
    "signal": gettext_lazy("Signal"),
    "consultation": gettext_lazy("Consultation"),
    "referral": gettext_lazy("Referral"),
    "intake": gettext_lazy("Intake"),
    "placement": gettext_lazy("Placement"),
    "exit": gettext_lazy("Exit"),
    "follow_up": gettext_lazy("Follow-up"),
}
ARROW = " \u2192 "  # rightwards arrow


def count_text(value: object, status: str, k: int) -> str:
    if value is None or pd.isna(value):
        return f"< {k}" if status == "primary" else SECONDARY
    return str(int(value))  # type: ignore[call-overload]


def number_text(value: object, decimals: int = 3) -> str:
    if value is None or pd.isna(value) or math.isnan(float(value)):  # type: ignore[arg-type]
        return "-"
    return f"{float(value):.{decimals}f}"  # type: ignore[arg-type]


def published_rows(monitor: Monitor, table: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one table, every cell a string (suppressed cells marked)."""
    k = monitor.k
    if table == "funnel":
        return [_("Stage"), _("Trajectories")], [
            [r.label, count_text(r.trajectories, r.status, k)] for r in monitor.funnel.itertuples()
        ]
    if table == "incidence":
        header = [
            _("Group"), _("Months after exit"), _("Episodes"), _("Returns by then"),
            _("Cumulative incidence"), _("95% lower"), _("95% upper"),
        ]  # fmt: skip
        return header, [
            [
                str(r.level),
                str(r.horizon_months),
                count_text(r.episodes, r.status, k),
                count_text(r.events, r.status, k),
                number_text(r.estimate),
                number_text(r.lower),
                number_text(r.upper),
            ]
            for r in monitor.incidence.itertuples()
        ]
    if table == "sensitivity":
        return sensitivity_rows(monitor)
    if table == "hazards":
        header = [
            _("Intervention"),
            _("Hazard ratio"),
            _("95% lower"),
            _("95% upper"),
            _("Reading"),
        ]
        return header, [
            [r.label, number_text(r.hazard_ratio, 2), number_text(r.lower, 2),
             number_text(r.upper, 2), r.reading]
            for r in monitor.hazards.itertuples()
        ]  # fmt: skip
    if table == "completeness":
        return [_("Measure"), _("Number"), _("Out of"), _("Share")], [
            [
                r.measure,
                count_text(r.numerator, "primary", k),
                count_text(r.denominator, "primary", k),
                number_text(r.share),
            ]
            for r in monitor.completeness.itertuples()
        ]
    if table == "quality":
        return [_("Data-quality issue"), _("Event rows"), _("Left out of the analysis")], [
            [
                QUALITY_ISSUES.get(r.code, r.code),
                count_text(r.rows, "primary", k),
                _("yes") if r.dropped else _("no"),
            ]
            for r in monitor.quality.itertuples()
        ]
    if table == "flows":
        return flow_rows(monitor)
    if table == "flow_steps":
        header = [_("From"), _("To"), _("Trajectories"), _("Persons"), _("Median days")]
        return header, [
            [
                _stage(r.source),
                _stage(r.target),
                count_text(r.trajectories, "primary", k),
                count_text(r.persons, "primary", k),
                number_text(r.median_days, 1),
            ]
            for r in monitor.flows.edges.itertuples()
        ]
    raise ValueError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")


def sensitivity_rows(monitor: Monitor) -> tuple[list[str], list[list[str]]]:
    """Cumulative incidence of return when the people lost to follow-up are censored,
    weighted for, or counted as not returned / returned (each count with its own status)."""
    k = monitor.k
    header = [
        _("Months after exit"),
        _("Episodes"),
        _("Returns by then"),
        _("Lost to follow-up by then"),
        _("Standard (lost censored)"),
        _("Weighted for loss (IPCW)"),
        _("Best case (lost did not return)"),
        _("Worst case (lost returned)"),
    ]
    rows = [
        [
            str(r.horizon_months),
            count_text(r.episodes, r.episodes_status, k),
            count_text(r.returns, r.returns_status, k),
            count_text(r.lost, r.lost_status, k),
            number_text(r.standard),
            number_text(r.ipcw),
            number_text(r.best_case),
            number_text(r.worst_case),
        ]
        for r in monitor.sensitivity.itertuples()
    ]
    return header, rows


def csv_text(monitor: Monitor, table: str) -> str:
    header, rows = published_rows(monitor, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def funnel_chart(monitor: Monitor) -> str:
    bars = [
        Bar(
            r.label,
            None if pd.isna(r.trajectories) else float(r.trajectories),
            count_text(r.trajectories, r.status, monitor.k),
        )
        for r in monitor.funnel.itertuples()
    ]
    return bar_chart(
        "funnel-chart",
        _("Trajectories reaching each stage"),
        _("Bar chart of the number of trajectories per stage; the table beside it has the values."),
        bars,
    )


def incidence_chart(monitor: Monitor) -> str:
    bars = [
        Bar(
            _("%(group)s, %(months)s months") % {"group": r.level, "months": r.horizon_months},
            None if pd.isna(r.estimate) else float(r.estimate),
            number_text(r.estimate),
        )
        for r in monitor.incidence.itertuples()
    ]
    return bar_chart(
        "incidence-chart",
        _("Cumulative incidence of return by months after exit"),
        _("Bar chart of the share returned to exploitation per group and horizon; the table "
          "beside it has the values and intervals."),
        bars,
    )  # fmt: skip


def _stage(name: str) -> str:
    return str(FLOW_STAGE_LABELS.get(name, name))


def flow_rows(monitor: Monitor) -> tuple[list[str], list[list[str]]]:
    """Most common paths; "other paths" merges those with fewer than k persons."""
    k = monitor.k
    header = [_("Path"), _("Trajectories"), _("Persons"), _("Median days between steps")]
    rows = []
    for r in monitor.flows.variants.itertuples():
        if r.kind == "variant":
            name = ARROW.join(_stage(s) for s in r.steps)
            days = ARROW.join(f"{d:g}" for d in r.median_days) or "-"
        elif r.kind == "other":
            name = _("Other paths (each fewer than %(k)s persons, or beyond the most common)") % {
                "k": k
            }
            days = "-"
        else:
            name, days = _("All trajectories"), "-"
        rows.append(
            [
                name,
                count_text(r.trajectories, "primary", k),
                count_text(r.persons, "primary", k),
                days,
            ]
        )
    return header, rows
