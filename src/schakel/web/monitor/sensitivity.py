"""Loss to follow-up sensitivity: the cumulative incidence of return at the horizons when the
people who were lost are censored (standard), weighted for (IPCW), or counted as not returned
and as returned (the bounds). Counts come from the consistent release; estimates are shown
only when every count behind them is published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from schakel.engine.disclosure import HORIZON_MONTHS, horizon_days
from schakel.engine.survival import loss_sensitivity
from schakel.web.monitor.data import Filters
from schakel.web.monitor.release import MonitorRelease, censoring_risk, counts

ESTIMATES = ("standard", "ipcw", "best_case", "worst_case")
COLUMNS = [
    "horizon_months",
    "episodes",
    "episodes_status",
    "returns",
    "returns_status",
    "lost",
    "lost_status",
    *ESTIMATES,
]
DECIMALS = 3


def sensitivity_table(
    episodes: pd.DataFrame, release: MonitorRelease, filters: Filters
) -> pd.DataFrame:
    """Counts from the release (each with its status) and the four estimates, shown only
    when every count behind them is published."""
    measures = [
        "episodes",
        *(f"returns_{m}" for m in HORIZON_MONTHS),
        *(f"lost_{m}" for m in HORIZON_MONTHS),
    ]
    published = counts(release.episodes, filters, measures)
    estimates = _estimates(episodes, release)
    rows = []
    for j, months in enumerate(HORIZON_MONTHS):
        cells = {
            name: published.loc[measure]
            for name, measure in (
                ("episodes", "episodes"),
                ("returns", f"returns_{months}"),
                ("lost", f"lost_{months}"),
            )
        }
        shown = {name: cell["status"] == "published" for name, cell in cells.items()}
        row: dict[str, object] = {"horizon_months": months}
        for name, cell in cells.items():
            row[name] = cell["published"]
            row[f"{name}_status"] = cell["status"]
        for name in ESTIMATES:
            needed = ("episodes", "returns") if name == "standard" else tuple(shown)
            value = float(estimates[name][j])
            visible = all(shown[n] for n in needed) and np.isfinite(value)
            row[name] = round(value, DECIMALS) if visible else np.nan
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    for name in ("episodes", "returns", "lost"):
        table[name] = pd.array(table[name], dtype="Int64")
    return table


def _estimates(episodes: pd.DataFrame, release: MonitorRelease) -> dict[str, np.ndarray]:
    if len(episodes) == 0:
        return {name: np.full(len(HORIZON_MONTHS), np.nan) for name in ESTIMATES}
    table = loss_sensitivity(
        episodes["days"].to_numpy(dtype=float),
        episodes["exit_type"].to_numpy(dtype=int),
        episodes["lost_to_follow_up"].astype(bool).to_numpy(),
        horizons=[horizon_days(m) for m in HORIZON_MONTHS],
        risk=censoring_risk(release.censoring, episodes),
        model=release.censoring,
    )
    return {name: table[name].to_numpy() for name in ESTIMATES}


def reading(table: pd.DataFrame) -> str:
    """What the table says, at the longest horizon where every estimate is shown."""
    complete = table.dropna(subset=list(ESTIMATES))
    if len(complete) == 0:
        return _(
            "Too few people were lost to follow-up, or returned, in this selection to show "
            "how much the loss could change the estimate."
        )
    row = complete.iloc[-1]
    values = {
        "months": int(row["horizon_months"]),
        **{name: f"{100 * float(row[name]):.1f}%" for name in ESTIMATES},
    }
    return (
        _(
            "Within %(months)s months, %(standard)s returned by the standard estimate, which "
            "assumes that people who were lost to follow-up return as often as comparable "
            "people who stayed in contact. Weighting for who was lost (form, region, age "
            "group, placement and number of interventions) gives %(ipcw)s. If nobody who was "
            "lost had returned it would be %(best_case)s; if everyone who was lost had "
            "returned at the moment contact was lost, %(worst_case)s. The true share lies "
            "between these two bounds."
        )
        % values
    )
