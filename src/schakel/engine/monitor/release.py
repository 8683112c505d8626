"""The monitor's consistent release: the counts of every filter selection protected together.

Every selection (form x region x cohort, each one level or all) and every measure is one
quantity over shared base cells, protected by one `suppress` (ADR 0006); a table of a
selection reads its counts from here instead of protecting them again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.blas import one_blas_thread
from schakel.engine.disclosure import (
    HORIZON_MONTHS,
    TOTAL,
    DisclosureError,
    SelectionRelease,
    Status,
    horizon_days,
    protect_consecutive,
    protect_selections,
)
from schakel.engine.flow_paths import FLOW_STAGES as FUNNEL_STAGES
from schakel.engine.flow_paths import PathIndex
from schakel.engine.monitor.breakdowns import Breakdown, protect_breakdowns
from schakel.engine.monitor.funnel import funnel_units, protected_funnel
from schakel.engine.monitor.selection import Filters
from schakel.engine.parallel import forked_call, workers_for
from schakel.engine.survival import CensoringModel, fit_censoring_model

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
    zero_is_safe: bool = False
    """A count of 0 (nobody) is published (ADR 0021); the tables follow the release."""
    breakdowns: Mapping[str, Breakdown] = field(default_factory=dict)
    """Returns within 12 months by where, when and why (`breakdowns`), protected around
    `episodes`."""
    differencing: str = "first"
    """How the episode counts are protected against the previous release (ADR 0026):
    "protected" (together with it), "first" (there is none), or why it was not possible."""
    funnel_differencing: str = "first"
    """The same for the funnel and the flows (protected from the paths, `funnel.py`)."""
    units: pd.DataFrame | None = None
    """The exit episodes as `episode_units`: stored with the release for the next (ADR 0033)."""
    funnel_units: pd.DataFrame | None = None
    """The trajectories as `funnel_units` (with `paths` only), stored likewise."""


@dataclass(frozen=True)
class PreviousRelease:
    """What the consecutive protection needs of the last release (ADR 0026): its exit
    episodes as units (`episode_units` of the data it was computed from) and the statuses its
    episode counts were published with (`episode_statuses`)."""

    units: pd.DataFrame
    statuses: list[list[str]]
    k: int
    funnel_units: pd.DataFrame | None = None
    """Its trajectories as `funnel_units` of the paths it was computed from."""
    funnel_statuses: list[list[str]] = field(default_factory=list)
    read_funnel: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    """Reads the trajectories where they are stored (ADR 0033), in place of `funnel_units`:
    only the funnel's half of the release needs them, so its forked process reads them while
    the other half protects the episodes (ADR 0034)."""

    def trajectories(self) -> pd.DataFrame | None:
        """Its trajectories as `funnel_units`: the frame given, else read now."""
        return self.funnel_units if self.read_funnel is None else self.read_funnel()


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


HEADLINE_MEASURES = ("episodes", "returns_12", "returns_24")


def headline_priority(levels: Mapping[str, object], measure: str) -> int:
    """The publication design (ADR 0021): secondary suppression gives up detail before the
    headline. 3: exit episodes and returns by 12 and 24 months nationally and per form,
    region or cohort; 2: the same counts split by a second dimension; 1: the other measures
    of a one-filter selection; 0: the other measures split by a second dimension."""
    split = sum(str(level) != TOTAL for level in levels.values())
    headline = measure in HEADLINE_MEASURES
    return (2 if headline else 0) + (1 if split <= 1 else 0)


def protect_episodes(
    episodes: pd.DataFrame, k: int, *, design: bool = True
) -> SelectionRelease | None:
    """The episode counts of every published selection (`design`: only the selections the
    pages publish, headline first; without it every combination, smallest count first, as
    before ADR 0021, for comparison)."""
    if len(episodes) == 0:
        return None
    measures = episode_measures(episodes)
    data = pd.concat([episodes[[*DIMS, "person_id"]].astype(str), measures], axis=1)
    names = {name: name for name in measures.columns}
    return protect_selections(
        data,
        dims=DIMS,
        measures=names,
        person="person_id",
        k=k,
        max_dims=2 if design else None,
        priority=headline_priority if design else None,
        zero_is_safe=design,
    )


def _design_options(design: bool) -> dict[str, Any]:
    return {
        "max_dims": 2 if design else None,
        "priority": headline_priority if design else None,
        "zero_is_safe": design,
    }


def episode_units(episodes: pd.DataFrame) -> pd.DataFrame:
    """Labelled exit episodes as the consecutive protection matches them (ADR 0026): a
    stable `unit` (trajectory and start date; the episode number shifts with linkage), the
    person, the dimensions as text and the measure flags."""
    trajectory = as_text(episodes["trajectory_id"])
    day = _day_text(episodes["start_date"])
    # two episodes with one start: apart, numbered in row order within their trajectory and
    # day (integer codes and one stable sort: a groupby on the unit texts took twice as long)
    trajectories = pc.dictionary_encode(trajectory).indices.to_numpy(zero_copy_only=False)
    days, distinct = pd.factorize(episodes["start_date"], use_na_sentinel=False)
    key = trajectories.astype(np.int64) * (len(distinct) + 1) + days
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    rank = np.arange(len(key), dtype=np.int64)
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    repeat = np.empty(len(key), dtype=np.int64)
    repeat[order] = rank - np.maximum.accumulate(np.where(starts, rank, 0))
    unit = pc.binary_join_element_wise(
        trajectory, as_text(day), pc.cast(pa.array(repeat), pa.string()), "/"
    )
    frame = pd.DataFrame({"unit": unit.to_numpy(zero_copy_only=False)}, index=episodes.index)
    frame = pd.concat([frame, episodes[[*DIMS, "person_id"]].astype(str)], axis=1)
    return pd.concat([frame, episode_measures(episodes)], axis=1).reset_index(drop=True)


def as_text(values: object) -> pa.Array | pa.ChunkedArray:
    """Values as Arrow text, equal to `astype(str)` of them (converted in one call where they
    are text already, as trajectory and person ids are); Arrow values cast to text."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values if pa.types.is_string(values.type) else values.cast(pa.string())
    array = np.asarray(values, dtype=object)
    try:
        text = pa.array(array, type=pa.string(), from_pandas=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, say: as pandas writes them
        return pa.array(array.astype(str), type=pa.string())
    return text if text.null_count == 0 else pa.array(array.astype(str), type=pa.string())


def _day_text(dates: pd.Series) -> pd.Series:
    """`dates.astype(str)` ("2024-01-05" for dates at midnight), formatted in one numpy call
    where every value is a day: pandas formats each value on its own (2 s at 1M episodes)."""
    if not pd.api.types.is_datetime64_dtype(dates.dtype):
        return dates.astype(str)
    values = dates.to_numpy()
    days = values.astype("datetime64[D]")
    if (values != days.astype(values.dtype))[~np.isnat(values)].any():  # a time of day
        return dates.astype(str)
    return pd.Series(np.datetime_as_string(days, unit="D"), index=dates.index, dtype=object)


def unit_trajectories(units: pd.DataFrame) -> pd.Series:
    """The trajectory id of each of `episode_units`' units (the part of `unit` before "/")."""
    trajectories = trajectory_texts(as_text(units["unit"]))
    return pd.Series(trajectories.to_numpy(zero_copy_only=False), index=units.index, dtype=object)


def trajectory_texts(units: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`unit_trajectories` of the unit ids as Arrow text, in Arrow."""
    return pc.list_element(pc.split_pattern(units, "/", max_splits=1), 0)


def episode_statuses(release: SelectionRelease | None) -> list[list[str]]:
    """The status of every episode count (form, region, cohort, measure, status), as a
    release stores them for the next one (ADR 0026)."""
    if release is None:
        return []
    columns = [*DIMS, "measure", "status"]
    return release.frame[columns].astype(str).to_numpy().tolist()


def protect_episodes_after(
    episodes: pd.DataFrame,
    k: int,
    previous: PreviousRelease,
    *,
    design: bool = True,
    units: pd.DataFrame | None = None,
) -> SelectionRelease | None:
    """The episode counts protected together with the previous release's (ADR 0026): no
    count now, combined with what that release published, isolates a group below k.
    `episodes` and `previous.units` must identify persons the same way; `units`: the
    episodes' `episode_units` when the caller has them already."""
    if len(episodes) == 0:
        return None
    measures = [*episode_measures(episodes.iloc[:0]).columns]
    frame = pd.DataFrame(previous.statuses, columns=[*DIMS, "measure", "status"])
    before = SelectionRelease(DIMS, tuple(measures), frame, frame, previous.k)
    return protect_consecutive(
        previous.units,
        episode_units(episodes) if units is None else units,
        before,
        unit="unit",
        dims=DIMS,
        measures=measures,
        person="person_id",
        k=k,
        **_design_options(design),
    )


def protect_funnel_selections(
    base: pd.DataFrame, k: int, *, design: bool = True
) -> SelectionRelease | None:
    if len(base) == 0 or int(base["count"].sum()) == 0:
        return None
    return protect_selections(
        base,
        dims=DIMS,
        measures={stage.value: stage.value for stage in FUNNEL_STAGES},
        multi_valued=["form"],
        count="count",
        k=k,
        max_dims=1 if design else None,
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
    cells = release.cells(**{**selection_levels(filters), **refined})
    found = [cells[m] for m in measures]
    return pd.DataFrame(
        {
            "published": pd.array([value for value, _ in found], dtype="Int64"),
            "status": [status for _, status in found],
        },
        index=pd.Index(list(measures), name="measure"),
    )


def fixed_statuses(
    release: SelectionRelease | None,
    filters: Filters,
    stratum: str,
    levels: Sequence[object],
) -> dict[object, list[int]]:
    """The release's statuses of the incidence table's counts (episodes, returns by each
    horizon) for the total and, when the stratum is a filter dimension, for every row."""
    measures = ["episodes", *(f"returns_{m}" for m in HORIZON_MONTHS)]
    if release is None:
        primary = [STATUS_CODES["primary"]] * len(measures)
        return {label: primary for label in [TOTAL, *(levels if stratum in DIMS else [])]}
    chosen = selection_levels(filters)
    wanted: dict[object, dict[str, tuple[int | None, str]]] = {TOTAL: release.cells(**chosen)}
    if stratum in DIMS:
        for level in levels:
            wanted[level] = release.cells(**{**chosen, stratum: level})
    return {label: [STATUS_CODES[cells[m][1]] for m in measures] for label, cells in wanted.items()}


@one_blas_thread
def protect_release(
    episodes: pd.DataFrame,
    funnel: pd.DataFrame | None,
    k: int,
    *,
    design: bool = True,
    previous: PreviousRelease | None = None,
    paths: PathIndex | None = None,
    workers: int | None = None,
) -> MonitorRelease:
    """The release of labelled episodes (`label_episodes`) and the funnel's base cells
    (region, cohort, form sets, one boolean per stage, count). With `paths` instead, the
    funnel and the flows are protected together from the trajectories (`funnel.py`). With
    `previous` both are protected together with the last release's (ADR 0026). `workers`:
    2 protects the funnel on a forked process meanwhile (`engine.parallel.workers_for`;
    default: for a large release where the platform forks)."""
    before = previous if previous is not None else PreviousRelease(pd.DataFrame(), [], k)
    trajectories = None if paths is None else funnel_units(paths, k)

    def funnel_and_censoring() -> tuple[SelectionRelease | None, str, CensoringModel]:
        if trajectories is not None:
            stages, how = protected_funnel(
                trajectories,
                k,
                design=design,
                previous_units=before.trajectories(),
                statuses=before.funnel_statuses,
                previous_k=before.k,
            )
        else:
            stages = (
                protect_funnel_selections(funnel, k, design=design) if funnel is not None else None
            )
            how = "first" if previous is None else "not protected: no paths"
        return stages, how, censoring_model(episodes)

    # the funnel and the episodes share no cell: protected side by side (ADR 0034); the
    # censoring model goes with the funnel, which is the shorter of the two
    size = len(episodes) + (0 if paths is None else len(paths))
    with forked_call(funnel_and_censoring, workers_for(size, workers)) as other_half:
        units = episode_units(episodes)
        protected, differencing = _protected_episodes(episodes, k, design, previous, units)
        breakdowns = protect_breakdowns(episodes, protected, k, zero_is_safe=design)
        stages, funnel_differencing, censoring = other_half()
    return MonitorRelease(
        episodes=protected,
        funnel=stages,
        censoring=censoring,
        zero_is_safe=design,
        breakdowns=breakdowns,
        differencing=differencing,
        funnel_differencing=funnel_differencing,
        units=units,
        funnel_units=trajectories,
    )


def _protected_episodes(
    episodes: pd.DataFrame,
    k: int,
    design: bool,
    previous: PreviousRelease | None,
    units: pd.DataFrame,
) -> tuple[SelectionRelease | None, str]:
    if previous is None or not previous.statuses or len(previous.units) == 0:
        return protect_episodes(episodes, k, design=design), "first"
    if previous.k != k:
        return protect_episodes(episodes, k, design=design), "previous release has another k"
    try:
        protected = protect_episodes_after(episodes, k, previous, design=design, units=units)
        return protected, "protected"
    except DisclosureError as error:  # the fixed statuses contradict the data: publish nothing
        alone = protect_episodes(episodes, k, design=design)
        # protected alone, its counts could be differenced against the previous release's
        return (None if alone is None else alone.withheld()), f"withheld: {error}"


def funnel_base_from_paths(paths: PathIndex) -> pd.DataFrame:
    """Trajectories per (region, year of first step, forms, stages reached), from the path
    index: the funnel's base cells without a database (the web reads them with one query,
    cohort = year opened)."""
    if len(paths) == 0:
        return pd.DataFrame(columns=["region", "cohort", "form", *_STAGES, "count"])
    forms = sorted(paths.forms)
    form_bits = np.zeros(len(paths), dtype=np.int64)
    for bit, name in enumerate(forms):
        form_bits |= paths.forms[name].astype(np.int64) << bit
    keys = pd.DataFrame(
        {
            "region": paths.region,
            "year": paths.year,
            "forms": form_bits,
            "stages": paths.stages,
        }
    )
    grouped = keys.groupby(["region", "year", "forms", "stages"], sort=True).size()
    cells = grouped.reset_index(name="count")
    regions = [str(r) or NONE for r in paths.region_labels]
    frame = pd.DataFrame(
        {
            "region": [regions[r] for r in cells["region"]],
            "cohort": [str(int(y)) if y > 0 else NONE for y in cells["year"]],
            "form": [
                frozenset(n for bit, n in enumerate(forms) if (f >> bit) & 1)
                for f in cells["forms"]
            ],
        }
    )
    for position, stage in enumerate(_STAGES):
        frame[stage] = ((cells["stages"].to_numpy() >> position) & 1).astype(bool)
    frame["count"] = cells["count"].to_numpy(dtype=np.int64)
    return frame


_STAGES = [stage.value for stage in FUNNEL_STAGES]
