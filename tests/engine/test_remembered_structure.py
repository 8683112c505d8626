"""Incidence tables of one shape share their members (`horizon_cells`), and `suppress` keeps
the structure built from them: the statuses equal suppressing with fresh copies of the same
members (the structure built afresh), table after table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure.remembered import horizon_cells
from schakel.engine.disclosure.suppression import Quantities, suppress


@settings(max_examples=60, deadline=None)
@given(
    levels=st.integers(0, 4),
    horizons=st.integers(1, 4),
    seed=st.integers(0, 10_000),
    zero_is_safe=st.booleans(),
)
def test_kept_structure_gives_the_statuses_of_a_fresh_one(
    levels: int, horizons: int, seed: int, zero_is_safe: bool
) -> None:
    members, table, bins = horizon_cells(levels, horizons)
    again = horizon_cells(levels, horizons)
    assert again[0] is members and again[1] is table  # the same objects: the key
    rng = np.random.default_rng(seed)
    for _ in range(3):  # tables of one shape with other counts
        cells = rng.integers(0, 12, max(levels, 1) * bins)
        values = np.array([cells[m].sum() for m in members], dtype=np.int64)
        shared = Quantities(values, members, table, max(levels, 1) * bins)
        fresh = Quantities(
            values.copy(), tuple(m.copy() for m in members), table.copy(), max(levels, 1) * bins
        )
        kept = suppress(shared, k=5, zero_is_safe=zero_is_safe).status
        expected = suppress(fresh, k=5, zero_is_safe=zero_is_safe).status
        assert kept.tolist() == expected.tolist()


def test_the_shared_members_cannot_be_changed() -> None:
    members, table, _ = horizon_cells(2, 2)
    with pytest.raises(ValueError):
        members[0][0] = 3
    with pytest.raises(ValueError):
        table[0] = 1
