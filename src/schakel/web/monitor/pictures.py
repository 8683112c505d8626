"""The monitor's pictures and the plain sentences beside them, from a stored selection only.

Every number drawn or written here is a published cell of the release (or, for the rest of a
bar after exit, a difference of published cells that reaches k); a hidden cell stays hidden
and says why (`publish.HiddenCell`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.web.monitor.charts import Segment, StackedBar, legend_key, percent, stacked_chart
from schakel.web.monitor.curves import Curve, Point, curve_panel, scale_top
from schakel.web.monitor.publish import Formatter, HiddenCell, hidden_reason
from schakel.web.monitor.tables import STRATA, Monitor

HEADLINE_MONTHS = 12
TOTAL_LABELS = ("All", "Alle")
AFTER_EXIT_KEYS = {
    "returned": gettext_lazy("Seen back in exploitation"),
    "lost": gettext_lazy("Contact lost"),
    "rest": gettext_lazy("Neither seen (still followed, or left care more recently)"),
    "hidden": gettext_lazy("Hidden (the letter in the table says why)"),
}


@dataclass(frozen=True)
class Panel:
    label: str
    svg: SafeString


def _points(monitor: Monitor) -> dict[str, list[Point]]:
    """Per group (the total first) its published points, each with its text or reason."""
    fmt = Formatter(monitor.k, display=True)
    groups: dict[str, list[Point]] = {}
    for r in monitor.incidence.itertuples():
        shown = not pd.isna(r.estimate)
        lower = float(r.lower) if shown and not pd.isna(r.lower) else None
        upper = float(r.upper) if shown and not pd.isna(r.upper) else None
        if shown:
            words = _("within %(m)s months %(p)s") % {
                "m": r.horizon_months,
                "p": percent(float(r.estimate), 1),
            }
            if lower is not None and upper is not None:
                words += " " + _("(between %(lo)s and %(hi)s)") % {
                    "lo": percent(lower, 1),
                    "hi": percent(upper, 1),
                }
        else:
            words = _("within %(m)s months not shown, %(reason)s") % {
                "m": r.horizon_months,
                "reason": fmt.share(r.estimate, r.status).text.lower(),  # type: ignore[attr-defined]
            }
        point = Point(int(r.horizon_months), float(r.estimate) if shown else None, lower, upper,
                      words)  # fmt: skip
        groups.setdefault(str(r.level), []).append(point)
    totals = {label: points for label, points in groups.items() if label in TOTAL_LABELS}
    return {**totals, **{k: v for k, v in groups.items() if k not in totals}}


def incidence_panels(monitor: Monitor) -> list[Panel]:
    """One small step-curve panel per group (the total first), all on one scale."""
    groups = _points(monitor)
    curves = [Curve(label, points) for label, points in groups.items()]
    total = next((c for c in curves if c.label in TOTAL_LABELS), None)
    top = scale_top(curves)
    panels = []
    for number, curve in enumerate(curves):
        description = _("Share back in exploitation after leaving care, %(group)s: %(values)s.") % {
            "group": curve.label,
            "values": "; ".join(p.text for p in curve.points),
        }
        if curve is not total and total is not None:
            description += " " + _("The dashed line is all groups together.")
        svg = curve_panel(
            f"incidence-chart-{number}",
            curve,
            total=None if curve is total else total,
            top=top,
            title=_("Return to exploitation: %(group)s") % {"group": curve.label},
            description=description,
            axis_label=_("months after exit"),
            empty=_("no figure shown (why: see below)"),
        )
        panels.append(Panel(curve.label, svg))
    return panels


def hidden_points(monitor: Monitor) -> list[str]:
    """Per group and reason the months whose point the curve leaves out, in one sentence:
    "Labour exploitation, 3 and 6 months: hidden to protect another cell"."""
    fmt = Formatter(monitor.k, display=True)
    found: dict[tuple[str, str], list[str]] = {}
    for r in monitor.incidence.itertuples():
        if not pd.isna(r.estimate):
            continue
        reason = fmt.share(r.estimate, r.status)
        why = reason.text if isinstance(reason, HiddenCell) else str(reason)
        why = why[:1].lower() + why[1:]
        found.setdefault((str(r.level), why), []).append(str(r.horizon_months))
    ordered = sorted(found.items(), key=lambda item: item[0][0] not in TOTAL_LABELS)
    return [
        _("%(group)s, %(months)s months: %(why)s.")
        % {"group": group, "months": get_text_list(months, _("and")), "why": why}
        for (group, why), months in ordered
    ]


def incidence_sentences(monitor: Monitor, months: int = HEADLINE_MONTHS) -> list[str]:
    """Per group one plain sentence on the share back in exploitation within `months`."""
    fmt = Formatter(monitor.k, display=True)
    rows = monitor.incidence[monitor.incidence["horizon_months"] == months]
    ordered = sorted(rows.itertuples(), key=lambda r: str(r.level) not in TOTAL_LABELS)
    shown = [_sentence(monitor.stratum, r, fmt, months) for r in ordered if not pd.isna(r.estimate)]
    hidden: dict[str, list[str]] = {}  # reason -> groups: one sentence per reason
    for r in ordered:
        if pd.isna(r.estimate):
            level = str(r.level)
            group = _("all people who left care") if level in TOTAL_LABELS else level
            if monitor.stratum == "form" and level not in TOTAL_LABELS:
                group = level.lower()
            reason = fmt.share(r.estimate, r.status)
            why = reason.text.lower() if isinstance(reason, HiddenCell) else str(reason)
            hidden.setdefault(why, []).append(group)
    return shown + [
        _("For %(group)s the share within %(m)s months is not shown. Reason: %(why)s.")
        % {"group": get_text_list(groups, _("and")), "m": months, "why": why}
        for why, groups in hidden.items()
    ]


def _sentence(stratum: str, r: object, fmt: Formatter, months: int) -> str:
    level = str(getattr(r, "level"))  # noqa: B009
    estimate, lower, upper = (getattr(r, name) for name in ("estimate", "lower", "upper"))
    status = str(getattr(r, "status"))  # noqa: B009
    group = level.lower() if stratum == "form" else level
    if stratum.startswith("intervention_"):  # "Received" alone does not say what
        group = f"{STRATA.get(stratum, stratum)}: {level.lower()}"
    values = {
        "n": fmt.count(getattr(r, "episodes"), status),  # noqa: B009
        "p": percent(float(estimate), 1),
        "m": months,
        "group": group,
    }
    if level in TOTAL_LABELS:
        text = _(
            "Of all %(n)s people who left care, an estimated %(p)s were back in exploitation "
            "within %(m)s months."
        )
    elif stratum == "form":
        text = _(
            "Of the %(n)s people who came out of %(group)s and left care, an estimated %(p)s "
            "were back in exploitation within %(m)s months."
        )
    else:
        text = _(
            "In the group “%(group)s” (%(n)s people who left care) an estimated %(p)s were "
            "back in exploitation within %(m)s months."
        )
    sentence = text % values
    if float(estimate) >= 0.005:
        sentence += " " + _("That is about 1 in %(n)s.") % {"n": round(1 / float(estimate))}
    if not pd.isna(lower) and not pd.isna(upper):
        sentence += " " + _("Taking chance into account, it lies between %(lo)s and %(hi)s.") % {
            "lo": percent(float(lower), 1),
            "hi": percent(float(upper), 1),
        }
    return sentence


def after_exit_rows(monitor: Monitor) -> tuple[list[str], list[list[str]]]:
    """What was seen after exit by each horizon: returns, contact lost, and neither (a
    difference of published counts, shown only when it reaches k or is 0)."""
    fmt = Formatter(monitor.k, display=True)
    header = [
        _("Months after exit"), _("Exits from care"), str(AFTER_EXIT_KEYS["returned"]),
        str(AFTER_EXIT_KEYS["lost"]), _("Neither seen"),
    ]  # fmt: skip
    rows = []
    for r in monitor.sensitivity.itertuples():
        rows.append(
            [
                str(r.horizon_months),
                fmt.count(r.episodes, r.episodes_status),
                fmt.count(r.returns, r.returns_status),
                fmt.count(r.lost, r.lost_status),
                _rest_cell(r, fmt),
            ]
        )
    return header, rows


def _rest_cell(r: object, fmt: Formatter) -> str:
    """The rest of the exits, or why it is hidden: a count behind it is, or it is below k."""
    rest = _rest(r, fmt.k)
    if rest is not None:
        return fmt.count(rest, "published")
    statuses = [str(getattr(r, f"{name}_status")) for name in ("episodes", "returns", "lost")]
    hidden = [status for status in statuses if status != "published"]
    return fmt.hidden(hidden_reason(*hidden) if hidden else "primary")


def _rest(r: object, k: int) -> int | None:
    values = [getattr(r, name) for name in ("episodes", "returns", "lost")]
    if any(v is None or pd.isna(v) for v in values):
        return None
    rest = int(values[0]) - int(values[1]) - int(values[2])
    return rest if rest >= k or rest == 0 else None


def after_exit_chart(monitor: Monitor) -> SafeString:
    """A bar per horizon, the exits split into returned, contact lost and neither."""
    bars = []
    fmt = Formatter(monitor.k, display=True)
    for r in monitor.sensitivity.itertuples():
        label = _("Within %(m)s months") % {"m": r.horizon_months}
        if pd.isna(r.episodes):
            hidden = fmt.count(r.episodes, str(r.episodes_status))
            bars.append(StackedBar(label, None, (), getattr(hidden, "mark", hidden)))
            continue
        total = int(r.episodes)
        segments = []
        for key, value in (("returned", r.returns), ("lost", r.lost)):
            if not pd.isna(value):
                segments.append(
                    Segment(key, str(AFTER_EXIT_KEYS[key]), int(value), fmt.count(value))
                )
        rest = max(total - sum(s.value for s in segments), 0)
        key = "rest" if len(segments) == 2 and _rest(r, monitor.k) is not None else "hidden"
        text = fmt.count(rest) if key == "rest" else _rest_cell(r, fmt)
        segments.append(Segment(key, str(AFTER_EXIT_KEYS[key]), rest, text))
        bars.append(StackedBar(label, total, segments))
    return stacked_chart(
        "after-exit-chart",
        _("What was seen after leaving care"),
        _(
            "Stacked bars, one per period after leaving care: of all exits, the part seen "
            "back in exploitation, the part with whom contact was lost, and the rest. The "
            "table beside it has every number."
        ),
        bars,
    )


def after_exit_legend() -> list[tuple[SafeString, str]]:
    return [(legend_key(key), str(label)) for key, label in AFTER_EXIT_KEYS.items()]


def after_exit_sentence(monitor: Monitor, months: int = HEADLINE_MONTHS) -> str:
    """The bar at `months` in words, when every count in it is published."""
    rows = [r for r in monitor.sensitivity.itertuples() if r.horizon_months == months]
    if not rows:
        return ""
    r = rows[0]
    rest = _rest(r, monitor.k)
    if rest is None:
        return ""
    fmt = Formatter(monitor.k, display=True)
    return _(
        "Of the %(n)s times someone left care, within %(m)s months the person was seen back "
        "in exploitation %(returned)s times and contact was lost %(lost)s times. In the other "
        "%(rest)s neither was seen: the person was still being followed, or left care less "
        "than %(m)s months ago."
    ) % {
        "n": fmt.count(r.episodes),
        "m": months,
        "returned": fmt.count(r.returns),
        "lost": fmt.count(r.lost),
        "rest": fmt.count(rest),
    }
