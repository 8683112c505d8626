"""Recurrent episodes as (start, stop] intervals per person, for Andersen-Gill and PWP.

The clock is the person's time since their first exit; only time after an exit is at risk of a
return (time back in care is a gap), so episode k covers (exit_k, end_k] on that clock. An
episode that ended on the day of its exit (left the Netherlands or died at exit) has no time
at risk and no interval. `event` is 1 for a return to exploitation; every other ending closes
the interval as censored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schakel.engine.errors import SchakelError

INTERVAL_COLUMNS = ("person_id", "episode_no", "start", "stop", "event")
REQUIRED = ("person_id", "episode_no", "exit_date", "days", "exit_type")


def recurrent_intervals(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per episode with time at risk: the episode's columns plus start, stop, event."""
    missing = [c for c in REQUIRED if c not in episodes.columns]
    if missing:
        raise SchakelError(f"episodes lack column(s) {', '.join(missing)}")
    exit_day = episodes["exit_date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    first_exit = (
        pd.Series(exit_day, index=episodes.index)
        .groupby(episodes["person_id"].to_numpy(), sort=False)
        .transform("min")
        .to_numpy(dtype=np.int64)
    )
    keep = episodes["days"].to_numpy() > 0
    at_risk = episodes.loc[keep].reset_index(drop=True)
    start = (exit_day - first_exit)[keep]
    at_risk.insert(2, "start", start)
    at_risk.insert(3, "stop", start + at_risk["days"].to_numpy(dtype=np.int64))
    at_risk.insert(4, "event", (at_risk["exit_type"].to_numpy() == 1).astype(np.int8))
    return at_risk
