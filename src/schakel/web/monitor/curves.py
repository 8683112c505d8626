"""Cumulative incidence of return as step curves with their 95% band, one small panel per
group on one shared scale, the total as a dashed line in every panel.

The release publishes the estimate at 3, 6, 12 and 24 months only (a step at every return
would show when each person in a small group returned; `engine.disclosure.horizons`). The
curve is the step function of those published values: it rises at a horizon to the share
returned by then and stays there until the next horizon, so every level drawn is a published
number and nothing between the horizons is invented. A hidden value breaks the line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from schakel.web.monitor.charts import COLOURS, FONT, percent, svg_open, text

MONTHS = 24
TICKS = (0, 3, 6, 12, 24)
LEFT, WIDTH = 17.0, 80.0  # plot area as percentages of the panel's width
TOP, PLOT = 10, 150  # pixels
HEIGHT = TOP + PLOT + 48
TOTAL_COLOUR = COLOURS[5]


@dataclass(frozen=True)
class Point:
    months: int
    estimate: float | None  # None: hidden or not estimable (`text` says why)
    lower: float | None
    upper: float | None
    text: str


@dataclass(frozen=True)
class Curve:
    label: str
    points: Sequence[Point]


def scale_top(curves: Sequence[Curve]) -> float:
    """One scale for every panel, so panels compare at a glance."""
    values = [
        max(p.upper or 0.0, p.estimate or 0.0)
        for c in curves
        for p in c.points
        if p.estimate is not None
    ]
    top = max(values or [0.0])
    for step in (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8):
        if top <= step:
            return step
    return 1.0


def curve_panel(
    chart_id: str,
    curve: Curve,
    *,
    total: Curve | None,
    top: float,
    title: str,
    description: str,
    axis_label: str,
    empty: str = "",
) -> SafeString:
    """One group's step curve and band; `total` (the whole selection) dashed behind it;
    `empty`: the text in a panel with no published value."""

    def x(months: float) -> str:
        return f"{LEFT + WIDTH * months / MONTHS:.2f}%"

    def y(value: float) -> float:
        return TOP + PLOT * (1 - value / top)

    parts = [svg_open(chart_id, title, description, HEIGHT)]
    for value in (0.0, top / 2, top):
        parts.append(
            f'<line x1="{LEFT}%" x2="{LEFT + WIDTH}%" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#b1b1b1" stroke-width="1"/>'
        )
        parts.append(text(f"{LEFT - 2}%", y(value) + FONT / 3, percent(value), anchor="end"))
    for tick in TICKS:
        parts.append(text(x(tick), TOP + PLOT + 20, str(tick), anchor="middle"))
    parts.append(text(x(MONTHS / 2), HEIGHT - 6, axis_label, anchor="middle"))
    # the plot area, stretched to the panel's width: months across, 1000 units up
    parts.append(
        f'<svg x="{LEFT}%" y="{TOP}" width="{WIDTH}%" height="{PLOT}" '
        f'viewBox="0 0 {MONTHS} 1000" preserveAspectRatio="none" overflow="visible">'
    )

    def level(value: float) -> float:
        return 1000 * (1 - value / top)

    if total is not None:
        parts += _steps(total.points, level, TOTAL_COLOUR, dashed=True, band=False)
    parts += _steps(curve.points, level, COLOURS[0], dashed=False, band=True)
    parts.append("</svg>")
    if all(p.estimate is None for p in curve.points):
        parts.append(text(x(MONTHS / 2), TOP + FONT + 8, empty, anchor="middle"))
    for point in curve.points:
        if point.estimate is None:
            continue
        if point.lower is not None and point.upper is not None:
            parts.append(
                f'<line x1="{x(point.months)}" x2="{x(point.months)}" '
                f'y1="{y(point.lower):.1f}" y2="{y(point.upper):.1f}" stroke="{COLOURS[0]}" '
                'stroke-width="2"/>'
            )
        parts.append(
            f'<circle class="schakel-chart__point" cx="{x(point.months)}" '
            f'cy="{y(point.estimate):.1f}" r="4" fill="{COLOURS[0]}" stroke="#fff" '
            f'data-label="{escape(curve.label)}" data-months="{point.months}" '
            f'data-value="{point.estimate:g}"><title>{escape(point.text)}</title></circle>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


def _steps(
    points: Sequence[Point],
    level: Callable[[float], float],
    colour: str,
    *,
    dashed: bool,
    band: bool,
) -> list[str]:
    """The step line from 0 at exit through the published values, and the band of each
    value over the months it holds; a hidden value ends a run."""
    parts = []
    # from 0 at exit, unless the first value is hidden (the line would claim nobody returned)
    start = [Point(0, 0.0, None, None, "")] if points and points[0].estimate is not None else []
    runs: list[list[Point]] = [start]
    for point in points:
        if point.estimate is None:
            runs.append([])
        else:
            runs[-1].append(point)
    ends = [p.months for p in points] + [MONTHS]
    following = {p.months: ends[i + 1] for i, p in enumerate(points)}
    following[0] = points[0].months if points else MONTHS
    for run in (r for r in runs if r):
        if band:
            for p in run:
                until = following.get(p.months, MONTHS)
                if p.lower is None or p.upper is None or until <= p.months:
                    continue
                parts.append(
                    f'<rect x="{p.months}" y="{level(p.upper):.1f}" width="{until - p.months}" '
                    f'height="{max(level(p.lower) - level(p.upper), 0.5):.1f}" '
                    f'fill="{colour}" fill-opacity="0.18"/>'
                )
        path = f"M{run[0].months},{level(run[0].estimate or 0.0):.1f}"
        for p in run[1:]:
            path += f" H{p.months} V{level(p.estimate or 0.0):.1f}"
        last = run[-1]
        path += f" H{following.get(last.months, MONTHS)}"
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{2 if dashed else 3}" '
            f'vector-effect="non-scaling-stroke"{dash}/>'
        )
    return parts


def legend_keys() -> dict[str, SafeString]:
    """Swatches for the HTML legend beside the panels: the group's line with its band, the
    dashed total, a published value with its interval."""
    line = (
        f'<rect x="0" y="3" width="28" height="10" fill="{COLOURS[0]}" fill-opacity="0.18"/>'
        f'<line x1="0" x2="28" y1="8" y2="8" stroke="{COLOURS[0]}" stroke-width="3"/>'
    )
    total = (
        f'<line x1="0" x2="28" y1="8" y2="8" stroke="{TOTAL_COLOUR}" stroke-width="2" '
        'stroke-dasharray="6 4"/>'
    )
    point = (
        f'<line x1="14" x2="14" y1="1" y2="15" stroke="{COLOURS[0]}" stroke-width="2"/>'
        f'<circle cx="14" cy="8" r="4" fill="{COLOURS[0]}" stroke="#fff"/>'
    )
    return {
        name: mark_safe(  # noqa: S308  (no user text)
            '<svg class="schakel-legend__key" aria-hidden="true" width="28" height="16">'
            f"{shape}</svg>"
        )
        for name, shape in (("line", line), ("total", total), ("point", point))
    }
