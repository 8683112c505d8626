"""Loss to follow-up sensitivity: the cumulative incidence of return at the horizons when the
people who were lost are censored (standard), weighted for (IPCW), or counted as not returned
and as returned (the bounds). Counts come from the consistent release; estimates are shown
only when every count behind them is published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schakel.engine.disclosure import HORIZON_MONTHS, horizon_days
from schakel.engine.monitor.release import MonitorRelease, censoring_risk, counts
from schakel.engine.monitor.selection import Filters
from schakel.engine.survival import loss_sensitivity

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
    episodes: pd.DataFrame,
    release: MonitorRelease,
    filters: Filters,
    *,
    risk: np.ndarray | None = None,
) -> pd.DataFrame:
    """Counts from the release (each with its status) and the four estimates, shown only
    when every count behind them is published. `risk`: the censoring model's risk score of
    each of `episodes` (a release computes it once for all episodes)."""
    measures = [
        "episodes",
        *(f"returns_{m}" for m in HORIZON_MONTHS),
        *(f"lost_{m}" for m in HORIZON_MONTHS),
    ]
    published = counts(release.episodes, filters, measures)
    estimates = _estimates(episodes, release, risk)
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


def _estimates(
    episodes: pd.DataFrame, release: MonitorRelease, risk: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    if len(episodes) == 0:
        return {name: np.full(len(HORIZON_MONTHS), np.nan) for name in ESTIMATES}
    table = loss_sensitivity(
        episodes["days"].to_numpy(dtype=float),
        episodes["exit_type"].to_numpy(dtype=int),
        episodes["lost_to_follow_up"].astype(bool).to_numpy(),
        horizons=[horizon_days(m) for m in HORIZON_MONTHS],
        risk=censoring_risk(release.censoring, episodes) if risk is None else risk,
        model=release.censoring,
    )
    return {name: table[name].to_numpy() for name in ESTIMATES}
