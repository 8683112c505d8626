"""The funnel (trajectories per stage) and the flows (paths and steps) as one protected
release, and that release protected together with the previous one (ADR 0026).

Every path and every step is a measure next to the stages, over the same trajectories, so
the exact linear audit sees every relation between them (a stage count is a sum of path
counts; a referral count minus the steps from referral to anything but intake is the intake
count) across all selections. With the previous release the trajectories are the units
(matched by trajectory id): a count now is published only if no combination with what the
last release published isolates a group below k (50 trajectories in intake yesterday, 53
today), and the trajectories that came into or left a count are kept underivable too.
Only paths and steps with at least k persons in all the data are measures: a smaller one is
below k in every selection, so the flow tables never publish it (it stays in "other paths").

The protection runs BLAS on one thread: the audit's matrices are small (about 1,000 counts
by 900 base cells at the demo size with the previous release), and OpenBLAS's thread per
core spent 3x the CPU at load 4 and far more on a busy machine (its threads spin waiting for
a core: 66 s of QR at load 10 against under 1 s on one thread). The results are the same.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from schakel.engine.blas import one_blas_thread
from schakel.engine.disclosure import (
    DisclosureError,
    SelectionRelease,
    protect_consecutive,
    protect_selections,
)
from schakel.engine.flow_paths import FLOW_STAGES, SEPARATOR, PathIndex

NONE = "none"
DIMS = ("form", "region", "cohort")
STAGES = tuple(stage.value for stage in FLOW_STAGES)
PATHS = "paths"  # every trajectory with a step: the flow tables' total
PATH = "path: "
STEP = "step: "


def funnel_units(paths: PathIndex, k: int) -> pd.DataFrame:
    """One row per trajectory: `unit` (its id), `person_id`, the dimensions (forms as a set,
    region, cohort = year of its first step) and a flag per stage reached, per path (PATH +
    name) and per step (STEP + "source>target") with at least k persons in all the data."""
    regions = np.asarray([str(r) or NONE for r in paths.region_labels], dtype=object)
    frame = pd.DataFrame(
        {
            "unit": pd.Series(paths.trajectory, dtype=object).astype(str),
            "person_id": pd.Series(paths.person_labels[paths.person], dtype=object).astype(str),
            "form": paths.form_sets(),
            "region": regions[paths.region] if len(paths) else [],
            "cohort": [str(int(y)) if y > 0 else NONE for y in paths.year],
        }
    )
    columns: dict[str, np.ndarray] = {}
    for position, stage in enumerate(STAGES):
        columns[stage] = ((paths.stages >> position) & 1).astype(bool)
    columns[PATHS] = np.ones(len(paths), dtype=bool)
    names = paths.variant_names
    for number, name in enumerate(names):
        taken = paths.variant == number
        if _persons(paths.person[taken]) >= k:
            columns[PATH + name] = taken
    steps: dict[str, np.ndarray] = {}
    for number, name in enumerate(names):
        for pair in itertools.pairwise(name.split(SEPARATOR)):
            key = STEP + SEPARATOR.join(pair)
            steps[key] = steps.get(key, np.zeros(len(paths), dtype=bool)) | (
                paths.variant == number
            )
    for key in sorted(steps):
        if _persons(paths.person[steps[key]]) >= k:
            columns[key] = steps[key]
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)


def unit_measures(units: pd.DataFrame) -> list[str]:
    return [c for c in units.columns if c not in ("unit", "person_id", *DIMS)]


@one_blas_thread
def protect_funnel_units(
    units: pd.DataFrame, k: int, *, design: bool = True
) -> SelectionRelease | None:
    """Stages, paths and steps of every selection (one filter with `design`), protected
    together; the threshold counts persons."""
    if len(units) == 0:
        return None
    return protect_selections(
        units,
        dims=DIMS,
        measures={m: m for m in unit_measures(units)},
        multi_valued=["form"],
        person="person_id",
        k=k,
        max_dims=1 if design else None,
    )


@one_blas_thread
def protect_funnel_after(
    units: pd.DataFrame,
    k: int,
    previous_units: pd.DataFrame,
    statuses: list[list[str]],
    *,
    design: bool = True,
) -> SelectionRelease | None:
    """`protect_funnel_units` together with the previous release (its units rebuilt from the
    log, its statuses as stored): the measures of both are protected, a path or step that is
    a measure in one release only counts as not published in the other."""
    if len(units) == 0:
        return None
    measures = list(dict.fromkeys([*unit_measures(units), *unit_measures(previous_units)]))
    now, before = _with(units, measures), _with(previous_units, measures)
    frame = pd.DataFrame(statuses, columns=[*DIMS, "measure", "status"])
    known = SelectionRelease(DIMS, tuple(measures), frame, frame, k)
    return protect_consecutive(
        before,
        now,
        known,
        unit="unit",
        dims=DIMS,
        measures=measures,
        person="person_id",
        k=k,
        multi_valued=["form"],
        max_dims=1 if design else None,
    )


def protected_funnel(
    units: pd.DataFrame,
    k: int,
    *,
    design: bool = True,
    previous_units: pd.DataFrame | None = None,
    statuses: list[list[str]] | None = None,
    previous_k: int | None = None,
) -> tuple[SelectionRelease | None, str]:
    """The funnel and flows release and how it was protected against the previous one:
    "protected", "first", "previous release has another k" or "not protected: <why>"."""
    if previous_units is None or not statuses or len(previous_units) == 0:
        return protect_funnel_units(units, k, design=design), "first"
    if previous_k != k:
        return protect_funnel_units(units, k, design=design), "previous release has another k"
    try:
        release = protect_funnel_after(units, k, previous_units, statuses, design=design)
    except DisclosureError as error:  # the fixed statuses contradict the data: say so
        return protect_funnel_units(units, k, design=design), f"not protected: {error}"
    return release, "protected"


def _with(units: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    missing = {m: False for m in measures if m not in units.columns}
    return units.assign(**missing)[["unit", "person_id", *DIMS, *measures]]


def _persons(person: np.ndarray) -> int:
    return int(np.unique(person).size)
