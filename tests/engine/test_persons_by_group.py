"""`_persons_by_group` (one sort by person, then a stable sort of the groups) counts the
distinct persons of every group and measure as counting each group's persons on its own,
also where a dimension is multi-valued (a trajectory with two forms is in both form groups)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure.persons import _persons_by_group, memberships


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    rows=st.integers(0, 300),
    measures=st.sampled_from([1, 3, 62, 63, 70]),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    multi=st.lists(st.booleans(), min_size=3, max_size=3),
    presorted=st.booleans(),
)
def test_distinct_persons_per_group_and_measure(
    seed: int, rows: int, measures: int, sizes: list[int], multi: list[bool], presorted: bool
) -> None:
    rng = np.random.default_rng(seed)
    people = rng.integers(0, max(rows // 3, 1), rows).astype(np.int64)
    span = int(people.max(initial=0)) + 1
    levels = [[f"l{c}" for c in range(size)] for size in sizes]
    values = []  # per dimension and row: its set of levels ("x" is no level)
    for i in range(len(sizes)):
        if multi[i]:
            drawn = [tuple(sorted({*rng.choice([*levels[i], "x"], rng.integers(0, 3))}))
                     for _ in range(rows)]  # fmt: skip
        else:
            drawn = [(str(rng.choice([*levels[i], "x"])),) for _ in range(rows)]
        values.append(drawn)
    coded = [
        memberships(
            pd.Series(drawn if multi[i] else [v[0] for v in drawn], dtype=object),
            levels[i],
            multi[i],
        )
        for i, drawn in enumerate(values)
    ]
    flags = rng.random((rows, measures)) < 0.4
    margin = tuple(i for i in range(len(sizes)) if rng.random() < 0.7)
    by_person = np.argsort(people, kind="stable") if presorted else None
    found = _persons_by_group(people, span, coded, sizes, flags, margin, by_person)
    groups = int(np.prod([sizes[i] for i in margin], dtype=np.int64))
    expected = np.zeros((measures, groups), dtype=np.int64)
    for number in range(groups):
        wanted, rest = np.ones(rows, dtype=bool), number
        for i in reversed(margin):  # mixed radix, the last dimension fastest
            level = levels[i][rest % sizes[i]]
            wanted &= np.array([level in v for v in values[i]], dtype=bool)
            rest //= sizes[i]
        for measure in range(measures):
            expected[measure, number] = np.unique(people[wanted & flags[:, measure]]).size
    assert found.tolist() == expected.tolist()


def test_memberships_of_a_multi_valued_dimension_as_row_by_row() -> None:
    """The codes of each distinct set (a dict lookup) are each row's levels in set order,
    values that are no level left out."""
    levels = ["a", "b", "c"]
    rows = [("b", "c"), (), ("x",), ("a", "x", "c"), ("b", "c"), ("c",)]
    found_rows, found_codes = memberships(pd.Series(rows, dtype=object), levels, True)
    expected = [(r, levels.index(v)) for r, row in enumerate(rows) for v in row if v in levels]
    assert list(zip(found_rows.tolist(), found_codes.tolist(), strict=True)) == expected
