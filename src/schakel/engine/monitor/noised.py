"""Noised headline figures where exact protection has to hide them (ADR 0021).

Per form of exploitation the returns between 12 and 24 months are often a group below k (on
the synthetic region: 7 or 8 per form). Publishing the returns by 12 and by 24 months exactly
would reveal that group, so the exact release hides one of the two, whatever the priority.
For those cells a release publishes instead a noised figure with a published privacy
budget: one differentially private histogram (form x exit interval x exit type, OpenDP's
discrete Laplace mechanism, `release_histogram`), from which the noisy number of returns by
each horizon and an actuarial cumulative incidence (`life_table`) follow by post-processing
at no extra privacy cost. A noised figure is never combined with the exact counts in the
linear audit: it is not a sum of base cells but a sum plus noise, protected by epsilon.

Only forms with at least `MIN_EPISODES` published exit episodes get a noised figure (below
that the noise would swamp the figure), and only at the headline horizons (12 and 24 months).

The noise is drawn once per calendar quarter (ADR 0031): every release of that quarter
republishes the same noisy figures (`noised_for_release`). A fresh draw in every release (the
job runs after writes, at most every 15 minutes) would let anyone average the releases of a
quarter and recover the exact counts; now the budget is spent once per quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure import (
    HORIZON_MONTHS,
    EpsilonLedger,
    PrivateRelease,
    life_table,
    release_histogram,
)
from schakel.engine.disclosure.privacy import INTERVAL_LABELS
from schakel.engine.monitor.release import MonitorRelease, selection_levels
from schakel.engine.monitor.selection import NONE, Filters
from schakel.engine.vocabulary import ExploitationForm

EPSILON = 1.0
"""Privacy budget of one release's noised figures (one histogram: every episode is in one
cell, so the whole table by form costs this once)."""
MAX_EPISODES_PER_PERSON = 2
"""Contribution bound: a person's episodes after the second (by exit date) are left out of the
noised histogram; the sensitivity is 2."""
MIN_EPISODES = 200
NOISED_HORIZONS = (12, 24)
DRAWS_PER_YEAR = 4
"""One draw per calendar quarter: the budget per person and year is `DRAWS_PER_YEAR` x epsilon."""


def draw_period(day: dt.date) -> str:
    """The quarter whose releases share one draw of the noise ("2026-Q4")."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class NoisedFigures:
    """The noisy figures of one draw: per (form, horizon), what the draw cost, and its quarter.
    `private` (the histogram itself) only in the release that drew it."""

    figures: dict[tuple[str, int], dict[str, Any]]
    cost: dict[str, Any]  # epsilon, mechanism, sensitivity, scale, noise_sd
    period: str
    private: PrivateRelease | None = None

    def budget(self) -> dict[str, Any]:
        return {
            **self.cost,
            "period": self.period,
            "epsilon_per_year": round(float(self.cost["epsilon"]) * DRAWS_PER_YEAR, 6),
        }

    def to_json(self) -> dict[str, Any]:
        """What a release stores, so that the next release of the quarter republishes it."""
        figures = [[form, months, figure] for (form, months), figure in self.figures.items()]
        return {"period": self.period, "cost": dict(self.cost), "figures": figures}

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> NoisedFigures:
        figures = {(str(form), int(months)): dict(fig) for form, months, fig in stored["figures"]}
        return cls(figures=figures, cost=dict(stored["cost"]), period=str(stored["period"]))


def noised_for_release(
    episodes: pd.DataFrame,
    *,
    as_of: dt.date,
    previous: Mapping[str, Any] | None,
    epsilon: float = EPSILON,
) -> NoisedFigures:
    """The noised figures a release publishes: the previous release's draw while it is of the
    same quarter and budget (republished unchanged, at no further cost), else a new draw."""
    period = draw_period(as_of)
    if (
        previous
        and previous.get("period") == period
        and float(previous.get("cost", {}).get("epsilon", -1)) == epsilon
    ):
        return NoisedFigures.from_json(previous)
    return noised_figures(episodes, epsilon=epsilon, period=period)


def noised_figures(
    episodes: pd.DataFrame,
    *,
    epsilon: float = EPSILON,
    release_id: str = "monitor",
    ledger: EpsilonLedger | None = None,
    period: str | None = None,
) -> NoisedFigures:
    """Noisy returns and cumulative incidence by 12 and 24 months per form (all episodes of
    the labelled data, one histogram); a new draw, for `period` (default: this quarter)."""
    forms = [f.value for f in ExploitationForm] + [NONE]
    data = episodes[["person_id", "exit_date", "days", "exit_type"]].copy()
    data["form"] = pd.Categorical(episodes["form"].astype(str), categories=forms)
    private = release_histogram(
        data,
        strata=["form"],
        epsilon=epsilon,
        ledger=ledger or EpsilonLedger(total_budget=epsilon),
        release_id=release_id,
        covers="exit interval x exit type x form of exploitation",
        max_episodes_per_person=MAX_EPISODES_PER_PERSON,
        order_by="exit_date",
    )
    table = life_table(private, by=["form"])
    histogram = private.histogram
    returns = histogram[histogram["exit_type"] == 1]
    figures: dict[tuple[str, int], dict[str, Any]] = {}
    for months in NOISED_HORIZONS:
        position = HORIZON_MONTHS.index(months)
        upto = list(INTERVAL_LABELS[: position + 1])
        counts = (
            returns[returns["exit_interval"].isin(upto)]
            .groupby("form", observed=False)["noisy_count"]
            .sum()
        )
        incidence = table[table["exit_interval"] == INTERVAL_LABELS[position]].set_index("form")
        for form in forms:
            figures[(form, months)] = {
                "events": max(int(counts.get(form, 0)), 0),
                "estimate": round(float(incidence.loc[form, "cumulative_incidence"]), 3),
            }
    entry = private.entry
    cost = {
        "epsilon": entry.epsilon,
        "mechanism": entry.mechanism,
        "sensitivity": entry.sensitivity,
        "scale": entry.scale,
        "noise_sd": round(float(np.sqrt(private.noise_variance)), 2),
    }
    return NoisedFigures(figures, cost, period or draw_period(dt.date.today()), private=private)


def noised_rows(
    noised: NoisedFigures | None,
    release: MonitorRelease,
    filters: Filters,
    incidence: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Noised figures for the rows of a selection's table by form whose return count at 12
    or 24 months the exact release hides, for forms with at least MIN_EPISODES published
    episodes. Only selections without a region or cohort filter (the histogram is national)."""
    if noised is None or release.episodes is None or filters.region or filters.cohort:
        return []
    rows = []
    for row in incidence:
        level = filters.form if row["level"] == "Total" and filters.form else row["level"]
        months = int(row["horizon_months"])
        if months not in NOISED_HORIZONS or row["events"] is not None or level == "Total":
            continue
        levels = {**selection_levels(filters), "form": level}
        episodes = release.episodes.selection(**levels).loc["episodes", "published"]
        if pd.isna(episodes) or int(episodes) < MIN_EPISODES:
            continue
        figure = noised.figures.get((str(level), months))
        if figure is not None:
            rows.append({"level": row["level"], "horizon_months": months, **figure})
    return rows
