"""Loss to follow-up sensitivity: standard, IPCW and best-/worst-case cumulative incidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from schakel.engine.survival import SurvivalDataError, aalen_johansen
from schakel.engine.survival.censoring import (
    fit_censoring_model,
    ipcw_cumulative_incidence,
    loss_sensitivity,
)

HAND_TIMES = np.array([1, 2, 3, 4, 5, 6])
HAND_CODES = np.array([1, 0, 2, 0, 1, 0])
HAND_LOST = np.array([False, True, False, False, False, False])


def test_hand_example_standard_best_and_worst_case() -> None:
    # t=1: 1 of 6 returns; t=2: the lost person; t=3: a stable exit (4 at risk); t=5: 1 of 2.
    table = loss_sensitivity(HAND_TIMES, HAND_CODES, HAND_LOST, horizons=[1.5, 5])
    assert table["standard"].tolist() == pytest.approx([1 / 6, 1 / 6 + 5 / 8 * 1 / 2])
    # worst: the lost person returns at 2 (1 of 5): F = 1/6 + 5/6 * 1/5, then 1/2 * 1/2
    assert table["worst_case"].tolist() == pytest.approx([1 / 6, 1 / 3 + 1 / 4])
    # best: the lost person leaves without return at 2: S = 2/3, 1/2 after t=3, then 1/2 * 1/2
    assert table["best_case"].tolist() == pytest.approx([1 / 6, 1 / 6 + 1 / 4])
    assert table["ipcw"].tolist() == pytest.approx(table["standard"].tolist())


def test_worst_case_is_the_loss_as_an_event_and_best_case_as_a_competing_exit() -> None:
    rng = np.random.default_rng(3)
    times, codes, lost = _random_data(rng, 400)
    horizons = np.array([30.0, 90.0, 180.0])
    table = loss_sensitivity(times, codes, lost, horizons=horizons)
    worst = aalen_johansen(times, np.where(lost, 1, codes), causes=[1]).incidence[1].at(horizons)
    best = aalen_johansen(times, np.where(lost, 9, codes), causes=[1]).incidence[1].at(horizons)
    assert table["worst_case"].to_numpy() == pytest.approx(worst["estimate"].to_numpy())
    assert table["best_case"].to_numpy() == pytest.approx(best["estimate"].to_numpy())


@pytest.mark.parametrize("seed", range(8))
def test_bounds_enclose_the_standard_and_ipcw_estimates(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times, codes, lost = _random_data(rng, 300)
    group = rng.integers(0, 3, times.size)
    data = pd.DataFrame({"days": times, "lost": lost, "group": group})
    model = fit_censoring_model(data, duration="days", lost="lost", covariates=["group"])
    table = loss_sensitivity(
        times, codes, lost, horizons=[30, 90, 180], risk=model.risk(data), model=model
    )
    for name in ("standard", "ipcw"):
        assert np.all(table["best_case"] <= table[name] + 1e-12)
        assert np.all(table[name] <= table["worst_case"] + 1e-12)


def test_without_loss_all_four_agree() -> None:
    rng = np.random.default_rng(5)
    times, codes, _ = _random_data(rng, 300)
    codes = np.where(codes == 0, 2, codes)  # every ending observed
    table = loss_sensitivity(times, codes, np.zeros(times.size, bool), horizons=[30, 90, 180])
    for name in ("ipcw", "best_case", "worst_case"):
        assert table[name].to_numpy() == pytest.approx(table["standard"].to_numpy())


def test_ipcw_with_a_censoring_model_without_covariates_is_the_aalen_johansen() -> None:
    rng = np.random.default_rng(8)
    times, codes, lost = _random_data(rng, 500)
    data = pd.DataFrame({"days": times, "lost": lost})
    model = fit_censoring_model(data, duration="days", lost="lost")
    assert model.terms == () and model.cumulative_hazard[-1] > 0
    ipcw = ipcw_cumulative_incidence(
        times, codes, risk=model.risk(data), model=model, horizons=[30, 90, 180]
    )
    standard = aalen_johansen(times, codes, causes=[1]).incidence[1].at([30, 90, 180])
    assert ipcw == pytest.approx(standard["estimate"].to_numpy(), abs=1e-12)


def test_ipcw_with_covariates_unrelated_to_loss_stays_near_the_standard() -> None:
    rng = np.random.default_rng(13)
    times, codes, lost = _random_data(rng, 6000)
    data = pd.DataFrame({"days": times, "lost": lost, "group": rng.integers(0, 3, times.size)})
    model = fit_censoring_model(data, duration="days", lost="lost", covariates=["group"])
    assert len(model.terms) == 2
    table = loss_sensitivity(
        times, codes, lost, horizons=[30, 90, 180], risk=model.risk(data), model=model
    )
    assert table["ipcw"].to_numpy() == pytest.approx(table["standard"].to_numpy(), abs=0.01)


def test_ipcw_matches_a_direct_weighted_computation() -> None:
    """Weights 1/K_i(t-) with K_i = exp(-H0(t-) exp(x_i b)), computed person by person."""
    rng = np.random.default_rng(21)
    times, codes, lost = _random_data(rng, 120)
    data = pd.DataFrame({"days": times, "lost": lost, "group": rng.integers(0, 2, times.size)})
    model = fit_censoring_model(
        data, duration="days", lost="lost", covariates=["group"], min_events=1
    )
    risk = model.risk(data)
    horizons = np.array([40.0, 150.0])
    ipcw = ipcw_cumulative_incidence(times, codes, risk=risk, model=model, horizons=horizons)
    survival, incidence, curve = 1.0, 0.0, {}
    for t in np.unique(times[codes > 0]):
        steps = np.diff(model.cumulative_hazard, prepend=0)
        hazard = sum(d for s, d in zip(model.times, steps, strict=True) if s < t)
        weight = np.minimum(np.exp(hazard * risk), model.max_weight)
        at_risk = weight[times >= t].sum()
        own = weight[(times == t) & (codes == 1)].sum() / at_risk
        every = weight[(times == t) & (codes > 0)].sum() / at_risk
        incidence += survival * own
        survival *= 1 - every
        curve[t] = incidence
    expected = [max((v for t, v in curve.items() if t <= h), default=0.0) for h in horizons]
    assert ipcw == pytest.approx(expected, rel=1e-9)


def test_ipcw_undoes_informative_loss_that_the_model_knows_about() -> None:
    """High-risk people are lost more often: the standard estimate is too low, IPCW is not."""
    rng = np.random.default_rng(2)
    n = 20000
    high = rng.random(n) < 0.5
    returned_at = rng.exponential(np.where(high, 150.0, 900.0))
    lost_at = rng.exponential(np.where(high, 120.0, 3000.0))
    end = rng.uniform(200, 800, n)
    times = np.ceil(np.minimum.reduce([returned_at, lost_at, end]))
    codes = np.where(returned_at <= np.minimum(lost_at, end), 1, 0)
    lost = (codes == 0) & (lost_at < end)
    data = pd.DataFrame({"days": times, "lost": lost, "high": high})
    model = fit_censoring_model(data, duration="days", lost="lost", covariates=["high"])
    table = loss_sensitivity(
        times, codes, lost, horizons=[90, 180], risk=model.risk(data), model=model
    )
    truth = np.array([np.mean(np.ceil(returned_at) <= h) for h in (90, 180)])
    standard_error = np.abs(table["standard"].to_numpy() - truth)
    ipcw_error = np.abs(table["ipcw"].to_numpy() - truth)
    assert np.all(standard_error > 0.02)
    assert np.all(ipcw_error < 0.01)
    assert np.all(table["best_case"] < truth) and np.all(truth < table["worst_case"])


def test_beyond_the_last_follow_up_nothing_is_estimated() -> None:
    table = loss_sensitivity(HAND_TIMES, HAND_CODES, HAND_LOST, horizons=[5, 100])
    assert table.iloc[1][["standard", "ipcw", "best_case", "worst_case"]].isna().all()


def test_bad_input_is_refused() -> None:
    with pytest.raises(SurvivalDataError, match="censored"):
        loss_sensitivity([1, 2], [1, 0], [True, False], horizons=[1])
    with pytest.raises(SurvivalDataError, match="length"):
        loss_sensitivity([1, 2], [1, 0], [True], horizons=[1])
    data = pd.DataFrame({"days": [1, 2], "lost": [False, True]})
    with pytest.raises(SurvivalDataError, match="unknown"):
        fit_censoring_model(data, duration="days", lost="lost", covariates=["nope"])


def _random_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    times = rng.integers(1, 250, n).astype(float)
    codes = rng.choice([0, 1, 2, 3], size=n, p=[0.35, 0.25, 0.3, 0.1])
    lost = (codes == 0) & (rng.random(n) < 0.6)
    return times, codes, lost
