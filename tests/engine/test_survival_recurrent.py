"""Recurrent events (lifelines' recur data: 400 people, 939 events) against R's coxph/survfit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_recur

from schakel.engine.survival import (
    SurvivalDataError,
    andersen_gill,
    mean_cumulative_function,
    nelson_aalen,
    prentice_williams_peterson,
)
from schakel.engine.survival.recurrent import Timescale

COLUMNS = {"start": "TIME0", "stop": "TIME1", "event": "CENSOR", "person": "ID"}


@pytest.fixture(scope="module")
def recur() -> pd.DataFrame:
    return load_recur()


def test_andersen_gill_matches_r(recur: pd.DataFrame) -> None:
    # coxph(Surv(TIME0, TIME1, CENSOR) ~ AGE + TREAT + cluster(ID))
    model = andersen_gill(recur, covariates=["AGE", "TREAT"], **COLUMNS)
    assert np.round(model.coef, 4).tolist() == [0.0445, 0.2454]
    assert model.coef == pytest.approx([0.04449862785, 0.24540165234], abs=5e-7)
    assert np.round(model.std_error, 4).tolist() == [0.0076, 0.0482]
    assert model.robust_std_error == pytest.approx([0.007570149891, 0.048196418558], abs=5e-7)
    assert model.naive_std_error == pytest.approx([0.01087693849, 0.06579834964], abs=5e-7)
    assert model.log_likelihood == pytest.approx(-5172.363219, abs=1e-5)
    assert (model.n_observations, model.n_events, model.n_clusters) == (1296, 939, 400)


@pytest.mark.parametrize(
    ("timescale", "coef", "robust", "naive"),
    [
        # coxph(Surv(TIME0, TIME1, CENSOR) ~ AGE + TREAT + strata(EVENT) + cluster(ID))
        (
            "total",
            [0.05855799508, 0.48230857738],
            [0.01040810254, 0.07198266550],
            [0.01096698312, 0.07010676759],
        ),
        # coxph(Surv(TIME1 - TIME0, CENSOR) ~ AGE + TREAT + strata(EVENT) + cluster(ID))
        (
            "gap",
            [0.05734868919, 0.46635528330],
            [0.01018762838, 0.06794746168],
            [0.01081447043, 0.06846627007],
        ),
    ],
)
def test_prentice_williams_peterson_matches_r(
    recur: pd.DataFrame,
    timescale: Timescale,
    coef: list[float],
    robust: list[float],
    naive: list[float],
) -> None:
    model = prentice_williams_peterson(
        recur, covariates=["AGE", "TREAT"], episode="EVENT", timescale=timescale, **COLUMNS
    )
    assert model.coef == pytest.approx(coef, abs=5e-7)
    assert model.std_error == pytest.approx(robust, abs=5e-7)
    assert model.naive_std_error == pytest.approx(naive, abs=5e-7)
    if timescale == "total":  # analytics.md, to the digits it gives
        assert np.round(model.coef, 4).tolist() == [0.0586, 0.4823]
        assert np.round(model.std_error, 4).tolist() == [0.0104, 0.0720]


def test_robust_variance_is_by_person_not_by_row(recur: pd.DataFrame) -> None:
    """One cluster per row reproduces the plain sandwich; by person it is R's robust variance."""
    per_row = andersen_gill(
        recur.assign(ROW=np.arange(len(recur))),
        covariates=["AGE", "TREAT"],
        **{**COLUMNS, "person": "ROW"},
    )
    per_person = andersen_gill(recur, covariates=["AGE", "TREAT"], **COLUMNS)
    assert per_row.coef == pytest.approx(per_person.coef)
    assert per_row.n_clusters == 1296
    assert not np.allclose(per_row.std_error, per_person.std_error, atol=1e-4)


def test_mean_cumulative_function_matches_r_robust_cumulative_hazard(recur: pd.DataFrame) -> None:
    # summary(survfit(Surv(TIME0, TIME1, CENSOR) ~ 1, id = ID, robust = TRUE), times = ...)
    curve = mean_cumulative_function(recur.TIME0, recur.TIME1, recur.CENSOR, recur.ID)
    table = curve.at([10, 50, 100, 200])
    assert table.estimate.to_numpy() == pytest.approx(
        [0.4031146736, 1.5043809992, 2.4694362573, 3.9452075988], abs=1e-9
    )
    assert table.std_error.to_numpy() == pytest.approx(
        [0.03162050256, 0.05622725463, 0.07003184886, 0.13829350689], abs=1e-9
    )


def test_with_one_episode_each_the_mean_count_is_nelson_aalen() -> None:
    rng = np.random.default_rng(3)
    stop = rng.integers(1, 50, 200).astype(float)
    event = rng.integers(0, 2, 200)
    curve = mean_cumulative_function(np.zeros(200), stop, event, np.arange(200))
    hazard = nelson_aalen(stop, event)
    assert curve.estimate == pytest.approx(hazard.estimate)
    # independent people: the robust variance is sum d(n - d)/n^3, below Aalen's sum d/n^2
    assert np.all(curve.std_error <= hazard.std_error + 1e-12)


def test_hand_computed_mean_count() -> None:
    # person a: events at 2 and 5, followed to 6; person b: event at 5, followed to 5.
    curve = mean_cumulative_function([0, 2, 5, 0], [2, 5, 6, 5], [1, 1, 0, 1], list("aaab"))
    assert curve.times.tolist() == [2.0, 5.0]
    assert curve.estimate.tolist() == pytest.approx([0.5, 1.5])  # 1/2, then 2 events / 2 at risk
    assert curve.at_risk.tolist() == [2.0, 2.0]
    assert curve.at([6]).estimate[0] == pytest.approx(1.5)


def test_bad_intervals_are_rejected() -> None:
    with pytest.raises(SurvivalDataError, match="stop > start"):
        mean_cumulative_function([0, 5], [5, 5], [1, 1], [1, 2])
    with pytest.raises(SurvivalDataError, match="overlapping"):
        mean_cumulative_function([0, 3], [5, 8], [1, 1], [1, 1])
    frame = pd.DataFrame({"a": [0], "b": [1], "e": [1], "p": [1], "k": [1], "x": [1.0]})
    with pytest.raises(SurvivalDataError, match="timescale"):
        prentice_williams_peterson(
            frame,
            start="a",
            stop="b",
            event="e",
            person="p",
            episode="k",
            covariates=["x"],
            timescale="calendar",  # type: ignore[arg-type]
        )
