"""The publication design (ADR 0021): secondary suppression gives up detail before the
headline, the release protects only the selections the pages publish, zeros are published,
and hidden headline cells of the table by form get a noised figure with its budget."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure import Quantities, Status, determined, suppress
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import EpisodeIndex, funnel_base_from_paths, protect_release
from schakel.engine.monitor.noised import (
    MIN_EPISODES,
    NoisedFigures,
    noised_figures,
    noised_for_release,
)
from schakel.engine.monitor.published import release_tables
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episodes import build_episodes

K = 10


def _nested(priority: list[int] | None) -> np.ndarray:
    """Returns by 12 months (41) inside returns by 24 months (49) inside all episodes (149):
    the 8 returns between 12 and 24 months are a group below k, so one of the two goes."""
    members = (np.array([0]), np.array([0, 1]), np.array([0, 1, 2]))
    quantities = Quantities(
        values=np.array([41, 49, 149]),
        members=members,
        table=np.array([0, 1, 2]),
        base_cells=3,
        priority=None if priority is None else np.array(priority),
    )
    status = suppress(quantities, k=K).status
    matrix = np.array([[1.0, 0, 0], [1, 1, 0], [1, 1, 1]])
    assert not determined(status, matrix).any()
    return status


def test_priority_chooses_which_of_two_close_counts_secondary_suppression_gives_up() -> None:
    published, secondary = Status.PUBLISHED, Status.SECONDARY
    assert _nested(None).tolist() == [secondary, published, published]  # the smaller goes
    assert _nested([1, 0, 1]).tolist() == [published, secondary, published]
    assert _nested([0, 1, 1]).tolist() == [secondary, published, published]


@functools.cache
def region() -> tuple[EpisodeIndex, Any, Any]:
    generated = generate_region(RegionParameters(seed=2024, persons=3_144))
    log = region_event_log(generated, linked=True)
    built = build_episodes(log, as_of=generated.parameters.end_date, timezone="UTC")
    index = EpisodeIndex.build(built.episodes)
    paths = path_index(log)
    return index, paths, protect_release(index.labelled, funnel_base_from_paths(paths), K)


@functools.cache
def all_tables() -> dict[str, Any]:
    index, paths, release = region()
    return release_tables(index, paths, release, K, keys=["all"])["all"]


def test_every_large_form_has_its_12_and_24_month_returns_published_exactly_or_noised() -> None:
    index, _, _ = region()
    sizes = index.labelled["form"].astype(str).value_counts()
    large = [form for form, size in sizes.items() if size >= MIN_EPISODES]
    assert len(large) >= 3
    content = all_tables()
    rows = content["incidence"]["form"]
    noised = {(r["level"], r["horizon_months"]): r for r in content["noised"]["rows"]}
    for form in large:
        for months in (12, 24):
            (row,) = [r for r in rows if r["level"] == form and r["horizon_months"] == months]
            if row["events"] is None:
                assert (form, months) in noised, (form, months)
            else:
                assert row["events"] >= K and (form, months) not in noised
    assert noised, "on this region the exact release hides some 12-month returns per form"
    budget = content["noised"]["budget"]
    assert budget["epsilon"] == 1.0 and budget["mechanism"] == "geometric"


def test_without_the_design_the_table_by_form_hides_the_headline() -> None:
    """Before ADR 0021 (every combination, smallest first, zeros hidden) the table by form of
    the whole region fell back to hiding every count."""
    index, paths, _ = region()
    before = protect_release(index.labelled, funnel_base_from_paths(paths), K, design=False)
    content = release_tables(index, paths, before, K, keys=["all"], epsilon=None)["all"]
    shown = [r for r in content["incidence"]["form"] if r["events"] is not None]
    after = [r for r in all_tables()["incidence"]["form"] if r["events"] is not None]
    assert len(after) > len(shown)


def test_noised_returns_are_close_to_the_true_counts_and_cost_the_stated_budget() -> None:
    index, _, _ = region()
    episodes = index.labelled
    figures = noised_figures(episodes, epsilon=1.0)
    assert figures.private.entry.epsilon == 1.0
    assert figures.private.entry.sensitivity == 2
    bounded = episodes.sort_values(["person_id", "exit_date"], kind="stable")
    bounded = bounded[bounded.groupby("person_id").cumcount() < 2]
    for months, days in ((12, 365), (24, 730)):
        true = (
            bounded[(bounded["exit_type"] == 1) & (bounded["days"] <= days)]
            .groupby(bounded["form"].astype(str))
            .size()
        )
        for form, count in true.items():
            noisy = figures.figures[(form, months)]["events"]
            # the sum of at most 4 cells of sd 2.8: 6 sd is about 34
            assert abs(noisy - int(count)) <= 34, (form, months, noisy, count)
    assert isinstance(figures.private.histogram, pd.DataFrame)


def test_the_noise_is_drawn_once_per_quarter_and_republished_unchanged_within_it() -> None:
    index, _, _ = region()
    episodes = index.labelled
    first = noised_for_release(episodes, as_of=dt.date(2026, 11, 2), previous=None)
    assert first.private is not None and first.period == "2026-Q4"
    assert first.budget()["epsilon_per_year"] == 4.0
    stored = first.to_json()
    # a release later in the quarter republishes the draw: averaging releases gains nothing
    again = noised_for_release(episodes, as_of=dt.date(2026, 12, 31), previous=stored)
    assert again.private is None  # no new draw, no new cost
    assert again.figures == first.figures and again.budget() == first.budget()
    assert NoisedFigures.from_json(stored).to_json() == stored
    # a new quarter, or another budget, draws anew
    january = noised_for_release(episodes, as_of=dt.date(2027, 1, 1), previous=stored)
    assert january.private is not None and january.period == "2027-Q1"
    other = noised_for_release(episodes, as_of=dt.date(2026, 12, 1), previous=stored, epsilon=0.5)
    assert other.private is not None and other.cost["epsilon"] == 0.5
    draws = [
        noised_for_release(episodes, as_of=dt.date(2027, 1, 1), previous=None).figures
        for _ in range(3)
    ]
    assert any(d != first.figures for d in draws)  # a new draw is fresh noise
