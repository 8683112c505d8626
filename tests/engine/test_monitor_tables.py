"""The monitor's tables from prepared data (engine, no Django): selecting from the prepared
episodes equals labelling the filtered ones, the funnel cells from the paths are the counts
by definition, the hazard ratios equal lifelines' to the published decimals, and nothing
below k is published."""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from schakel.engine.disclosure import determined
from schakel.engine.flow_paths import FLOW_STAGES, STAGE_NAMES, PathIndex, path_index
from schakel.engine.monitor import (
    EpisodeIndex,
    Filters,
    filter_mask,
    fit_hazards,
    funnel_base_from_paths,
    funnel_cells_from_paths,
    label_episodes,
    protect_release,
    release_tables,
)
from schakel.engine.survival import cause_specific_cox
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episodes import build_episodes

K = 10


@functools.cache
def prepared() -> tuple[pd.DataFrame, EpisodeIndex, PathIndex]:
    region = generate_region(RegionParameters(seed=5, persons=1_500, years=4))
    log = region_event_log(region, linked=True)
    episodes = build_episodes(log, as_of=region.parameters.end_date, timezone="UTC").episodes
    return episodes, EpisodeIndex.build(episodes), path_index(log)


FILTERS = [
    Filters(form=f, region=r, cohort=c)
    for f, r, c in itertools.product(
        [None, "labour", "sexual", "nonsense"], [None, "utrecht", "limburg"], [None, 2022]
    )
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_selecting_prepared_episodes_equals_labelling_the_filtered(filters: Filters) -> None:
    episodes, index, _ = prepared()
    expected = label_episodes(episodes.loc[filter_mask(episodes, filters)].reset_index(drop=True))
    selected = index.select(filters)
    pd.testing.assert_frame_equal(
        selected.drop(columns="person_id"), expected.drop(columns="person_id")
    )
    # person codes: the same persons, numbered in the order of their ids
    codes = pd.factorize(expected["person_id"], sort=True)[0]
    assert (pd.factorize(selected["person_id"], sort=True)[0] == codes).all()


def test_funnel_cells_from_paths_are_the_counts_by_definition() -> None:
    _, _, paths = prepared()
    mask = paths.select(region="utrecht")
    frame = paths.frame(mask)
    reached = pd.DataFrame(
        {
            s.value: frame["variant"].map(lambda v, n=STAGE_NAMES[s.value]: n in v.split(">"))
            for s in FLOW_STAGES
        }
    )
    expected = (
        reached.groupby(list(reached.columns)).size().rename("count").reset_index()
    )  # sorted by the stage columns, False first, as the database orders them
    expected = expected.astype({s.value: bool for s in FLOW_STAGES})
    pd.testing.assert_frame_equal(funnel_cells_from_paths(paths, mask), expected)


def test_hazard_ratios_equal_lifelines_to_the_published_decimals() -> None:
    rng = np.random.default_rng(3)
    size = 3_000
    episodes = pd.DataFrame(
        {
            "days": rng.integers(1, 700, size),
            "exit_type": rng.choice([0, 1, 2], size, p=[0.4, 0.3, 0.3]),
            "person_id": rng.integers(0, 2_000, size),
            "intervention_legal_aid": rng.random(size) < 0.4,
            "intervention_work": rng.random(size) < 0.3,
            "intervention_other": rng.random(size) < 0.002,  # too few: left out
        }
    )
    fit = fit_hazards(episodes, K)
    assert fit.model is not None
    assert fit.covariates == ("intervention_legal_aid", "intervention_work")
    data = episodes[["days", "exit_type", "person_id", *fit.covariates]].astype(float)
    reference = cause_specific_cox(
        data,
        duration="days",
        event="exit_type",
        covariates=list(fit.covariates),
        cluster="person_id",
        engine="lifelines",
    ).table()
    ours = fit.model.table()
    for column in ("hazard_ratio", "lower", "upper"):
        np.testing.assert_allclose(ours[column], reference[column], rtol=1e-6)
        assert (ours[column].round(2) == reference[column].round(2)).all()


def test_too_few_returns_gives_no_model() -> None:
    _, index, _ = prepared()
    few = index.select(Filters()).head(30)
    assert fit_hazards(few, K).model is None


@functools.cache
def released() -> dict[str, dict[str, Any]]:
    _, index, paths = prepared()
    release = protect_release(index.labelled, funnel_base_from_paths(paths), K)
    keys = ["all", "form:labour", "region:rotterdam", "cohort:2022"]
    return release_tables(index, paths, release, K, keys=keys)


@pytest.mark.parametrize("key", ["all", "form:labour", "region:rotterdam", "cohort:2022"])
def test_no_published_count_below_k(key: str) -> None:
    tables = released()[key]
    counts: list[Any] = [row["trajectories"] for row in tables["funnel"]]
    for rows in tables["incidence"].values():
        counts += [row["episodes"] for row in rows] + [row["events"] for row in rows]
    flows = tables["flows"]
    counts += [row["trajectories"] for row in flows["variants"]]
    counts += [row["trajectories"] for row in flows["edges"]]
    # distinct persons are not published (trajectories minus persons could be below k)
    assert not any("persons" in row for row in flows["variants"] + flows["edges"])
    for pair in tables["completeness"].values():
        counts += [cell["value"] for cell in pair]
    shown = [int(c) for c in counts if c is not None]
    # a 0 (nobody) is published by design (ADR 0021); every other count reaches k
    assert shown and all(c >= K or c == 0 for c in shown)
    assert any(c >= K for c in shown)


def test_the_funnel_base_from_paths_adds_up_to_the_cells_of_each_selection() -> None:
    _, _, paths = prepared()
    base = funnel_base_from_paths(paths)
    assert int(base["count"].sum()) == len(paths)
    mask = paths.select(region="utrecht")
    cells = funnel_cells_from_paths(paths, mask)
    mine = base[base["region"] == "utrecht"]
    for stage in FLOW_STAGES:
        assert int(mine.loc[mine[stage.value], "count"].sum()) == int(
            cells.loc[cells[stage.value], "count"].sum()
        )


def _episode_matrix(
    index: EpisodeIndex, audit: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every count of the episode release as a 0/1 row over the episodes, its status, its
    count."""
    episodes = index.labelled
    days = episodes["days"].to_numpy()
    returned = (episodes["exit_type"] == 1).to_numpy()
    lost = episodes["lost_to_follow_up"].astype(bool).to_numpy()
    measures = {"episodes": np.ones(len(episodes), dtype=bool), "lost": lost}
    for months, limit in ((3, 91), (6, 183), (12, 365), (24, 730)):
        measures[f"returns_{months}"] = returned & (days <= limit)
        measures[f"lost_{months}"] = lost & (days <= limit)
    levels = {name: episodes[name].astype(str).to_numpy() for name in ("form", "region", "cohort")}
    matrix = np.zeros((len(audit), len(episodes)))
    for row, cell in enumerate(audit.itertuples()):
        mask = measures[str(cell.measure)].copy()
        for name, values in levels.items():
            level = getattr(cell, name)
            if level != "Total":
                mask &= values == str(level)
        matrix[row] = mask
    status = audit["status"].astype(str).map({"published": 0, "primary": 1, "secondary": 2})
    return matrix, status.to_numpy(dtype=np.int8), audit["count"].to_numpy()


def test_no_count_of_any_selection_is_derivable_and_the_check_fails_without_secondary() -> None:
    """The exact linear audit over every published count of all selections (form x region x
    cohort with all margins, every measure): no suppressed count is a linear combination of
    published ones. With only primary suppression (secondary switched off) it finds some."""
    _, index, paths = prepared()
    release = protect_release(index.labelled, funnel_base_from_paths(paths), K)
    assert release.episodes is not None
    matrix, status, values = _episode_matrix(index, release.episodes.audit)
    used = matrix.any(axis=1)
    matrix, status, values = matrix[used], status[used], values[used]
    assert (values[status == 0] >= K).all()
    assert not determined(status, matrix).any()
    primary_only = np.where(values >= K, 0, 1).astype(np.int8)
    assert determined(primary_only, matrix).any()
