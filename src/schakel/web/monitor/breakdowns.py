"""The "where, when and why" tables as the page and the downloads show them: the stored rows
(`schakel.engine.monitor.breakdowns`) with labels in the reader's language.

On the page a hidden cell is marked as in every other table of the page: a dash with the letter
of its reason, and the reason under the table (`publish.HiddenCell`); a download keeps the marks
of the other tables and adds the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.engine import vocabulary as v
from schakel.engine.monitor.breakdowns import DIMENSION_NAMES, IN_REGION, NONE, OTHER
from schakel.web.core.labels import LABELS, country_name
from schakel.web.trajectories.sectors import SECTIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOTAL = "Total"
DASH = "\u2013"  # en dash
TITLES: dict[str, StrOrPromise] = {
    "modus_operandi": gettext_lazy("By modus operandi"),
    "recruitment": gettext_lazy("By recruitment method"),
    "platform": gettext_lazy("By online platform used for recruitment"),
    "region": gettext_lazy("By region"),
    "municipality": gettext_lazy("By municipality where the exploitation took place"),
    "country": gettext_lazy("By country of exploitation"),
    "sector": gettext_lazy("By sector (labour exploitation)"),
    "detection": gettext_lazy("By how the return came to light"),
    "vulnerability": gettext_lazy("By vulnerability factor known at exit"),
    "cohort": gettext_lazy("By year of exit (trend)"),
}
DETECTION = {
    "follow_up": gettext_lazy("Follow-up contact"),
    "linkage": gettext_lazy("Record linkage"),
    "report": gettext_lazy("New signal or report"),
    "new_episode": gettext_lazy("New trajectory of the same person"),
    "other": gettext_lazy("Other"),
}
UNKNOWN: dict[str, StrOrPromise] = {
    "platform": gettext_lazy("No online platform recorded"),
    "municipality": gettext_lazy("Abroad or not recorded"),
    "sector": gettext_lazy("Not recorded"),
    "vulnerability": gettext_lazy("No factor recorded"),
    "recruitment": gettext_lazy("Not recorded"),
}
_ENUMS: dict[str, type[StrEnum]] = {
    "modus_operandi": v.ModusOperandi,
    "recruitment": v.RecruitmentMethod,
    "region": v.Region,
}


@dataclass(frozen=True)
class BreakdownTable:
    """One dimension's rows (level, counts with status, estimate, status, reason) and what
    its pooled levels hold, as stored."""

    name: str
    rows: list[dict[str, Any]]
    merged: dict[str, list[str]]

    @property
    def title(self) -> str:
        return str(TITLES.get(self.name, self.name))

    @property
    def shares_of_returns(self) -> bool:
        """The detection table: shares of all returns, not chances of return."""
        return self.name == "detection"


def breakdown_tables(stored: dict[str, Any] | None) -> list[BreakdownTable] | None:
    """The stored tables in the engine's order; None when the selection has none (a region
    or a cohort year is chosen)."""
    if stored is None:
        return None
    return [
        BreakdownTable(name, stored[name]["rows"], stored[name].get("merged", {}))
        for name in DIMENSION_NAMES
        if name in stored
    ]


def level_label(name: str, level: str) -> str:
    """A level as a reader reads it: names, never codes."""
    if level == TOTAL:
        return str(_("All"))
    if level == OTHER:
        return str(_("Other (small groups together)"))
    if level.startswith(IN_REGION):
        region = level.removeprefix(IN_REGION)
        return str(_("Other municipalities in %(region)s")) % {
            "region": level_label("region", region)
        }
    if level == NONE:
        return str(UNKNOWN.get(name, _("Unknown")))
    if name == "vulnerability":
        factor, _sep, addressed = level.partition(":")
        text = LABELS[v.VulnerabilityFactor].get(factor, factor)
        if addressed == "addressed":
            return str(_("%(factor)s: addressed")) % {"factor": text}
        return str(_("%(factor)s: not addressed")) % {"factor": text}
    if name == "detection":
        return str(DETECTION.get(level, level))
    if name == "country":
        return country_name(level)
    if name == "sector":
        return str(SECTIONS.get(level, level))
    enum = _ENUMS.get(name)
    if enum is not None:
        return str(LABELS[enum].get(level, level))
    return level


def merged_note(table: BreakdownTable) -> str:
    """What "other" and the regional groups hold, in words."""
    parts = []
    for level, raw in table.merged.items():
        names = ", ".join(sorted(level_label(table.name, r) for r in raw))
        parts.append(f"{level_label(table.name, level)}: {names}")
    return "; ".join(parts)


PAGE_REASONS = {  # a row's reason -> the page's reason (`publish.HIDDEN_REASONS`)
    "fewer_than_k": "primary",
    "reveals_smaller_group": "secondary",
    "too_short": "not_estimable",
}


def _hidden(reason: str, k: int) -> str:
    # publish imports this module for the downloads: import its cell when a page is drawn
    from schakel.web.monitor.publish import HiddenCell

    return HiddenCell(reason, k)


def _count_reason(status: str | None) -> str:
    return "primary" if status == "primary" else "secondary"


def _percent(value: float) -> str:
    return f"{number_format(100 * value, 1)}\u00a0%"


def page_header(table: BreakdownTable) -> list[str]:
    if table.shares_of_returns:
        return [_("Came to light through"), _("Returns within 12 months"), _("Share of returns")]
    return [
        _("Group"),
        _("Exits from care"),
        _("Returns within 12 months"),
        _("Chance of return within 12 months"),
        _("95% interval"),
    ]


def page_rows(table: BreakdownTable, k: int) -> list[list[str]]:
    """Every cell as text in the reader's format; a hidden one as a dash and its reason's
    letter, as in the page's other tables."""
    rows = []
    for row in table.rows:
        returns = _count(row["returns"], row["returns_status"], k)
        estimate, interval = _estimate(row, k)
        if table.shares_of_returns:
            rows.append([level_label(table.name, row["level"]), returns, estimate])
            continue
        episodes = _count(row["episodes"], row["episodes_status"], k)
        rows.append([level_label(table.name, row["level"]), episodes, returns, estimate, interval])
    return rows


def _count(value: int | None, status: str | None, k: int) -> str:
    if value is None:
        return _hidden(_count_reason(status), k)
    return number_format(value, force_grouping=True)


def _estimate(row: dict[str, Any], k: int) -> tuple[str, str]:
    if row["estimate"] is None:
        hidden = _hidden(PAGE_REASONS.get(row["reason"], "not_estimable"), k)
        return hidden, hidden
    estimate = _percent(row["estimate"])
    if row.get("lower") is None or row.get("upper") is None:
        return estimate, ""
    lower = number_format(100 * row["lower"], 1)
    return estimate, f"{lower}\u2013{_percent(row['upper'])}"


def download_rows(tables: list[BreakdownTable] | None, k: int) -> tuple[list[str], list[list[str]]]:
    """One long table for CSV and Excel: plain numbers, the marks of the other tables for a
    hidden count, and why a cell is hidden in words."""
    header = [
        _("Table"), _("Group"), _("Exits from care"), _("Returns within 12 months"),
        _("Chance of return within 12 months (share of returns by how they came to light)"),
        _("95% lower"), _("95% upper"), _("Why hidden"),
    ]  # fmt: skip
    rows = []
    for table in tables or []:
        for row in table.rows:
            rows.append(
                [
                    table.title,
                    level_label(table.name, row["level"]),
                    _download_count(row["episodes"], row["episodes_status"], k),
                    _download_count(row["returns"], row["returns_status"], k),
                    *(_number(row.get(name)) for name in ("estimate", "lower", "upper")),
                    _reason_text(row, k),
                ]
            )
    return header, rows


def _download_count(value: int | None, status: str | None, k: int) -> str:
    if status is None:  # not counted in this table (detection has no exits column)
        return ""
    if value is None:
        return f"< {k}" if status == "primary" else "\u00d7"
    return str(value)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


REASON_TEXT: dict[str, StrOrPromise] = {
    "fewer_than_k": gettext_lazy("fewer than %(k)s people"),
    "reveals_smaller_group": gettext_lazy(
        "withheld: together with other published counts it would reveal a smaller group"
    ),
    "too_short": gettext_lazy("nobody in this group was followed for 12 months yet"),
}


def _reason_text(row: dict[str, Any], k: int) -> str:
    reason = row.get("reason")
    if reason is None:
        return ""
    return str(REASON_TEXT[reason]) % {"k": k}


def page_tables(tables: list[BreakdownTable] | None, k: int) -> list[dict[str, object]] | None:
    """What the section's template needs per table: id, title, header, rows, pooled note."""
    if tables is None:
        return None
    return [
        {
            "id": f"where-{table.name.replace('_', '-')}",
            "title": table.title,
            "header": page_header(table),
            "rows": page_rows(table, k),
            "note": merged_note(table),
        }
        for table in tables
    ]
