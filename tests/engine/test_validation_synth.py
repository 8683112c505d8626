"""The monitor on the synthetic region: episodes built from the generated events agree with the
generator's ground truth, and a cause-specific Cox model on them recovers the true hazard
ratios. The full study (50 replicates) is benchmarks/monitor_coverage.py."""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np
import pandas as pd
import pytest

from schakel.engine.survival import cause_specific_cox
from schakel.engine.synth import (
    RegionParameters,
    SyntheticRegion,
    generate_region,
    region_event_log,
)
from schakel.engine.trajectories.episodes import EpisodeBuild, build_episodes
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import InterventionType as I
from schakel.engine.vocabulary import ModusOperandi as M
from schakel.engine.vocabulary import PlacementType as P

Key = Literal["person", "trajectory"]


@functools.cache
def small_region() -> SyntheticRegion:
    return generate_region(RegionParameters(seed=11, persons=1_500, years=4))


def build(region: SyntheticRegion, key: Key) -> EpisodeBuild:
    as_of = region.parameters.end_date
    log = region_event_log(region, linked=key == "person")
    return build_episodes(log, as_of=as_of, timezone="UTC")


def truth(region: SyntheticRegion) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trajectory_id": e.trajectory_key,
            "observed_days": e.observation.observed_days,
            "observed_type": e.observation.observed_outcome.code,
            "lost": e.observation.lost_to_follow_up,
            "true_days": e.observation.true_days,
            "true_type": e.observation.true_outcome.code,
            "form": e.covariates.form.value,
            "modus_operandi": e.covariates.modus_operandi.value,
            "placement": e.covariates.placement.value,
            "minor": e.covariates.minor,
            "prior": e.covariates.prior_episodes,
            "trauma_care": I.TRAUMA_CARE in e.covariates.interventions,
        }
        for e in region.episodes
    ).set_index("trajectory_id")


def test_without_linkage_episodes_are_what_the_organisation_observed() -> None:
    region = small_region()
    episodes = build(region, "trajectory").episodes.set_index("trajectory_id")
    expected = truth(region)
    got = episodes.loc[expected.index]
    assert (got["days"] == expected["observed_days"]).all()
    assert (got["exit_type"] == expected["observed_type"]).all()
    assert (got["lost_to_follow_up"] == expected["lost"]).all()
    for column in ("form", "modus_operandi", "placement"):
        assert (got[column].astype(str) == expected[column]).all(), column
    assert (got["minor"].astype(bool) == expected["minor"]).all()
    assert (got["intervention_trauma_care"] == expected["trauma_care"]).all()
    others = episodes.drop(index=expected.index)  # exits abroad are not at risk in the truth
    assert (others["exit_kind"] == "left_netherlands").all() and (others["days"] == 0).all()


def test_with_linkage_more_returns_are_seen_and_each_is_true() -> None:
    region = small_region()
    linked = build(region, "person").episodes.set_index("trajectory_id")
    expected = truth(region)
    got = linked.loc[expected.index]
    returns = got["exit_type"] == 1
    assert (expected.loc[returns, "true_type"] == 1).all()
    assert (got.loc[returns, "days"] == expected.loc[returns, "true_days"]).all()
    assert returns.sum() > (expected["observed_type"] == 1).sum()
    assert (got["prior_episodes"] == expected["prior"]).all()


def design(episodes: pd.DataFrame, full: bool = True) -> tuple[pd.DataFrame, dict[str, float]]:
    """Dummies against the generator's reference person, with the true log hazard ratios."""
    c = RegionParameters().coefficients
    columns: dict[str, np.ndarray] = {}
    true: dict[str, float] = {}

    def add(name: str, values: pd.Series, beta: float) -> None:
        if values.astype(float).std() > 0:
            columns[name], true[name] = values.to_numpy(dtype=float), beta

    for kind in I:
        if kind != I.OTHER:
            add(f"intervention[{kind}]", episodes[f"intervention_{kind}"], c.intervention[kind])
    if full:
        for form in (F.LABOUR, F.CRIMINAL):
            add(f"form[{form}]", episodes["form"] == form, c.form[form])
        for mo in M:
            if mo != M.OTHER:
                add(f"mo[{mo}]", episodes["modus_operandi"] == mo, c.modus_operandi[mo])
        for place in P:
            if place != P.OTHER:
                add(f"placement[{place}]", episodes["placement"] == place, c.placement[place])
        minor = episodes["minor"].astype(bool)
        add("minor", minor, c.minor)
        add("own_home_minor", minor & (episodes["placement"] == P.OWN_HOME), c.own_home_minor)
        add("prior_episode", episodes["prior_episodes"].clip(upper=3), c.prior_episode)
    return pd.DataFrame(columns, index=episodes.index), true


@functools.cache
def linked_episodes(seed: int, persons: int) -> pd.DataFrame:
    """Organ removal (0.5% of persons) is left out: too few returns to estimate its effect."""
    region = generate_region(RegionParameters(seed=seed, persons=persons))
    episodes = build(region, "person").episodes
    return episodes[episodes["form"] != F.ORGAN_REMOVAL].reset_index(drop=True)


def coverage(seeds: range, persons: int, full: bool = True) -> pd.DataFrame:
    """Per replicate and coefficient: is the true value inside the 95% interval?"""
    rows = []
    for seed in seeds:
        episodes = linked_episodes(seed, persons)
        x, true = design(episodes, full)
        data = x.assign(
            days=episodes["days"], exit_type=episodes["exit_type"], person=episodes["person_id"]
        )
        model = cause_specific_cox(
            data,
            duration="days",
            event="exit_type",
            covariates=list(true),
            cluster="person",
            engine="schakel",
        )
        beta = np.array(list(true.values()))
        half = 1.959964 * model.std_error
        inside = (model.coef - half <= beta) & (beta <= model.coef + half)
        rows += [(seed, name, ok) for name, ok in zip(true, inside, strict=True)]
    return pd.DataFrame(rows, columns=["seed", "coefficient", "inside"])


@pytest.mark.slow
def test_cox_on_built_episodes_covers_the_true_hazard_ratios() -> None:
    result = coverage(range(1, 7), persons=4_000)
    per_coefficient = result.groupby("coefficient")["inside"].mean()
    assert result["inside"].mean() >= 0.85
    assert per_coefficient.min() >= 0.5, per_coefficient.sort_values().head()
    assert len(per_coefficient) >= 25  # nearly every coefficient of the model was estimated


@pytest.mark.slow
def test_the_check_notices_confounding_when_covariates_are_left_out() -> None:
    """Interventions are assigned by form, age and modus operandi: without them in the model,
    education (given to minors, who return more) no longer covers its true effect."""
    result = coverage(range(1, 7), persons=4_000, full=False)
    per_coefficient = result.groupby("coefficient")["inside"].mean()
    assert per_coefficient["intervention[education]"] <= 0.5
