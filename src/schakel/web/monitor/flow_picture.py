"""The paths through care as a flow picture (Sankey-like), drawn on the server from the
published steps between stages only.

The stages run top to bottom (a phone is narrow, and seven columns of labels do not fit it):
each stage is a bar as wide as the trajectories that reached it (the published funnel count,
or the published steps in and out of it when that count is hidden), and each published step
is a band from one stage to the next stage the trajectories reached, as wide as its
trajectories. A step taken by fewer than k persons is not drawn; the table beside the picture
has every step and says why one is hidden. What a stage's bar holds beyond its bands are the
trajectories that stopped there or took a hidden step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from schakel.engine.flow_paths import STAGE_NAMES
from schakel.web.monitor.charts import COLOURS, LINE, svg_open
from schakel.web.monitor.publish import FLOW_STAGE_LABELS, Formatter, hidden_reason
from schakel.web.monitor.tables import Monitor

STAGES = tuple(STAGE_NAMES.values())  # signal ... follow_up, in the order of the funnel
NODE = 12  # px: a stage's bar
GAP = 46  # px between a stage's bar and the next stage's label
ROW = LINE + NODE + GAP
WIDE = 96.0  # percent of the width the widest stage takes


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    trajectories: int


def published_steps(monitor: Monitor) -> list[Step]:
    """The steps between stages whose counts are published, in stage order."""
    steps = [
        Step(str(r.source), str(r.target), int(r.trajectories))
        for r in monitor.flows.edges.itertuples()
        if r.status == "published"
        and not pd.isna(r.trajectories)
        and str(r.source) in STAGES
        and str(r.target) in STAGES
    ]
    return sorted(steps, key=lambda s: (STAGES.index(s.source), STAGES.index(s.target)))


def _reached(monitor: Monitor) -> dict[str, int]:
    """The published funnel count per stage (a hidden one is left out)."""
    return {
        STAGE_NAMES.get(str(r.stage), str(r.stage)): int(r.trajectories)
        for r in monitor.funnel.itertuples()
        if not pd.isna(r.trajectories)
    }


def _stage_sizes(reached: dict[str, int], steps: Sequence[Step]) -> dict[str, int]:
    """Per stage the width of its bar: the published funnel count, at least its steps."""
    sizes = {}
    for stage in STAGES:
        inflow = sum(s.trajectories for s in steps if s.target == stage)
        outflow = sum(s.trajectories for s in steps if s.source == stage)
        sizes[stage] = max(reached.get(stage, 0), inflow, outflow)
    return sizes


def _hidden(monitor: Monitor) -> dict[str, str]:
    """Per stage whose funnel count is hidden, its mark in the funnel table ("\u2013a")."""
    fmt = Formatter(monitor.k, display=True)
    return {
        STAGE_NAMES.get(str(r.stage), str(r.stage)): fmt.hidden(hidden_reason(str(r.status))).mark
        for r in monitor.funnel.itertuples()
        if pd.isna(r.trajectories)
    }


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _label(stage: str) -> str:
    return str(FLOW_STAGE_LABELS.get(stage, stage))


def flow_chart(monitor: Monitor) -> SafeString | None:
    """The flow picture, or None when no step is published (the table says why)."""
    steps = published_steps(monitor)
    if not steps:
        return None
    reached = _reached(monitor)
    hidden = _hidden(monitor)
    sizes = _stage_sizes(reached, steps)
    widest = max(sizes.values()) or 1
    stages = [s for s in STAGES if sizes[s] > 0]
    top = {stage: number * ROW + LINE for number, stage in enumerate(stages)}
    height = len(stages) * ROW - GAP + 4

    def width(count: int) -> float:
        return WIDE * count / widest

    description = _(
        "Flow picture from top to bottom through the stages of care. Each bar is a stage, as "
        "wide as the trajectories that reached it; each band is a step to the next stage "
        "reached, as wide as the trajectories that took it: %(steps)s. Steps taken by fewer "
        "than %(k)s persons are not drawn; the table beside it has every step."
    ) % {
        "steps": "; ".join(
            _("%(source)s to %(target)s %(n)s")
            % {"source": _label(s.source), "target": _label(s.target), "n": _count(s.trajectories)}
            for s in steps
        ),
        "k": monitor.k,
    }
    parts = [svg_open("flow-chart", _("Flow through the stages of care"), description, height)]
    # the bands first, in a plot area stretched to the width (x in percent, y in pixels)
    parts.append(
        f'<svg x="0" y="0" width="100%" height="{height}" viewBox="0 0 100 {height}" '
        'preserveAspectRatio="none" overflow="visible">'
    )
    out_at = dict.fromkeys(stages, 0.0)
    in_at = dict.fromkeys(stages, 0.0)
    for step in steps:
        band = width(step.trajectories)
        x0, x1 = out_at[step.source], in_at[step.target]
        out_at[step.source] += band
        in_at[step.target] += band
        y0, y1 = top[step.source] + NODE, top[step.target]
        middle = (y0 + y1) / 2
        words = _("%(source)s to %(target)s: %(n)s trajectories") % {
            "source": _label(step.source),
            "target": _label(step.target),
            "n": _count(step.trajectories),
        }
        skip = STAGES.index(step.target) - STAGES.index(step.source) > 1
        parts.append(
            f'<path class="schakel-flow__band" d="M{x0:.2f},{y0} C{x0:.2f},{middle:.1f} '
            f"{x1:.2f},{middle:.1f} {x1:.2f},{y1} H{x1 + band:.2f} C{x1 + band:.2f},{middle:.1f} "
            f'{x0 + band:.2f},{middle:.1f} {x0 + band:.2f},{y0} Z" '
            f'fill="{COLOURS[3] if skip else COLOURS[0]}" fill-opacity="0.3" '
            f'stroke="#fff" stroke-width="1" vector-effect="non-scaling-stroke" '
            f'data-source="{escape(step.source)}" data-target="{escape(step.target)}" '
            f'data-value="{step.trajectories}"><title>{escape(words)}</title></path>'
        )
    for stage in stages:
        parts.append(
            f'<rect class="schakel-flow__stage" x="0" y="{top[stage]}" '
            f'width="{max(width(sizes[stage]), 0.3):.2f}" height="{NODE}" fill="{COLOURS[0]}" '
            f'data-stage="{escape(stage)}" data-value="{sizes[stage]}"/>'
        )
    parts.append("</svg>")
    for stage in stages:
        count = _count(reached[stage]) if stage in reached else hidden.get(stage, "\u2013")
        # a white halo keeps the label readable where a band passes behind it
        parts.append(
            f'<text x="0" y="{top[stage] - 5}" stroke="#fff" stroke-width="4" '
            f'paint-order="stroke" stroke-linejoin="round">{escape(_label(stage))}: '
            f"{escape(count)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and text is escaped above)


def flow_keys() -> dict[str, SafeString]:
    """Swatches for the HTML legend: a step to the next stage, a step that skips one."""
    return {
        name: mark_safe(  # noqa: S308  (no user text)
            '<svg class="schakel-legend__key" aria-hidden="true" width="28" height="16">'
            f'<rect width="28" height="16" fill="{colour}" fill-opacity="0.3"/></svg>'
        )
        for name, colour in (("next", COLOURS[0]), ("skip", COLOURS[3]))
    }
