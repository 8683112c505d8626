"""`_persons_by_group` (one sort by person, then a stable sort of the groups) counts the
distinct persons of every group and measure as counting each group's persons on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure.persons import _persons_by_group


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    rows=st.integers(0, 300),
    measures=st.sampled_from([1, 3, 62, 63, 70]),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    presorted=st.booleans(),
)
def test_distinct_persons_per_group_and_measure(
    seed: int, rows: int, measures: int, sizes: list[int], presorted: bool
) -> None:
    rng = np.random.default_rng(seed)
    people = rng.integers(0, max(rows // 3, 1), rows).astype(np.int64)
    span = int(people.max(initial=0)) + 1
    codes = [rng.integers(-1, size, rows).astype(np.int64) for size in sizes]  # -1: no level
    flags = rng.random((rows, measures)) < 0.4
    margin = tuple(i for i in range(len(sizes)) if rng.random() < 0.7)
    by_person = np.argsort(people, kind="stable") if presorted else None
    found = _persons_by_group(people, span, codes, sizes, flags, margin, by_person)
    groups = int(np.prod([sizes[i] for i in margin], dtype=np.int64))
    expected = np.zeros((measures, groups), dtype=np.int64)
    for number in range(groups):
        wanted, rest = np.ones(rows, dtype=bool), number
        for i in reversed(margin):  # mixed radix, the last dimension fastest
            wanted &= codes[i] == rest % sizes[i]
            rest //= sizes[i]
        for measure in range(measures):
            expected[measure, number] = np.unique(people[wanted & flags[:, measure]]).size
    assert found.tolist() == expected.tolist()
