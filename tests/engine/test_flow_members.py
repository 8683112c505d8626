"""`flows._members` (one stable sort, a radix sort for small group numbers) gives each wanted
group's positions in ascending order, as `np.flatnonzero(group == n)` does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.flows import _members


@settings(max_examples=80, deadline=None)
@given(
    group=st.lists(st.one_of(st.integers(0, 6), st.integers(30_000, 40_000)), max_size=60),
    wanted=st.lists(st.integers(0, 8), max_size=5, unique=True),
)
def test_members_are_the_positions_of_each_group(group: list[int], wanted: list[int]) -> None:
    codes = np.array(group, dtype=np.int64)
    found = _members(codes, [*wanted, *group[:2]])
    for n in [*wanted, *group[:2]]:
        assert found[n].tolist() == np.flatnonzero(codes == n).tolist()
