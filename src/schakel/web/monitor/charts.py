"""Accessible charts as inline SVG, drawn on the server from the protected tables.

The table beside each chart is the source of truth; every SVG has role="img", a title and a
description, and every bar or point carries its value in `data-value` (a test compares the
two). The outer SVG has no viewBox: text is drawn at the page's size (14 px and up, set in
schakel.css) at any width, and positions along the width are percentages, so nothing is
scaled down or cut off on a phone. Only the plot area inside (lines, bands) is stretched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 14  # px; the CSS sets the same (the attribute is for files opened without the CSS)
LINE = 20  # px per line of text
BAR_HEIGHT = 20
BAR_ROOM = 78  # percent of the width the longest bar takes; the rest holds its value
INK = "#1b1b1b"
COLOURS = ("#154273", "#a90061", "#39870c", "#8f4a9e", "#b34700", "#595959")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or not estimable, drawn as no bar
    text: str


def svg_open(chart_id: str, title: str, description: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="schakel-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%" height="{height:.0f}" '
        f'font-size="{FONT}" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def text(x: str, y: float, content: str, *, anchor: str = "start", css: str = "") -> str:
    """A text at `x` (a percentage or pixels) and baseline `y` (pixels)."""
    extra = f' class="{css}"' if css else ""
    return f'<text x="{x}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, each with its label on the line above it and its value after it, so
    a long label never has to share the width with the bar."""
    top = max((b.value or 0.0) for b in bars) if bars else 0.0
    row = LINE + BAR_HEIGHT + 10
    parts = [svg_open(chart_id, title, description, len(bars) * row + 4)]
    for number, bar in enumerate(bars):
        y = number * row
        parts.append(text("0", y + FONT + 1, bar.label))
        bar_y = y + LINE + 2
        middle = bar_y + BAR_HEIGHT / 2 + FONT / 3
        end = 0.0
        if bar.value is not None and top > 0:
            end = max(BAR_ROOM * bar.value / top, 0.3)
            parts.append(
                f'<rect class="schakel-chart__bar" x="0" y="{bar_y}" width="{end:.2f}%" '
                f'height="{BAR_HEIGHT}" fill="{COLOURS[0]}" data-label="{escape(bar.label)}" '
                f'data-value="{bar.value:g}"><title>{escape(bar.label)}: {escape(bar.text)}'
                "</title></rect>"
            )
        parts.append(text(f"{end + 1:.2f}%", middle, bar.text))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


@dataclass(frozen=True)
class Segment:
    """A part of a stacked bar: `key` picks its colour and pattern (CSS and legend)."""

    key: str
    label: str
    value: int
    text: str


@dataclass(frozen=True)
class StackedBar:
    label: str
    total: int | None  # None: the bar's total is hidden (`text` says why)
    segments: Sequence[Segment]
    text: str = ""


SEGMENT_FILLS = {
    "returned": COLOURS[1],
    "lost": "url(#{id}-hatch)",
    "rest": COLOURS[0],
    "hidden": "url(#{id}-dots)",
}


def stacked_chart(
    chart_id: str, title: str, description: str, bars: Sequence[StackedBar]
) -> SafeString:
    """One full-width bar per row, split into segments in proportion to their counts; a
    hatched or dotted pattern as well as a colour tells the segments apart."""
    row = LINE + BAR_HEIGHT + 12
    parts = [svg_open(chart_id, title, description, len(bars) * row + 4), _patterns(chart_id)]
    for number, bar in enumerate(bars):
        y = number * row
        parts.append(text("0", y + FONT + 1, bar.label))
        bar_y = y + LINE + 2
        if not bar.total:
            parts.append(text("0", bar_y + BAR_HEIGHT / 2 + FONT / 3, bar.text))
            continue
        start = 0.0
        for segment in bar.segments:
            width = 100 * segment.value / bar.total
            fill = SEGMENT_FILLS[segment.key].format(id=chart_id)
            value = "" if segment.key == "hidden" else f' data-value="{segment.value}"'
            parts.append(
                f'<rect class="schakel-chart__segment schakel-chart__segment--{segment.key}" '
                f'x="{start:.2f}%" y="{bar_y}" width="{width:.2f}%" height="{BAR_HEIGHT}" '
                f'fill="{fill}" stroke="#fff" stroke-width="1" '
                f'data-label="{escape(bar.label)}: {escape(segment.label)}"{value}>'
                f"<title>{escape(segment.label)}: {escape(segment.text)}</title></rect>"
            )
            start += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


def _patterns(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{COLOURS[5]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{chart_id}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff" stroke="{COLOURS[5]}" stroke-width="1"/>'
        f'<circle cx="3" cy="3" r="1.5" fill="{COLOURS[5]}"/></pattern></defs>'
    )


def legend_key(key: str) -> SafeString:
    """A small swatch for an HTML legend, with the segment's colour and pattern."""
    fill = SEGMENT_FILLS[key].format(id=f"key-{key}")
    return mark_safe(  # noqa: S308  (no user text)
        f'<svg class="schakel-legend__key" aria-hidden="true" width="28" height="16">'
        f'{_patterns(f"key-{key}")}<rect width="28" height="16" fill="{fill}"/></svg>'
    )


def percent(value: float, decimals: int | None = None) -> str:
    """0.025 -> "2,5 %" (Dutch) or "2.5 %" (English); whole percentages without decimals."""
    share = 100 * value
    if decimals is None:
        decimals = 0 if abs(share - round(share)) < 1e-9 else 1
    return f"{number_format(share, decimals)}\u00a0%"
