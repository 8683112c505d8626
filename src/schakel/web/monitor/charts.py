"""Accessible bar charts as inline SVG, drawn on the server from the protected tables.

The table beside each chart is the source of truth; the SVG has role="img", a title and a
description, and every bar carries its value in `data-value` (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 18
GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or not estimable, drawn as no bar
    text: str


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """A horizontal bar chart; bars without a value say so in their text."""
    top = max((b.value or 0.0) for b in bars) if bars else 0.0
    scale = (WIDTH - LABEL_WIDTH - 80) / top if top > 0 else 0.0
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="schakel-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for number, bar in enumerate(bars):
        y = GAP + number * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" '
            f'font-size="12">{escape(bar.label)}</text>'
        )
        if bar.value is not None:
            length = max(bar.value * scale, 1.0)
            parts.append(
                f'<rect class="schakel-chart__bar" x="{LABEL_WIDTH}" y="{y}" '
                f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="#154273" '
                f'data-label="{escape(bar.label)}" data-value="{bar.value:g}">'
                f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            )
            end = LABEL_WIDTH + length + 6
        else:
            end = LABEL_WIDTH + 6
        parts.append(
            f'<text x="{end:.1f}" y="{middle:.1f}" font-size="12">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


CURVE_WIDTH = 640
CURVE_HEIGHT = 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 12, 40
LEGEND_ROW = 18
COLOURS = ("#154273", "#a90061", "#39870c", "#e17000", "#8f4a9e", "#007bc7", "#673327", "#333")


@dataclass(frozen=True)
class Point:
    months: int
    estimate: float | None  # None: hidden or not estimable (the table says why)
    lower: float | None
    upper: float | None
    text: str


@dataclass(frozen=True)
class Curve:
    label: str
    points: Sequence[Point]


def curve_chart(
    chart_id: str,
    title: str,
    description: str,
    curves: Sequence[Curve],
    *,
    axis_label: str = "",
    months: int = 24,
) -> SafeString:
    """Cumulative incidence per group at the published horizons: a line from 0 at exit through
    each published horizon, its 95% interval as a band; a hidden point breaks the line."""
    top = max(
        [p.upper or p.estimate or 0.0 for c in curves for p in c.points if p.estimate is not None]
        or [0.0]
    )
    top = max(0.05, _nice_ceiling(top))
    plot_w = CURVE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = CURVE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    height = CURVE_HEIGHT + LEGEND_ROW * len(curves) + 8

    def x(m: float) -> float:
        return MARGIN_LEFT + plot_w * m / months

    def y(v: float) -> float:
        return MARGIN_TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="schakel-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%" '
        f'viewBox="0 0 {CURVE_WIDTH} {height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for step in range(6):  # horizontal grid with percentage labels
        value = top * step / 5
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{CURVE_WIDTH - MARGIN_RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#ccc" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="12">{escape(_percent(value))}</text>'
        )
    parts.append(
        f'<text x="{MARGIN_LEFT + plot_w / 2:.1f}" y="{CURVE_HEIGHT - MARGIN_BOTTOM + 34}" '
        f'text-anchor="middle" font-size="12">{escape(axis_label)}</text>'
    )
    for tick in (0, 3, 6, 12, 24):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{CURVE_HEIGHT - MARGIN_BOTTOM + 16}" '
            f'text-anchor="middle" font-size="12">{tick}</text>'
        )
    for number, curve in enumerate(curves):
        colour = COLOURS[number % len(COLOURS)]
        for segment in _segments(curve.points):
            band = [(x(p.months), y(p.upper if p.upper is not None else p.estimate or 0.0))
                    for p in segment]  # fmt: skip
            band += [(x(p.months), y(p.lower if p.lower is not None else p.estimate or 0.0))
                     for p in reversed(segment)]  # fmt: skip
            if len(segment) > 1:
                parts.append(
                    f'<polygon points="{_coords(band)}" fill="{colour}" fill-opacity="0.15" '
                    'stroke="none"/>'
                )
                line = [(x(p.months), y(p.estimate or 0.0)) for p in segment]
                parts.append(
                    f'<polyline points="{_coords(line)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
        for point in curve.points:
            if point.estimate is None or point.months == 0:
                continue
            parts.append(
                f'<circle class="schakel-chart__point" cx="{x(point.months):.1f}" '
                f'cy="{y(point.estimate):.1f}" r="3.5" fill="{colour}" '
                f'data-label="{escape(curve.label)}" data-months="{point.months}" '
                f'data-value="{point.estimate:g}"><title>{escape(curve.label)}, '
                f"{point.months}: {escape(point.text)}</title></circle>"
            )
        legend_y = CURVE_HEIGHT + number * LEGEND_ROW + 4
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + 24}" y1="{legend_y + 5}" '
            f'y2="{legend_y + 5}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{MARGIN_LEFT + 30}" y="{legend_y + 9}" font-size="12">'
            f"{escape(curve.label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


def _segments(points: Sequence[Point]) -> list[list[Point]]:
    """Runs of consecutive published points, starting at 0 at exit."""
    runs: list[list[Point]] = [[Point(0, 0.0, 0.0, 0.0, "0")]]
    for point in points:
        if point.estimate is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _coords(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in points)


def _nice_ceiling(value: float) -> float:
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if value <= step:
            return step
    return 1.0


def _percent(value: float) -> str:
    return f"{number_format(100 * value, 0)}\u00a0%"
