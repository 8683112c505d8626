"""Cause-specific Cox models against R's coxph (survival 3.5-3, Efron ties) and lifelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_rossi

from schakel.engine.survival import SurvivalDataError, cause_specific_cox
from schakel.engine.survival.cox import Engine

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
# coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, ties = "efron")
ROSSI_COEF = [-0.3794222, -0.0574377, 0.3138998, -0.1497957, -0.4337039, -0.0848711, 0.0914971]
ROSSI_SE = [0.1913795, 0.0219995, 0.3079928, 0.2122243, 0.3818681, 0.1957567, 0.0286485]


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return load_rossi()


@pytest.mark.parametrize("engine", ["lifelines", "schakel"])
def test_rossi_matches_r(rossi: pd.DataFrame, engine: Engine) -> None:
    model = cause_specific_cox(
        rossi,
        duration="week",
        event="arrest",
        covariates=ROSSI_COVARIATES,
        engine=engine,
    )
    assert model.coef == pytest.approx(ROSSI_COEF, abs=5e-6)
    assert model.std_error == pytest.approx(ROSSI_SE, abs=5e-6)
    assert np.round(model.coef, 4).tolist() == [
        -0.3794,
        -0.0574,
        0.3139,
        -0.1498,
        -0.4337,
        -0.0849,
        0.0915,
    ]
    assert model.log_likelihood == pytest.approx(-658.7476594, abs=1e-5)
    assert model.null_log_likelihood == pytest.approx(-675.3806323, abs=1e-5)
    assert round(model.likelihood_ratio, 2) == 33.27
    assert model.robust_std_error is None and model.variance == "model-based"
    assert model.table().loc["prio", "hazard_ratio"] == pytest.approx(np.exp(0.0914971), abs=1e-6)


def _weekly_competing(seed: int, n: int) -> pd.DataFrame:
    u = np.random.default_rng(seed).random((n, 5))
    x1 = np.round(u[:, 0] * 4 - 2, 1)
    x2 = (u[:, 1] < 0.4).astype(float)
    t1 = -np.log(u[:, 2]) * 120 * np.exp(-0.5 * x1 - 0.7 * x2)
    t2 = -np.log(u[:, 3]) * 90 * np.exp(0.3 * x1)
    censor = u[:, 4] * 150
    time = np.ceil(np.minimum(np.minimum(t1, t2), censor) / 7)
    status = np.where(censor <= np.minimum(t1, t2), 0, np.where(t1 < t2, 1, 2))
    frame = pd.DataFrame({"time": time, "status": status, "x1": x1, "x2": x2})
    return frame.assign(group=np.arange(n) // 3)


@pytest.mark.parametrize("engine", ["lifelines", "schakel"])
def test_other_causes_censored_clusters_and_strata_match_r(engine: Engine) -> None:
    data = _weekly_competing(2024, 300)
    clustered = cause_specific_cox(
        data,
        duration="time",
        event="status",
        cause=1,
        covariates=["x1", "x2"],
        cluster="group",
        engine=engine,
    )
    # coxph(Surv(time, status == 1) ~ x1 + x2 + cluster(group))
    assert clustered.coef == pytest.approx([0.4592988017, 0.7586060233], abs=5e-6)
    assert clustered.std_error == pytest.approx([0.0863671664, 0.1840804533], abs=5e-6)
    assert clustered.naive_std_error == pytest.approx([0.0823526254, 0.1810530173], abs=5e-6)
    assert clustered.n_clusters == 100 and clustered.n_events == 126
    stratified = cause_specific_cox(
        data,
        duration="time",
        event="status",
        cause=2,
        covariates=["x1"],
        strata="x2",
        engine=engine,
    )
    # coxph(Surv(time, status == 2) ~ x1 + strata(x2))
    assert stratified.coef[0] == pytest.approx(-0.287348051, abs=5e-6)
    assert stratified.std_error[0] == pytest.approx(0.09332856384, abs=5e-6)
    assert stratified.log_likelihood == pytest.approx(-391.0468974, abs=1e-5)


def test_both_engines_agree_on_large_tied_data() -> None:
    rng = np.random.default_rng(11)
    n = 5_000
    x = rng.normal(size=(n, 3))
    time = np.ceil(rng.exponential(200, n) * np.exp(-x @ np.array([0.3, -0.2, 0.1])))
    censor = rng.integers(1, 365, n)
    data = pd.DataFrame(x, columns=["a", "b", "c"])
    data["days"] = np.minimum(time, censor).astype(int)
    data["exit"] = np.where(time <= censor, rng.integers(1, 3, n), 0)
    fits = [
        cause_specific_cox(
            data, duration="days", event="exit", covariates=["a", "b", "c"], engine=e
        )
        for e in ("lifelines", "schakel")
    ]
    assert fits[0].coef == pytest.approx(fits[1].coef, abs=1e-6)
    assert fits[0].std_error == pytest.approx(fits[1].std_error, abs=1e-6)
    assert fits[0].log_likelihood == pytest.approx(fits[1].log_likelihood, abs=1e-6)


def test_intervals_cover_the_true_hazard_ratio() -> None:
    """Twenty seeded replicates with known log hazard ratios (0.5, -0.3): at least 17 cover."""
    truth = np.array([0.5, -0.3])
    covered = np.zeros(2, dtype=int)
    for seed in range(20):
        rng = np.random.default_rng(1000 + seed)
        n = 400
        x = np.column_stack([rng.normal(size=n), rng.integers(0, 2, n)])
        event = rng.exponential(100, n) * np.exp(-x @ truth)
        competing = rng.exponential(150, n)
        censor = rng.uniform(0, 300, n)
        frame = pd.DataFrame(x, columns=["x", "group"])
        frame["days"] = np.ceil(np.minimum.reduce([event, competing, censor]))
        frame["exit"] = np.select(
            [event <= np.minimum(competing, censor), competing <= censor], [1, 2], 0
        )
        model = cause_specific_cox(
            frame, duration="days", event="exit", covariates=["x", "group"], engine="schakel"
        )
        covered += (np.log(model.lower) <= truth) & (truth <= np.log(model.upper))
    assert np.all(covered >= 17)


def test_bad_models_are_rejected(rossi: pd.DataFrame) -> None:
    with pytest.raises(SurvivalDataError, match="no events of cause 2"):
        cause_specific_cox(rossi, duration="week", event="arrest", cause=2, covariates=["age"])
    collinear = rossi.assign(age2=rossi.age * 2)
    with pytest.raises(SurvivalDataError, match="singular"):
        cause_specific_cox(
            collinear, duration="week", event="arrest", covariates=["age", "age2"], engine="schakel"
        )
    with pytest.raises(SurvivalDataError, match="unknown columns"):
        cause_specific_cox(rossi, duration="week", event="arrest", covariates=["height"])
    with pytest.raises(SurvivalDataError, match="numeric"):
        cause_specific_cox(
            rossi.assign(city="Utrecht"), duration="week", event="arrest", covariates=["city"]
        )
