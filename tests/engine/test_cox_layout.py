"""The Cox engine's shortcuts give bit for bit what the straightforward code gave: ranks of
whole days by counting, slot orders by a 16-bit radix sort, and score residuals computed in
place (a release fits a Cox model for every selection, so these run on a million rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.survival._data import SurvivalDataError, group_codes
from schakel.engine.survival._partial import (
    Layout,
    _compute_terms,
    _narrow,
    _pad,
    _ranks,
    _within_strata_from_start,
    build_layout,
    compute_terms,
    score_residuals,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3_000), min_size=1, max_size=80),
    st.sampled_from([0.0, 5.0, 0.5, 2e6]),
)
def test_ranks_equal_the_inverse_of_unique(days: list[int], shift: float) -> None:
    times = np.array(days, dtype=np.float64) + shift
    expected = np.unique(times, return_inverse=True)[1]
    got = _ranks(times)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-50, 400), min_size=1, max_size=80),
    st.sampled_from([1, 1_000, 10**12]),
)
def test_integer_cluster_codes_equal_sorted_factorize(labels: list[int], spread: int) -> None:
    values = np.array(labels, dtype=np.int64) * spread  # a wide spread is sorted instead
    expected = pd.factorize(pd.Series(values), sort=True)[0].astype(np.int64)
    assert np.array_equal(group_codes(values, values.size, "person"), expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 40_000), min_size=1, max_size=200), st.integers(0, 60_000))
def test_narrow_slots_sort_as_the_slots(slots: list[int], extra: int) -> None:
    values = np.array(slots, dtype=np.int64)
    size = max(int(values.max()) + 1, extra)
    narrow = np.argsort(_narrow(values, size), kind="stable")
    assert np.array_equal(narrow, np.argsort(values, kind="stable"))


def _straightforward_residuals(layout: Layout, coef: np.ndarray) -> np.ndarray:
    """`score_residuals` as it was written before it worked in place."""
    terms, risk = compute_terms(layout, coef)
    w = layout.mean_weight
    hazard = w * terms.inv1
    mean_hazard = w[:, None] * (terms.s1 * terms.inv2[:, None] - terms.e1 * terms.frac2[:, None])
    frac_hazard = w * terms.frac1
    frac_mean = w[:, None] * (terms.s1 * terms.frac2[:, None] - terms.e1 * terms.fracsq2[:, None])
    average = (terms.s1 * terms.inv1[:, None] - terms.e1 * terms.frac1[:, None]) / layout.deaths[
        :, None
    ]
    cum_hazard = _pad(_within_strata_from_start(hazard, layout))
    cum_mean = _pad(_within_strata_from_start(mean_hazard, layout))
    stop, start = layout.stop_slot + 1, layout.start_slot + 1
    exposure = cum_hazard[stop] - cum_hazard[start]
    exposure_mean = cum_mean[stop] - cum_mean[start]
    x = layout.x
    residuals = -risk[:, None] * (x * exposure[:, None] - exposure_mean)
    events = np.flatnonzero(layout.event)
    slot = layout.stop_slot[events]
    residuals[events] += x[events] - average[slot]
    residuals[events] += risk[events, None] * (
        x[events] * frac_hazard[slot, None] - frac_mean[slot]
    )
    return residuals


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 80), st.booleans(), st.booleans())
def test_score_residuals_equal_the_straightforward_ones(
    seed: int, n: int, intervals: bool, stratified: bool
) -> None:
    rng = np.random.default_rng(seed)
    stop = rng.integers(1, 12, n).astype(np.float64)
    start = np.maximum(stop - rng.integers(1, 4, n), 0.0) if intervals else None
    event = rng.random(n) < 0.6
    event[0] = True
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n)]).astype(np.float64)
    strata = rng.integers(0, 3, n) if stratified else np.zeros(n, dtype=np.int64)
    layout = build_layout(start, stop, event, x, np.ones(n), strata, "efron")
    coef = rng.normal(scale=0.3, size=2)
    try:
        expected = _straightforward_residuals(layout, coef)
    except SurvivalDataError:  # an empty risk set: neither computes anything
        return
    assert np.array_equal(score_residuals(layout, coef), expected)


def test_terms_kept_from_the_last_step_equal_fresh_ones() -> None:
    """A fit keeps the terms at its last coefficients for the robust variance: they are the
    terms computed afresh at those coefficients, and other coefficients are not mixed up."""
    rng = np.random.default_rng(3)
    n = 60
    stop = rng.integers(1, 12, n).astype(np.float64)
    event = rng.random(n) < 0.6
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n)]).astype(np.float64)
    layout = build_layout(None, stop, event, x, np.ones(n), np.zeros(n, dtype=np.int64), "efron")
    for coef in (np.array([0.1, -0.2]), np.array([0.3, 0.0]), np.array([0.1, -0.2])):
        kept, risk = compute_terms(layout, coef)
        fresh, fresh_risk = _compute_terms(layout, coef)
        assert np.array_equal(risk, fresh_risk)
        for name in vars(fresh):
            assert np.array_equal(getattr(kept, name), getattr(fresh, name)), name
        assert compute_terms(layout, coef)[0] is kept
