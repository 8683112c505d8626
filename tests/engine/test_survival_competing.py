"""Aalen-Johansen cumulative incidence and Fine-Gray against R (cmprsk 2.2-11) and by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from schakel.engine.survival import (
    SurvivalDataError,
    aalen_johansen,
    cause_specific_cox,
    fine_gray,
)

# Scrucca, Santucci & Aversa (2007), Bone Marrow Transplantation 40:381-7: 35 patients,
# (dis 0 ALL / 1 AML, ftime months, status 0 censored / 1 relapse / 2 transplant-related death).
BMT_ROWS = (
    "0,13,2 0,1,1 0,72,0 0,7,2 0,8,2 1,67,0 0,9,2 0,5,2 1,70,0 1,4,0 1,7,0 1,68,0 0,1,2 "
    "1,10,2 1,7,2 1,3,1 1,4,1 1,4,1 1,3,1 1,3,1 0,22,2 1,8,1 1,2,2 0,0,2 0,0,1 0,35,0 "
    "1,35,0 0,4,2 0,14,2 0,26,2 0,3,2 1,2,0 1,8,0 1,32,0 0,12,1"
)


@pytest.fixture(scope="module")
def bmt() -> pd.DataFrame:
    rows = [tuple(int(v) for v in row.split(",")) for row in BMT_ROWS.split()]
    return pd.DataFrame(rows, columns=["dis", "ftime", "status"])


def competing_sample(seed: int, n: int) -> pd.DataFrame:
    """Two covariates, two causes, weekly times (many ties); the R values below used seed 2024."""
    u = np.random.default_rng(seed).random((n, 5))
    x1 = np.round(u[:, 0] * 4 - 2, 1)
    x2 = (u[:, 1] < 0.4).astype(float)
    t1 = -np.log(u[:, 2]) * 120 * np.exp(-0.5 * x1 - 0.7 * x2)
    t2 = -np.log(u[:, 3]) * 90 * np.exp(0.3 * x1)
    censor = u[:, 4] * 150
    time = np.ceil(np.minimum(np.minimum(t1, t2), censor) / 7)
    status = np.where(censor <= np.minimum(t1, t2), 0, np.where(t1 < t2, 1, 2))
    return pd.DataFrame({"time": time, "status": status, "x1": x1, "x2": x2})


def test_bmt_cumulative_incidence_matches_cuminc(bmt: pd.DataFrame) -> None:
    table = aalen_johansen(bmt.ftime, bmt.status).at([10, 20, 72]).set_index(["cause", "horizon"])
    expected = {
        (1, 10): (0.2377116, 0.005597374),
        (1, 20): (0.2728390, 0.006337835),
        (1, 72): (0.2728390, 0.006337835),
        (2, 10): (0.3407601, 0.007365346),
        (2, 20): (0.4110148, 0.008179798),
        (2, 72): (0.4812696, 0.008604776),
    }
    for key, (estimate, variance) in expected.items():
        assert table.loc[key, "estimate"] == pytest.approx(estimate, abs=5e-8)
        assert table.loc[key, "std_error"] ** 2 == pytest.approx(variance, abs=5e-10)
    assert round(table.loc[(1, 10), "estimate"], 5) == 0.23771  # analytics.md


def test_larger_sample_with_many_ties_matches_cuminc() -> None:
    data = competing_sample(2024, 300)
    table = aalen_johansen(data.time, data.status).at([2, 5, 10, 20])
    estimate = [0.1649378, 0.3219755, 0.4705408, 0.5342502, 0.1356432, 0.2392979, 0.3552159]
    variance = [4.745915e-4, 8.005614e-4, 1.0326753e-3, 1.1267026e-3, 4.078406e-4, 6.690976e-4]
    assert table.estimate[:7].to_numpy() == pytest.approx(estimate, abs=5e-8)
    assert (table.std_error[:6] ** 2).to_numpy() == pytest.approx(variance, rel=1e-6)


def test_hand_computed_example_with_ties() -> None:
    # t=1: 8 at risk, one of each cause; t=2: 6 at risk, one of each and a censoring;
    # t=4: 2 at risk, one cause 1 and a censoring. F1 = 1/8 + (6/8)(1/6) + (4/8)(1/2).
    result = aalen_johansen([1, 1, 2, 2, 2, 3, 4, 4], [1, 2, 1, 0, 2, 0, 1, 0])
    table = result.at([1, 2, 3, 4]).set_index(["cause", "horizon"]).estimate
    assert table.loc[1].tolist() == pytest.approx([0.125, 0.25, 0.25, 0.5])
    assert table.loc[2].tolist() == pytest.approx([0.125, 0.25, 0.25, 0.25])
    assert result.event_free.at([4]).estimate[0] == pytest.approx(0.25)
    # cmprsk::cuminc variances for the same data
    assert result.incidence[1].at([2, 4]).std_error.pow(2).tolist() == pytest.approx(
        [0.02690972222, 0.078125]
    )
    naive = 1 - (7 / 8) * (5 / 6) * (1 / 2)  # 1 - KM with cause 2 censored overstates
    assert naive > 0.6 > table.loc[(1, 4)]


def _lifelines_km(times: np.ndarray, events: np.ndarray) -> KaplanMeierFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KaplanMeierFitter().fit(times, events)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 1)), min_size=2, max_size=50).filter(
        lambda rows: any(event for _, event in rows)
    )
)
def test_single_cause_incidence_is_one_minus_kaplan_meier(rows: list[tuple[int, int]]) -> None:
    times = np.array([time for time, _ in rows])
    events = np.array([event for _, event in rows])
    curve = aalen_johansen(times, events).incidence[1]
    survival = _lifelines_km(times, events).survival_function_at_times(curve.times).to_numpy()
    assert curve.estimate == pytest.approx(1.0 - survival, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 3)), min_size=1, max_size=40).filter(
        lambda rows: any(code for _, code in rows)
    )
)
def test_incidences_and_event_free_add_up_to_one(rows: list[tuple[int, int]]) -> None:
    times = np.array([time for time, _ in rows])
    codes = np.array([code for _, code in rows])
    result = aalen_johansen(times, codes)
    total = sum(result.incidence[c].estimate for c in result.causes) + result.event_free.estimate
    assert total == pytest.approx(np.ones_like(total), abs=1e-12)
    for cause in result.causes:
        curve = result.incidence[cause]
        assert np.all(np.diff(curve.estimate) >= -1e-15)
        assert np.all(
            (curve.lower <= curve.estimate + 1e-12) & (curve.estimate <= curve.upper + 1e-12)
        )
        assert np.all(curve.std_error >= 0)


def _brute_force_cif(times: np.ndarray, codes: np.ndarray, cause: int) -> dict[float, float]:
    """An independent, slow Aalen-Johansen: one pass per distinct event time."""
    survival, incidence, out = 1.0, 0.0, {}
    for time in np.unique(times[codes > 0]):
        at_risk = np.count_nonzero(times >= time)
        here = times == time
        own = np.count_nonzero(here & (codes == cause))
        every = np.count_nonzero(here & (codes > 0))
        incidence += survival * own / at_risk
        survival *= 1.0 - every / at_risk
        out[float(time)] = incidence
    return out


def test_synthetic_competing_exponentials_recover_the_analytic_incidence() -> None:
    """Hazards 1/400 and 1/200 per day, uniform censoring to 730 days, times rounded up."""
    rng = np.random.default_rng(1)
    n = 200_000
    first, second = rng.exponential(400, n), rng.exponential(200, n)
    censor = rng.uniform(0, 730, n)
    times = np.ceil(np.minimum(np.minimum(first, second), censor))
    codes = np.where(censor < np.minimum(first, second), 0, np.where(first < second, 1, 2))
    horizons = np.array([90, 180, 365])
    table = aalen_johansen(times, codes, causes=[1]).at(horizons)
    analytic = (1 / 3) * (1 - np.exp(-(3 / 400) * horizons))
    assert np.round(analytic, 4).tolist() == [0.1636, 0.2469, 0.3118]
    assert np.all(np.abs(table.estimate - analytic) < 3 * table.std_error)
    assert np.round(table.estimate, 4).tolist() == [0.1640, 0.2472, 0.3121]  # analytics.md, seed 1
    brute = _brute_force_cif(times, codes, 1)
    curve = aalen_johansen(times, codes).incidence[1]
    assert curve.estimate == pytest.approx([brute[t] for t in curve.times], rel=1e-12)


def test_unknown_or_missing_causes_are_rejected() -> None:
    with pytest.raises(SurvivalDataError, match="no events"):
        aalen_johansen([1, 2], [0, 0])
    with pytest.raises(SurvivalDataError, match="non-negative integer"):
        aalen_johansen([1, 2], [1, -1])
    empty = aalen_johansen([1, 2, 3], [1, 0, 1], causes=[1, 3]).incidence[3]
    assert np.all(empty.estimate == 0)


def test_bmt_fine_gray_matches_crr(bmt: pd.DataFrame) -> None:
    model = fine_gray(bmt, duration="ftime", event="status", cause=1, covariates=["dis"])
    assert model.coef[0] == pytest.approx(0.7651702838, abs=5e-7)
    assert model.std_error[0] == pytest.approx(0.6987902099, abs=5e-7)
    assert round(model.coef[0], 5) == 0.76517 and round(model.std_error[0], 5) == 0.69879
    assert model.likelihood_ratio == pytest.approx(1.23, abs=0.005)  # crr's pseudo LR test
    other = fine_gray(bmt, duration="ftime", event="status", cause=2, covariates=["dis"])
    assert (other.coef[0], other.std_error[0]) == pytest.approx(
        (-1.604466219, 0.6403130407), abs=5e-7
    )


def test_fine_gray_with_two_covariates_matches_crr() -> None:
    data = competing_sample(2024, 300)
    expected = {
        1: ([0.4734731542, 0.6149271413], [0.07619204909, 0.17048911149], -640.1986459),
        2: ([-0.4363053411, -0.1958982355], [0.08830807387, 0.19870689551], -492.4086121),
    }
    for cause, (coef, se, loglik) in expected.items():
        model = fine_gray(
            data, duration="time", event="status", cause=cause, covariates=["x1", "x2"]
        )
        assert model.coef == pytest.approx(coef, abs=5e-7)
        assert model.std_error == pytest.approx(se, abs=5e-7)
        assert model.log_likelihood == pytest.approx(loglik, abs=1e-6)


def test_without_competing_events_fine_gray_is_a_cox_model() -> None:
    """No one exits by another route: no IPCW weights, so the model and its sandwich are Cox's."""
    rng = np.random.default_rng(7)
    n = 400
    data = pd.DataFrame({"x": rng.normal(size=n), "z": rng.integers(0, 2, n).astype(float)})
    event_time = rng.exponential(1.0, n) * np.exp(-0.5 * data.x - 0.3 * data.z)
    censor = rng.exponential(1.5, n)
    data["time"] = np.minimum(event_time, censor)  # continuous: no ties, Breslow = Efron
    data["status"] = (event_time <= censor).astype(int)
    data["row"] = np.arange(n)
    subdistribution = fine_gray(data, duration="time", event="status", covariates=["x", "z"])
    cox = cause_specific_cox(
        data,
        duration="time",
        event="status",
        covariates=["x", "z"],
        cluster="row",
        engine="schakel",
    )
    assert subdistribution.coef == pytest.approx(cox.coef, abs=1e-8)
    assert subdistribution.naive_std_error == pytest.approx(cox.naive_std_error, abs=1e-8)
    assert subdistribution.std_error == pytest.approx(cox.robust_std_error, abs=1e-8)
    assert subdistribution.log_likelihood == pytest.approx(cox.log_likelihood, abs=1e-8)


def test_fine_gray_rejects_a_cause_without_events(bmt: pd.DataFrame) -> None:
    with pytest.raises(SurvivalDataError, match="no events of cause 3"):
        fine_gray(bmt, duration="ftime", event="status", cause=3, covariates=["dis"])
