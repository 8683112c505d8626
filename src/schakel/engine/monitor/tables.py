"""Pieces of the monitor's tables that need no release: the funnel's base cells counted from
the paths, and the Cox fit of return on the interventions. The published tables themselves
are computed by `schakel.engine.monitor.published` over one release of all selections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from schakel.engine.flow_paths import FLOW_STAGES, PathIndex
from schakel.engine.survival import HazardModel, SurvivalDataError, cause_specific_cox
from schakel.engine.vocabulary import InterventionType

FUNNEL_STAGES = FLOW_STAGES
INCIDENCE_COLUMNS = [
    "level",
    "horizon_months",
    "episodes",
    "events",
    "estimate",
    "lower",
    "upper",
    "status",
]
MIN_EVENTS_PER_COVARIATE = 10
INTERVENTIONS = tuple(f"intervention_{t.value}" for t in InterventionType)


@dataclass(frozen=True)
class HazardFit:
    """The Cox model for return on the interventions that have enough data, or why not.

    `model` is None with `error` None when there are too few returns or people per group,
    and with `error` set when the fit failed.
    """

    covariates: tuple[str, ...]
    model: HazardModel | None
    error: str | None = None


def funnel_cells_from_paths(
    paths: PathIndex, selected: npt.NDArray[np.bool_] | None = None
) -> pd.DataFrame:
    """Trajectories per combination of stages reached, as the database query gives them: one
    boolean column per stage and `count`, ordered by the stage columns."""
    bits = paths.stages if selected is None else paths.stages[selected]
    counts = np.bincount(bits, minlength=1 << len(FUNNEL_STAGES))
    present = np.flatnonzero(counts)
    flags = [(present >> i) & 1 for i in range(len(FUNNEL_STAGES))]
    key = sum(flag << (len(flags) - 1 - i) for i, flag in enumerate(flags))
    order = np.argsort(key, kind="stable")
    frame = pd.DataFrame(
        {s.value: flags[i][order].astype(bool) for i, s in enumerate(FUNNEL_STAGES)}
    )
    frame["count"] = counts[present][order].astype(np.int64)
    return frame


def fit_hazards(episodes: pd.DataFrame, k: int) -> HazardFit:
    """Cause-specific Cox for return on the interventions received, with the Lin-Wei variance
    by person; an intervention enters when at least k people, and k returns, are found both
    with and without it, and the model needs 10 returns per covariate."""
    names = [n for n in INTERVENTIONS if n in episodes.columns]
    returns = (episodes["exit_type"] == 1).to_numpy() if len(episodes) else np.zeros(0, bool)
    received = episodes[names].to_numpy(dtype=bool).reshape(len(episodes), len(names))
    people = np.stack([received.sum(axis=0), (~received).sum(axis=0)])
    returned = np.stack([(received & returns[:, None]).sum(axis=0),
                         (~received & returns[:, None]).sum(axis=0)])  # fmt: skip
    enough = np.flatnonzero(((people >= k) & (returned >= k)).all(axis=0))
    covariates = tuple(names[i] for i in enough)
    events = int(returns.sum())
    if not covariates or events < max(k, MIN_EVENTS_PER_COVARIATE * len(covariates)):
        return HazardFit(covariates, None)
    # the covariates stay boolean: the design matrix reads them as 0.0 and 1.0
    data = episodes[["days", "exit_type", "person_id", *covariates]]
    try:
        model = cause_specific_cox(
            data,
            duration="days",
            event="exit_type",
            covariates=covariates,
            cluster="person_id",
            engine="schakel",
        )
    except SurvivalDataError as error:
        return HazardFit(covariates, None, str(error))
    return HazardFit(covariates, model)
