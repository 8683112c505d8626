"""Kaplan-Meier and Nelson-Aalen against R (survival 3.5-3) and lifelines."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_rossi

from schakel.engine.survival import SurvivalDataError, kaplan_meier, nelson_aalen


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return load_rossi()


def test_rossi_kaplan_meier_matches_r(rossi: pd.DataFrame) -> None:
    table = kaplan_meier(rossi.week, rossi.arrest).at([10, 20, 52])
    assert table.estimate.to_numpy() == pytest.approx([0.9652778, 0.9074074, 0.7361111], abs=5e-8)
    # summary(survfit(...), times = c(10, 20, 52))$std.err
    assert table.std_error.to_numpy() == pytest.approx([0.0088082, 0.0139459, 0.0212051], abs=5e-7)
    # conf.type = "log-log" (our default) and "log" (R's default)
    assert table.lower.to_numpy() == pytest.approx([0.9430646, 0.8759221, 0.6918597], abs=5e-7)
    assert table.upper.to_numpy() == pytest.approx([0.9789210, 0.9312169, 0.7750632], abs=5e-7)
    log = kaplan_meier(rossi.week, rossi.arrest, interval="log").at([52])
    assert (log.lower[0], log.upper[0]) == pytest.approx((0.6957014, 0.7788680), abs=5e-7)


def test_rossi_nelson_aalen_has_no_tie_smoothing(rossi: pd.DataFrame) -> None:
    table = nelson_aalen(rossi.week, rossi.arrest).at([10, 20, 52])
    assert table.estimate.to_numpy() == pytest.approx([0.0352363, 0.0968357, 0.3051275], abs=5e-8)
    assert round(float(table.estimate[2]), 5) == 0.30513  # lifelines' smoothed value: 0.30596
    # R's std.chaz: sqrt(sum d / n^2)
    assert table.std_error.to_numpy() == pytest.approx([0.0090984, 0.0153167, 0.0286874], abs=5e-7)


def _lifelines_km(times: np.ndarray, events: np.ndarray) -> KaplanMeierFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KaplanMeierFitter().fit(times, events)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 1)), min_size=2, max_size=60).filter(
        lambda rows: any(event for _, event in rows)
    )
)
def test_kaplan_meier_equals_lifelines_on_tied_day_times(rows: list[tuple[int, int]]) -> None:
    times = np.array([time for time, _ in rows])
    events = np.array([event for _, event in rows])
    ours = kaplan_meier(times, events)
    theirs = _lifelines_km(times, events)
    expected = theirs.survival_function_at_times(ours.times).to_numpy()
    assert ours.estimate == pytest.approx(expected, abs=1e-12)
    bounds = theirs.confidence_interval_survival_function_
    inside = (ours.estimate > 0) & (ours.estimate < 1)
    lower = bounds.iloc[:, 0].reindex(ours.times).to_numpy()
    assert ours.lower[inside] == pytest.approx(lower[inside], abs=1e-9)


def test_reading_at_horizons_before_and_beyond_follow_up() -> None:
    curve = kaplan_meier([2, 3, 3, 5, 8], [1, 1, 0, 1, 0])
    table = curve.at([0, 2, 4, 8, 9])
    assert table.estimate[:4].tolist() == pytest.approx([1.0, 0.8, 0.6, 0.3])
    assert np.isnan(table.estimate[4])  # no one was followed beyond day 8


@pytest.mark.parametrize(
    ("durations", "events", "message"),
    [
        ([1, -2], [1, 1], "negative"),
        ([1, np.nan], [1, 1], "missing"),
        ([1, 2], [1, 2], "0 \\(censored\\) or 1"),
        ([1, 2], [1], "expected 2"),
        ([1, 2], [0.5, 1], "integer"),
    ],
)
def test_bad_input_is_rejected(durations: list[float], events: list[float], message: str) -> None:
    with pytest.raises(SurvivalDataError, match=message):
        kaplan_meier(durations, events)
