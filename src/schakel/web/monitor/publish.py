"""The tables as shown, downloaded and written to a report: strings, suppressed cells marked.

The page, the CSV download and the command-line report all use these, so they publish exactly
the same cells.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.web.core.labels import QUALITY_ISSUES
from schakel.web.monitor.breakdowns import download_rows
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
    "where",
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


DASH = "\u2013"  # en dash: a hidden cell on the page
HIDDEN_REASONS = {  # the reason's footnote marker and its text on the page
    "primary": ("a", gettext_lazy("Hidden: too few people (fewer than %(k)s)")),
    "secondary": ("b", gettext_lazy("Hidden to protect another cell")),
    "not_estimable": (
        "c",
        gettext_lazy("Cannot be calculated: nobody was followed that long, or nobody returned"),
    ),
    "noised": ("d", gettext_lazy("With noise: an approximation, the exact number is hidden")),
}


class HiddenCell(str):
    """A page cell that shows no number ("\u2013"), or an approximate one, and says why:
    `reason` is a key of HIDDEN_REASONS; `marker` and `text` are its footnote."""

    reason: str
    marker: str
    text: str

    def __new__(cls, reason: str, k: int, shown: str = DASH) -> HiddenCell:
        cell = super().__new__(cls, shown)
        marker, text = HIDDEN_REASONS[reason]
        cell.reason, cell.marker, cell.text = reason, marker, str(text) % {"k": k}
        return cell

    @property
    def mark(self) -> str:
        """The cell as a picture writes it: the dash and the letter of the table beside it."""
        return f"{self}{self.marker}"


def hidden_reason(*statuses: str) -> str:
    """Why a value is not shown, from the statuses of the counts behind it: fewer than k
    (primary) before protecting another cell (secondary); all published: not estimable."""
    if "primary" in statuses:
        return "primary"
    if "secondary" in statuses:
        return "secondary"
    return "not_estimable"


def count_text(value: object, status: str, k: int) -> str:
    if value is None or pd.isna(value):
        return f"< {k}" if status == "primary" else SECONDARY
    return str(int(value))  # type: ignore[call-overload]


def number_text(value: object, decimals: int = 3) -> str:
    if value is None or pd.isna(value) or math.isnan(float(value)):  # type: ignore[arg-type]
        return "-"
    return f"{float(value):.{decimals}f}"  # type: ignore[arg-type]


@dataclass(frozen=True)
class Formatter:
    """Cells as text. Downloads (`display=False`) keep plain numbers (0.019, 1234) for
    spreadsheets and scripts, and mark hidden cells "< k", the multiplication sign or "-" (the
    About sheet explains them); the page (`display=True`) writes numbers as its reader reads
    them: Dutch grouping and decimal comma, shares as percentages ("1,9 %"), and a hidden cell
    as a `HiddenCell` ("\u2013" with its reason)."""

    k: int
    display: bool = False

    def hidden(self, reason: str) -> HiddenCell:
        return HiddenCell(reason, self.k)

    def count(self, value: object, status: str = "primary") -> str:
        if value is None or pd.isna(value):
            if self.display:
                return self.hidden(hidden_reason(status))
            return count_text(value, status, self.k)
        if self.display:
            return number_format(int(value), force_grouping=True)  # type: ignore[call-overload]
        return str(int(value))  # type: ignore[call-overload]

    def _missing(self, value: object) -> bool:
        return value is None or bool(pd.isna(value)) or math.isnan(float(value))  # type: ignore[arg-type]

    def number(self, value: object, decimals: int, *statuses: str) -> str:
        if self.display and self._missing(value):
            return self.hidden(hidden_reason(*statuses))
        if not self.display or value is None or pd.isna(value):
            return number_text(value, decimals)
        return number_format(float(value), decimals, force_grouping=True)  # type: ignore[arg-type]

    def days(self, value: float) -> str:
        """A median of whole days (a half when the middle falls between two) in a route's
        text, written in the language of the page or file: "9,5" in Dutch (as the Dutch CSV
        writes its numbers), "9.5" in English, "12" without decimals."""
        decimals = 0 if float(value).is_integer() else 1
        return number_format(float(value), decimals, force_grouping=self.display)

    def share(self, value: object, *statuses: str) -> str:
        """A proportion: 0.019 in a download, "1,9 %" on the page; `statuses`: of the counts
        behind it, to say why it is hidden."""
        if self.display and self._missing(value):
            return self.hidden(hidden_reason(*statuses))
        if not self.display or value is None or pd.isna(value):
            return number_text(value, 3)
        return f"{number_format(100 * float(value), 1)}\u00a0%"  # type: ignore[arg-type]


def noised_rows(monitor: Monitor) -> tuple[list[str], list[list[str]]]:
    """The noised figures (ADR 0021) as the page shows them: Dutch numbers, shares as %."""
    fmt = Formatter(monitor.k, display=True)
    header = [
        _("Group"), _("Months after exit"), _("Returns by then (with noise)"),
        _("Share back in exploitation (with noise)"),
    ]  # fmt: skip
    rows = [
        [
            str(r.level),
            str(r.horizon_months),
            HiddenCell("noised", fmt.k, fmt.count(r.events, "published")),
            HiddenCell("noised", fmt.k, fmt.share(r.estimate)),
        ]
        for r in monitor.noised.itertuples()
    ]
    return header, rows


def published_rows(
    monitor: Monitor, table: str, *, display: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one table, every cell a string (suppressed cells marked)."""
    k = monitor.k
    fmt = Formatter(k, display)
    if table == "funnel":
        return [_("Stage"), _("Trajectories")], [
            [r.label, fmt.count(r.trajectories, r.status)] for r in monitor.funnel.itertuples()
        ]
    if table == "incidence":
        header = [
            _("Group"), _("Months after exit"), _("Exits from care"), _("Returns by then"),
            _("Share back in exploitation (estimate)"), _("Lower bound"), _("Upper bound"),
        ]  # fmt: skip
        return header, [
            [
                str(r.level),
                str(r.horizon_months),
                fmt.count(r.episodes, r.status),
                fmt.count(r.events, r.status),
                fmt.share(r.estimate, r.status),
                fmt.share(r.lower, r.status),
                fmt.share(r.upper, r.status),
            ]
            for r in monitor.incidence.itertuples()
        ]
    if table == "sensitivity":
        return sensitivity_rows(monitor, fmt)
    if table == "hazards":
        header = [
            _("Intervention"),
            _("Compared with people without it (1 = equally often)"),
            _("Lower bound"),
            _("Upper bound"),
            _("Reading"),
        ]
        return header, [
            [r.label, fmt.number(r.hazard_ratio, 2), fmt.number(r.lower, 2),
             fmt.number(r.upper, 2), r.reading]
            for r in monitor.hazards.itertuples()
        ]  # fmt: skip
    if table == "completeness":
        return [_("Measure"), _("Number"), _("Out of"), _("Share")], [
            [
                r.measure,
                fmt.count(r.numerator, r.numerator_status),
                fmt.count(r.denominator, r.denominator_status),
                fmt.share(r.share, r.numerator_status, r.denominator_status),
            ]
            for r in monitor.completeness.itertuples()
        ]
    if table == "quality":
        return [_("Data-quality issue"), _("Event rows"), _("Left out of the analysis")], [
            [
                QUALITY_ISSUES.get(r.code, r.code),
                fmt.count(r.rows, "primary"),
                _("yes") if r.dropped else _("no"),
            ]
            for r in monitor.quality.itertuples()
        ]
    if table == "flows":
        return flow_rows(monitor, fmt)
    if table == "where":
        return download_rows(monitor.breakdowns, k)
    if table == "flow_steps":
        header = [_("From"), _("To"), _("Trajectories"), _("Median days")]
        return header, [
            [
                _stage(r.source),
                _stage(r.target),
                fmt.count(r.trajectories, r.status),
                fmt.number(r.median_days, 1, r.status),
            ]
            for r in monitor.flows.edges.itertuples()
        ]
    raise ValueError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")


def sensitivity_rows(monitor: Monitor, fmt: Formatter) -> tuple[list[str], list[list[str]]]:
    """Cumulative incidence of return when the people lost to follow-up are censored,
    weighted for, or counted as not returned / returned (each count with its own status)."""
    header = [
        _("Months after exit"),
        _("Exits from care"),
        _("Returns by then"),
        _("Lost to follow-up by then"),
        _("Usual estimate (counted until contact was lost)"),
        _("Corrected for who lost contact"),
        _("Best case (lost did not return)"),
        _("Worst case (lost returned)"),
    ]
    rows = []
    for r in monitor.sensitivity.itertuples():
        statuses = (r.episodes_status, r.returns_status, r.lost_status)
        rows.append(
            [
                str(r.horizon_months),
                fmt.count(r.episodes, r.episodes_status),
                fmt.count(r.returns, r.returns_status),
                fmt.count(r.lost, r.lost_status),
                fmt.share(r.standard, r.episodes_status, r.returns_status),
                *(fmt.share(value, *statuses) for value in (r.ipcw, r.best_case, r.worst_case)),
            ]
        )
    return header, rows


def csv_text(monitor: Monitor, table: str) -> str:
    header, rows = published_rows(monitor, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _picture_text(cell: str) -> str:
    return cell.mark if isinstance(cell, HiddenCell) else cell


def funnel_chart(monitor: Monitor) -> str:
    fmt = Formatter(monitor.k, display=True)
    bars = [
        Bar(
            r.label,
            None if pd.isna(r.trajectories) else float(r.trajectories),
            _picture_text(fmt.count(r.trajectories, r.status)),
        )
        for r in monitor.funnel.itertuples()
    ]
    return bar_chart(
        "funnel-chart",
        _("Trajectories reaching each stage"),
        _("Bar chart of the number of trajectories per stage; the table beside it has the values."),
        bars,
    )


def _stage(name: str) -> str:
    return str(FLOW_STAGE_LABELS.get(name, name))


def flow_rows(monitor: Monitor, fmt: Formatter) -> tuple[list[str], list[list[str]]]:
    """Most common paths; "other paths" merges those with fewer than k persons."""
    k = monitor.k
    header = [_("Path"), _("Trajectories"), _("Median days between steps")]
    rows = []
    for r in monitor.flows.variants.itertuples():
        if r.kind == "variant":
            name = ARROW.join(_stage(s) for s in r.steps)
            days = ARROW.join(fmt.days(d) for d in r.median_days) or "-"
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
                fmt.count(r.trajectories, r.status),
                days,
            ]
        )
    return header, rows
