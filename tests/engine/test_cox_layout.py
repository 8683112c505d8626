"""The Cox engine's shortcuts give bit for bit what the straightforward code gave: ranks of
whole days by counting, slot orders by a 16-bit radix sort, the terms kept from a fit's last
step (a release fits a Cox model for every selection, so these run on a million rows). The
score residuals computed in place are checked against R through the robust standard errors
(`test_survival_recurrent.py`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.arrays import narrow
from schakel.engine.survival._data import group_codes
from schakel.engine.survival._partial import (
    _compute_terms,
    _ranks,
    build_layout,
    compute_terms,
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
    narrow_order = np.argsort(narrow(values, size), kind="stable")
    assert np.array_equal(narrow_order, np.argsort(values, kind="stable"))


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
