"""The monitor's protected tables for one selection, from prepared data and without Django.

The web pages (`schakel.web.monitor.tables`) add labels and plain-language readings to these;
`benchmarks/monitor_refresh.py` runs them on a synthetic log of a million episodes. Every
count passes the disclosure control here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from schakel.engine.disclosure import (
    DEFAULT_K,
    TOTAL,
    Quantities,
    Status,
    cumulative_incidence_table,
    protect_tables,
    suppress,
)
from schakel.engine.flow_paths import FLOW_STAGES, PathIndex
from schakel.engine.flows import FlowTables, flow_tables_for
from schakel.engine.monitor.selection import EpisodeIndex, Filters
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


@dataclass(frozen=True)
class MonitorTables:
    """One selection's tables, unlabelled; every frame is publishable as it is."""

    funnel: pd.DataFrame  # stage, trajectories (<NA> when suppressed), status
    incidence: pd.DataFrame  # INCIDENCE_COLUMNS, `level` the raw stratum level or TOTAL
    hazards: HazardFit
    lost_to_follow_up: tuple[object, object]  # (lost, all exited episodes), <NA> if hidden
    episodes: int | None  # episodes in the selection, None below k
    flows: FlowTables


def monitor_tables(
    episodes: EpisodeIndex,
    paths: PathIndex,
    filters: Filters,
    *,
    stratum: str = "form",
    k: int = DEFAULT_K,
    top: int | None = 15,
    funnel: pd.DataFrame | None = None,
) -> MonitorTables:
    """All tables of one selection; `funnel` gives the funnel's base cells when they come from
    elsewhere (the database), else they are counted from the paths.

    Counts are protected for this selection alone. Publishing several overlapping selections
    (as the monitor pages do) needs one release over all of them
    (`schakel.engine.disclosure.protect_selections`, ADR 0006), or differences between two
    selections can reveal a suppressed count."""
    chosen = episodes.select(filters)
    selected = paths.select(form=filters.form, region=filters.region, cohort=filters.cohort)
    cells = funnel_cells_from_paths(paths, selected) if funnel is None else funnel
    return MonitorTables(
        funnel=protect_funnel(cells, k),
        incidence=incidence_levels(chosen, stratum, k),
        hazards=fit_hazards(chosen, k),
        lost_to_follow_up=lost_to_follow_up(chosen, k),
        episodes=len(chosen) if len(chosen) >= k else None,
        flows=flow_tables_for(paths, selected, k=k, top=top),
    )


def protect_funnel(cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """Each stage count is the sum of the base cells (combinations of stages) that include it;
    suppression with the linear audit makes sure no suppressed count follows from the others.
    """
    values, members = [], []
    counts = cells["count"].to_numpy() if len(cells) else np.zeros(0, dtype=np.int64)
    for stage in FUNNEL_STAGES:
        inside = np.flatnonzero(cells[stage.value].to_numpy()) if len(cells) else np.array([])
        values.append(int(counts[inside].sum()) if inside.size else 0)
        members.append(inside.astype(np.int64))
    published: list[int | None] = [None] * len(values)
    statuses = ["primary"] * len(values)
    usable = [i for i, m in enumerate(members) if m.size]
    if usable:
        quantities = Quantities(
            values=np.array([values[i] for i in usable], dtype=np.int64),
            members=tuple(members[i] for i in usable),
            table=np.arange(len(usable)),
            base_cells=len(cells),
        )
        status = suppress(quantities, k=k).status
        for position, index in enumerate(usable):
            statuses[index] = Status(int(status[position])).name.lower()
            if status[position] == Status.PUBLISHED:
                published[index] = values[index]
    return pd.DataFrame(
        {
            "stage": [s.value for s in FUNNEL_STAGES],
            "trajectories": pd.array(published, dtype="Int64"),
            "status": statuses,
        }
    )


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


def incidence_levels(episodes: pd.DataFrame, stratum: str, k: int) -> pd.DataFrame:
    """Cumulative incidence of return at 3/6/12/24 months per level of `stratum`, protected."""
    if len(episodes) == 0 or stratum not in episodes.columns:
        return pd.DataFrame(columns=INCIDENCE_COLUMNS)
    table = cumulative_incidence_table(episodes, by=stratum, k=k).frame
    table = table.rename(columns={stratum: "level"})
    table["status"] = table["status"].astype(str)
    return table[INCIDENCE_COLUMNS]


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
    data = episodes[["days", "exit_type", "person_id", *covariates]].copy()
    data[list(covariates)] = data[list(covariates)].astype(float)
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


def lost_to_follow_up(episodes: pd.DataFrame, k: int) -> tuple[object, object]:
    """Exited episodes lost to follow-up and all exited episodes, protected together with a
    threshold on persons (<NA> when suppressed or when there are none)."""
    if len(episodes) == 0:
        return pd.NA, pd.NA
    lost = episodes["lost_to_follow_up"].to_numpy(dtype=bool)
    data = pd.DataFrame(
        {"lost": np.where(lost, "True", "False"), "person_id": episodes["person_id"].to_numpy()}
    )
    frame = protect_tables(data, tables=[("lost",), ()], person="person_id", k=k).frame
    total = frame.loc[frame["lost"] == TOTAL, "published"].iloc[0]
    hits = frame.loc[frame["lost"] == "True", "published"]
    return (hits.iloc[0] if len(hits) else pd.NA), total
