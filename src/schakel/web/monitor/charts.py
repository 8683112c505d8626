"""Accessible bar charts as inline SVG, drawn on the server from the protected tables.

The table beside each chart is the source of truth; the SVG has role="img", a title and a
description, and every bar carries its value in `data-value` (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
