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
    years, year_of = np.unique(paths.year, return_inverse=True)
    cohorts = np.asarray([str(int(y)) if y > 0 else NONE for y in years], dtype=object)
    frame = pd.DataFrame(
        {
            "unit": pd.Series(paths.trajectory, dtype=object).astype(str),
            "person_id": pd.Series(paths.person_labels[paths.person], dtype=object).astype(str),
            "form": paths.form_sets(),
            "region": regions[paths.region] if len(paths) else [],
            "cohort": cohorts[year_of.reshape(-1)] if len(paths) else [],
        }
    )
    columns: dict[str, np.ndarray] = {}
    for position, stage in enumerate(STAGES):
        columns[stage] = ((paths.stages >> position) & 1).astype(bool)
    columns[PATHS] = np.ones(len(paths), dtype=bool)
    names = paths.variant_names
    steps: dict[str, list[int]] = {}  # each step and the paths that take it
    for number, name in enumerate(names):
        for pair in itertools.pairwise(name.split(SEPARATOR)):
            steps.setdefault(STEP + SEPARATOR.join(pair), []).append(number)
    keys = sorted(steps)
    on_path = [
        [position for position, key in enumerate(keys) if number in steps[key]]
        for number in range(len(names))
    ]
    path_persons, step_persons = _persons(paths.variant, paths.person, on_path, len(keys))
    for number, name in enumerate(names):
        if path_persons[number] >= k:
            columns[PATH + name] = paths.variant == number
    for position, key in enumerate(keys):
        if step_persons[position] >= k:
            columns[key] = np.isin(paths.variant, steps[key])
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)


def _persons(
    variant: np.ndarray, person: np.ndarray, on_path: list[list[int]], steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct persons per path and per step (`on_path[v]`: the steps path v takes), from
    one sort of (path, person) pairs and one of (step, person) pairs."""
    span = int(person.max(initial=0)) + 1
    pairs = _distinct(variant.astype(np.int64) * span + person)  # sorted by path
    bounds = np.searchsorted(pairs // span, np.arange(len(on_path) + 1))
    people = [pairs[a:b] % span for a, b in itertools.pairwise(bounds)]
    with_step = [s * span + people[v] for v, taken in enumerate(on_path) for s in taken]
    step_pairs = _distinct(np.concatenate([np.zeros(0, dtype=np.int64), *with_step]))
    paths = np.array([found.size for found in people], dtype=np.int64)
    return paths, np.bincount(step_pairs // span, minlength=steps)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: a sort (`np.unique` hashes: 1.2 s against 0.08 s CPU for
    1.2 million integers)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


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
    "protected", "first", "previous release has another k" or "withheld: <why>" (the two
    cannot be protected together, so this release publishes none of these counts)."""
    if previous_units is None or not statuses or len(previous_units) == 0:
        return protect_funnel_units(units, k, design=design), "first"
    if previous_k != k:
        return protect_funnel_units(units, k, design=design), "previous release has another k"
    try:
        release = protect_funnel_after(units, k, previous_units, statuses, design=design)
    except DisclosureError as error:  # the fixed statuses contradict the data: publish nothing
        alone = protect_funnel_units(units, k, design=design)
        # protected alone, its counts could be differenced against the previous release's
        return (None if alone is None else alone.withheld()), f"withheld: {error}"
    return release, "protected"


def _with(units: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    missing = {m: False for m in measures if m not in units.columns}
    return units.assign(**missing)[["unit", "person_id", *DIMS, *measures]]
