"""The monitor's consistent release: the counts of every filter selection protected together.

Built once per data version (with the episodes, see `data.monitor_data`) and cached; a
filter change only looks its selection up. See docs/adr/0006-one-release-for-all-filter-
selections.md for what is protected this way and what is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from schakel.engine.disclosure import (
    HORIZON_MONTHS,
    TOTAL,
    SelectionRelease,
    Status,
    horizon_days,
    protect_selections,
)
from schakel.engine.survival import CensoringModel, fit_censoring_model
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import ExploitationForm
from schakel.web.monitor.data import FUNNEL_STAGES, Filters, MonitorData
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

NONE = "none"
DIMS = ("form", "region", "cohort")
CENSORING_COVARIATES = ("form", "region", "age_group", "placement", "interventions_received")
STATUS_CODES = {s.name.lower(): int(s) for s in Status}


@dataclass(frozen=True)
class MonitorRelease:
    """`episodes`: per selection (form x region x cohort of exit) the exited episodes, the
    returns and the people lost to follow-up by each horizon, and all lost; `funnel`: per
    selection (forms x region x year opened) the trajectories that reached each stage."""

    episodes: SelectionRelease | None
    funnel: SelectionRelease | None
    censoring: CensoringModel


_CACHE: dict[tuple[int, int], tuple[MonitorData, MonitorRelease]] = {}


def monitor_release(
    data: MonitorData,
    k: int,
    *,
    labelled: Callable[[pd.DataFrame], pd.DataFrame],
    use_cache: bool = True,
) -> MonitorRelease:
    """The release for this data version; `labelled` gives the strata their labels."""
    key = (id(data), k)
    cached = _CACHE.get(key)
    if use_cache and cached is not None and cached[0] is data:
        return cached[1]
    episodes = labelled(data.build.episodes)
    release = MonitorRelease(
        episodes=protect_episodes(episodes, k),
        funnel=protect_funnel_selections(funnel_base(), k),
        censoring=censoring_model(episodes),
    )
    _CACHE.clear()
    _CACHE[key] = (data, release)
    return release


def clear_cache() -> None:
    _CACHE.clear()


def episode_measures(episodes: pd.DataFrame) -> pd.DataFrame:
    """Boolean measure columns: every episode, returns and losses by each horizon, all lost."""
    days = episodes["days"].to_numpy()
    returned = (episodes["exit_type"] == 1).to_numpy()
    lost = episodes["lost_to_follow_up"].astype(bool).to_numpy()
    columns: dict[str, np.ndarray] = {"episodes": np.ones(len(episodes), dtype=bool)}
    for months in HORIZON_MONTHS:
        columns[f"returns_{months}"] = returned & (days <= horizon_days(months))
    for months in HORIZON_MONTHS:
        columns[f"lost_{months}"] = lost & (days <= horizon_days(months))
    columns["lost"] = lost
    return pd.DataFrame(columns, index=episodes.index)


def protect_episodes(episodes: pd.DataFrame, k: int) -> SelectionRelease | None:
    if len(episodes) == 0:
        return None
    measures = episode_measures(episodes)
    data = pd.concat([episodes[[*DIMS, "person_id"]].astype(str), measures], axis=1)
    names = {name: name for name in measures.columns}
    return protect_selections(data, dims=DIMS, measures=names, person="person_id", k=k)


def funnel_base() -> pd.DataFrame:
    """Trajectories per (region, year opened, forms, stages reached): one aggregate query."""
    forms = {f"form_{f.value}": Exists(_effective_form(f.value)) for f in ExploitationForm}
    stages = {
        stage.value: Exists(_effective(stage).filter(trajectory=OuterRef("pk")))
        for stage in FUNNEL_STAGES
    }
    names = [*forms, *stages]
    rows = (
        Trajectory.objects.annotate(year=ExtractYear("opened_at"), **forms, **stages)
        .values("organisation__region", "year", *names)
        .annotate(count=Count("pk"))
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["organisation__region", "year", *names, "count"]
    )
    frame["region"] = frame.pop("organisation__region").fillna("").replace("", NONE).astype(str)
    frame["cohort"] = frame.pop("year").map(lambda y: NONE if pd.isna(y) else str(int(y)))
    frame["form"] = [
        frozenset(f.value for f in ExploitationForm if row[f"form_{f.value}"])
        for _, row in frame.iterrows()
    ]
    for name in names:
        frame[name] = frame[name].astype(bool)
    return frame


def protect_funnel_selections(base: pd.DataFrame, k: int) -> SelectionRelease | None:
    if len(base) == 0 or int(base["count"].sum()) == 0:
        return None
    return protect_selections(
        base,
        dims=DIMS,
        measures={stage.value: stage.value for stage in FUNNEL_STAGES},
        multi_valued=["form"],
        count="count",
        k=k,
    )


def censoring_model(episodes: pd.DataFrame) -> CensoringModel:
    """Cox model of being lost to follow-up on the strata every episode has."""
    data = _censoring_frame(episodes)
    if len(data) == 0:
        return fit_censoring_model(
            pd.DataFrame({"days": [0.0], "lost": [False]}), duration="days", lost="lost"
        )
    return fit_censoring_model(
        data, duration="days", lost="lost", covariates=list(CENSORING_COVARIATES)
    )


def censoring_risk(model: CensoringModel, episodes: pd.DataFrame) -> np.ndarray:
    return model.risk(_censoring_frame(episodes)) if len(episodes) else np.zeros(0)


def _censoring_frame(episodes: pd.DataFrame) -> pd.DataFrame:
    received = episodes["interventions"] if "interventions" in episodes.columns else 0
    return pd.DataFrame(
        {
            "days": episodes["days"].astype(float),
            "lost": episodes["lost_to_follow_up"].astype(bool),
            "form": episodes["form"].astype(str),
            "region": episodes["region"].astype(str),
            "age_group": episodes["age_group"].astype(str),
            "placement": episodes["placement"].astype(str),
            "interventions_received": np.minimum(np.asarray(received, dtype=int), 3).astype(str),
        },
        index=episodes.index,
    )


def selection_levels(filters: Filters) -> dict[str, object]:
    return {
        "form": filters.form,
        "region": filters.region,
        "cohort": None if filters.cohort is None else str(filters.cohort),
    }


def counts(
    release: SelectionRelease | None,
    filters: Filters,
    measures: Sequence[str],
    **refined: object,
) -> pd.DataFrame:
    """Published counts (`published`, `status`) of `measures` in the selection of `filters`,
    optionally refined by one more dimension (form="labour" for a row of a table by form)."""
    if release is None:  # nothing to count: every count is an empty group
        return pd.DataFrame(
            {"published": pd.array([pd.NA] * len(measures), dtype="Int64"), "status": "primary"},
            index=pd.Index(list(measures), name="measure"),
        )
    return release.selection(**{**selection_levels(filters), **refined}).loc[list(measures)]


def fixed_statuses(
    release: SelectionRelease | None,
    filters: Filters,
    stratum: str,
    levels: Sequence[object],
) -> dict[object, list[int]]:
    """The release's statuses of the incidence table's counts (episodes, returns by each
    horizon) for the total and, when the stratum is a filter dimension, for every row."""
    measures = ["episodes", *(f"returns_{m}" for m in HORIZON_MONTHS)]
    wanted: dict[object, pd.DataFrame] = {TOTAL: counts(release, filters, measures)}
    if stratum in DIMS:
        for level in levels:
            wanted[level] = counts(release, filters, measures, **{stratum: level})
    return {label: [STATUS_CODES[str(s)] for s in f["status"]] for label, f in wanted.items()}


def _effective(stage: EventType) -> QuerySet[TrajectoryEvent]:
    """Events of a type that no event supersedes: the engine's effective rule in SQL (an
    entered-in-error marker supersedes what it withdraws); test_effective_sql holds them equal."""
    return TrajectoryEvent.objects.filter(event_type=stage.value, superseded_by__isnull=True)


def _effective_form(form: str) -> QuerySet[TrajectoryEvent]:
    return _effective(EventType.EXPLOITATION_EPISODE).filter(
        trajectory=OuterRef("pk"), payload__form=form
    )
