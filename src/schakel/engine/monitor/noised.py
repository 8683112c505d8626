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
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class NoisedFigures:
    """The noisy histogram by form and what it costs; `figures` per (form, horizon)."""

    private: PrivateRelease
    figures: dict[tuple[str, int], dict[str, Any]]

    def budget(self) -> dict[str, Any]:
        entry = self.private.entry
        return {
            "epsilon": entry.epsilon,
            "mechanism": entry.mechanism,
            "sensitivity": entry.sensitivity,
            "scale": entry.scale,
            "noise_sd": round(float(np.sqrt(self.private.noise_variance)), 2),
        }


def noised_figures(
    episodes: pd.DataFrame,
    *,
    epsilon: float = EPSILON,
    release_id: str = "monitor",
    ledger: EpsilonLedger | None = None,
) -> NoisedFigures:
    """Noisy returns and cumulative incidence by 12 and 24 months per form (all episodes of
    the labelled data, one histogram)."""
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
    return NoisedFigures(private, figures)


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
