"""What a monitor release publishes: per selection, every table as codes and numbers.

`release_tables` is the whole computation behind a release (the web job stores its result,
the command line and the benchmarks call it directly): the counts of every selection come
from one protected release (`protect_release`, ADR 0006), the estimates are shown only where
the counts behind them are. The result is plain JSON (no labels: the reader's language is
chosen when it is shown), and every count carries its status.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.blas import one_blas_thread
from schakel.engine.disclosure import DisclosureError, cumulative_incidence_rows
from schakel.engine.flow_paths import PathIndex
from schakel.engine.flows import OTHER as OTHER_PATHS
from schakel.engine.flows import TOTAL as TOTAL_PATHS
from schakel.engine.flows import FlowSteps, flow_tables_for
from schakel.engine.monitor.breakdown_rows import breakdown_tables
from schakel.engine.monitor.funnel import PATH, PATHS, STEP
from schakel.engine.monitor.noised import EPSILON, NoisedFigures, noised_figures, noised_rows
from schakel.engine.monitor.release import (
    FUNNEL_STAGES,
    MonitorRelease,
    counts,
    fixed_statuses,
    selection_levels,
)
from schakel.engine.monitor.selection import EpisodeIndex, Filters
from schakel.engine.monitor.sensitivity import sensitivity_table
from schakel.engine.monitor.shared import SharedWork
from schakel.engine.monitor.tables import INTERVENTIONS, fit_hazards
from schakel.engine.parallel import forked_map, workers_for
from schakel.engine.vocabulary import ExploitationForm, Region

ALL = "all"
STRATA = ("form", "placement", "region", "cohort", "age_group", *INTERVENTIONS)
MAX_PATHS = 15  # paths shown; the rest are merged into "other paths"
Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


def selection_key(filters: Filters) -> str:
    """The one filter a published selection sets: "all", "form:labour", "region:..." ..."""
    if filters.form:
        return f"form:{filters.form}"
    if filters.region:
        return f"region:{filters.region}"
    if filters.cohort:
        return f"cohort:{filters.cohort}"
    return ALL


def filters_of(key: str) -> Filters:
    dimension, _, value = key.partition(":")
    if dimension == "cohort":
        return Filters(cohort=int(value))
    if dimension == "form":
        return Filters(form=value)
    if dimension == "region":
        return Filters(region=value)
    return Filters()


def published_keys(episodes: EpisodeIndex, paths: PathIndex) -> Iterator[str]:
    """All, each form, each region and each cohort year in the data: the selections a release
    publishes (their counts are protected together)."""
    yield ALL
    for form in ExploitationForm:
        yield f"form:{form.value}"
    for region in Region:
        yield f"region:{region.value}"
    years = {int(c) for c in pd.to_numeric(episodes.cohort, errors="coerce").dropna()}
    years |= {int(y) for y in np.unique(paths.year) if y > 0}
    for year in sorted(years):
        yield f"cohort:{year}"


@one_blas_thread
def release_tables(
    episodes: EpisodeIndex,
    paths: PathIndex,
    release: MonitorRelease,
    k: int,
    *,
    keys: Sequence[str] | None = None,
    progress: Progress = _no_progress,
    epsilon: float | None = EPSILON,
    noised: NoisedFigures | None = None,
    workers: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Every published selection's tables (JSON), keyed by `selection_key`. `epsilon`: the
    privacy budget of the noised headline figures (None: no noised figures); `noised`: the
    figures to publish (`noised_for_release`; default: a new draw, made here before any
    fork). `workers`: processes for the selections (`engine.parallel.workers_for`; default:
    two for a large release where the platform forks, else one)."""
    chosen = list(keys if keys is not None else published_keys(episodes, paths))
    if epsilon is None:
        noised = None
    elif noised is None and len(episodes.labelled):
        noised = noised_figures(episodes.labelled, epsilon=epsilon)
    shared = SharedWork.of(episodes, release, STRATA)

    def tables_of(key: str) -> dict[str, Any]:
        tables = selection_tables(
            episodes, paths, release, filters_of(key), k, noised=noised, shared=shared
        )
        return jsonable(tables)

    result = {}
    processes = workers_for(len(episodes.labelled), workers)
    if processes > 1:  # what every selection looks up, found once before the fork
        shared.warm(release, paths)
    progress(40, "Computing the tables")
    for number, (key, tables) in enumerate(
        zip(chosen, forked_map(tables_of, chosen, processes), strict=True), start=1
    ):
        result[key] = tables
        progress(40 + 50 * number // max(len(chosen), 1), "Computing the tables")
    return result


def selection_tables(
    index: EpisodeIndex,
    paths: PathIndex,
    release: MonitorRelease,
    filters: Filters,
    k: int,
    *,
    noised: NoisedFigures | None = None,
    shared: SharedWork | None = None,
) -> dict[str, object]:
    """One selection's protected tables; the incidence table for every stratum; `noised`:
    noised figures for the headline cells of the table by form the exact release hides;
    `shared`: work done once for every selection of a release (the same result)."""
    episodes = index.select(filters)
    funnel = funnel_table(release, filters)
    selected = counts(release.episodes, filters, ["episodes", "lost"])
    stages = funnel.set_index("stage")
    # the "All" row's curve, estimated once for all strata when the release shares work
    overall: dict[object, Any] | None = None if shared is None else {}
    coded = None if shared is None else shared.strata_frame(filters, episodes)
    incidence = {
        stratum: incidence_table(
            episodes,
            stratum,
            k,
            release=release,
            filters=filters,
            overall=overall,
            coded=coded,
        )
        for stratum in STRATA
    }
    by_form = jsonable(incidence["form"])
    rows = noised_rows(noised, release, filters, by_form)
    return {
        "funnel": funnel,
        "incidence": incidence,
        "noised": {
            "rows": rows,
            "budget": noised.budget() if noised is not None and rows else None,
        },
        "sensitivity": sensitivity_table(
            episodes, release, filters, risk=None if shared is None else shared.risk_of(filters)
        ),
        "hazards": hazard_rows(episodes, k),
        "completeness": {
            "follow_up": [_cell(stages, "follow_up_contact"), _cell(stages, "exit")],
            "lost": [_cell(selected, "lost"), _cell(selected, "episodes")],
        },
        "episodes": _cell(selected, "episodes"),
        "flows": flows_table(
            paths,
            funnel,
            filters,
            k,
            release=release,
            steps=None if shared is None else shared.flow_steps(paths),
        ),
        "breakdowns": None
        if filters.region or filters.cohort
        else breakdown_tables(
            episodes,
            release.breakdowns,
            filters.form,
            members=None if shared is None else shared.breakdown_members(filters),
        ),
    }


def flows_table(
    paths: PathIndex,
    funnel: pd.DataFrame,
    filters: Filters,
    k: int,
    *,
    release: MonitorRelease | None = None,
    steps: FlowSteps | None = None,
) -> dict[str, Any]:
    """The paths and steps of the selection, consistent with its funnel: every stage count is
    a sum of path counts and, with the stages before and after, of step counts (a referral
    count minus the steps from referral to anything but intake is the intake count). When the
    release protected the paths and steps with the stages (`funnel.py`), a row shows its count
    only where the release publishes it, and "other paths" (the total minus the paths shown)
    only where the total and every path shown are published. Otherwise, when the release
    hides any stage count of the selection, the paths and steps publish no count
    (`withheld`; every row's status "secondary"), only their names and median days."""
    selected = paths.select(form=filters.form, region=filters.region, cohort=filters.cohort)
    flows = flow_tables_for(paths, selected, k=k, top=MAX_PATHS)
    variants, edges = flows.variants.copy(), flows.edges.copy()
    cells = _flow_cells(release, filters)
    if cells is not None:
        withheld = _protect_flows(variants, edges, cells)
    else:
        withheld = bool(funnel["trajectories"].isna().any())
        for frame in (variants, edges):
            if withheld:
                for name in ("trajectories", "persons"):
                    frame[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
            shown = frame["trajectories"].notna().to_numpy(dtype=bool)
            frame["status"] = np.where(
                withheld, "secondary", np.where(shown, "published", "primary")
            )
    # Distinct persons per path and step decide which rows are shown (at least k) but are not
    # published: the audit covers the trajectory counts, and trajectories minus persons would
    # tell how many people took a path more than once, a group that can be below k.
    return {
        "variants": variants.drop(columns="persons"),
        "edges": edges.drop(columns="persons"),
        "merged_variants": flows.merged_variants,
        "withheld": withheld,
    }


def _flow_cells(
    release: MonitorRelease | None, filters: Filters
) -> dict[str, tuple[int | None, str]] | None:
    funnel = None if release is None else release.funnel
    if funnel is None or PATHS not in funnel.measures:
        return None
    return funnel.cells(**selection_levels(filters))


def _protect_flows(
    variants: pd.DataFrame, edges: pd.DataFrame, cells: dict[str, tuple[int | None, str]]
) -> bool:
    """Blank the counts the release does not publish; True when any count is blanked."""
    missing = (None, "primary")
    keys = [
        PATHS if kind == TOTAL_PATHS else PATH + str(name)
        for name, kind in zip(variants["variant"], variants["kind"], strict=True)
    ]
    status = [cells.get(key, missing)[1] for key in keys]
    paths_shown = all(
        s == "published" for s, kind in zip(status, variants["kind"], strict=True)
        if kind == "variant"
    )  # fmt: skip
    for row, kind in enumerate(variants["kind"]):
        if kind == OTHER_PATHS:  # the total minus the paths shown
            total = cells.get(PATHS, missing)[1]
            fine = (
                paths_shown
                and total == "published"
                and pd.notna(variants["trajectories"].iloc[row])
            )
            blank = "primary" if pd.isna(variants["trajectories"].iloc[row]) else "secondary"
            status[row] = "published" if fine else blank
    variants["status"] = status
    edge_keys = [STEP + f"{a}>{b}" for a, b in zip(edges["source"], edges["target"], strict=True)]
    edges["status"] = [cells.get(key, missing)[1] for key in edge_keys]
    withheld = False
    for frame in (variants, edges):
        hidden = (frame["status"] != "published").to_numpy(dtype=bool)
        withheld = withheld or bool(hidden.any())
        for name in ("trajectories", "persons"):
            frame.loc[hidden, name] = pd.NA
    return withheld


def _cell(frame: pd.DataFrame, row: str) -> dict[str, object]:
    """A count with its status; the value is None unless published."""
    value = frame.loc[row, "published" if "published" in frame.columns else "trajectories"]
    return {
        "value": None if pd.isna(value) else int(value),
        "status": str(frame.loc[row, "status"]),
    }


def funnel_table(release: MonitorRelease, filters: Filters) -> pd.DataFrame:
    """Stage counts of the selection, read from the release that protects every selection."""
    stages = [s.value for s in FUNNEL_STAGES]
    published = counts(release.funnel, filters, stages)
    return pd.DataFrame(
        {
            "stage": stages,
            "trajectories": pd.array(published["published"].tolist(), dtype="Int64"),
            "status": published["status"].astype(str).tolist(),
        }
    )


def incidence_table(
    episodes: pd.DataFrame,
    stratum: str,
    k: int,
    *,
    release: MonitorRelease,
    filters: Filters,
    overall: dict[object, Any] | None = None,
    coded: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Cumulative incidence at 3/6/12/24 months per level of `stratum` (raw levels), as
    JSON rows (`INCIDENCE_COLUMNS`). The counts the release publishes for this selection
    keep their status (all rows when the stratum is a filter dimension, else the total);
    only the other rows are protected around them. When that is impossible no count is
    shown. `coded`: the episodes' strata as `SharedWork.strata_frame` gives them (the same
    levels, without comparing text again)."""
    if len(episodes) == 0 or stratum not in episodes.columns:
        return []
    if coded is not None and stratum in coded.columns:
        levels = list(coded[stratum].cat.categories)
        episodes = coded
    else:
        levels = sorted(episodes[stratum].unique().tolist(), key=str)
    fixed = fixed_statuses(release.episodes, filters, stratum, levels)
    try:
        rows = cumulative_incidence_rows(
            episodes,
            by=stratum,
            k=k,
            fixed=fixed,
            zero_is_safe=release.zero_is_safe,
            overall=overall,
        )
    except DisclosureError:
        rows = cumulative_incidence_rows(episodes, by=stratum, k=len(episodes) + 1, overall=overall)
    for row in rows:
        row["level"] = str(row["level"])
    return rows


def hazard_rows(episodes: pd.DataFrame, k: int) -> dict[str, object]:
    """Hazard ratios for return on the interventions with enough data, or why there are none."""
    fit = fit_hazards(episodes, k)
    if fit.error is not None:
        return {"rows": [], "problem": "error", "error": fit.error}
    if fit.model is None:
        return {"rows": [], "problem": "too_few", "error": ""}
    rows = [
        {
            "covariate": str(row.covariate),
            "hazard_ratio": round(float(row.hazard_ratio), 2),
            "lower": round(float(row.lower), 2),
            "upper": round(float(row.upper), 2),
        }
        for row in fit.model.table().reset_index().itertuples()
    ]
    return {"rows": rows, "problem": None, "error": ""}


def jsonable(value: Any) -> Any:
    """Plain JSON (PostgreSQL's jsonb refuses NaN): numbers, text, lists, dicts, None."""
    kind = type(value)  # the plain types first, the same result as the checks below
    if kind is str or value is None:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    if kind is int:
        return value
    if kind is dict:
        return {str(key): jsonable(item) for key, item in value.items()}
    if kind is list:
        return [jsonable(item) for item in value]
    if isinstance(value, pd.DataFrame):  # pandas writes NaN and <NA> as null
        return json.loads(value.to_json(orient="records", double_precision=15))
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
