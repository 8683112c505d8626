"""`PersonRuns` (rows sorted by person once; repeats found a few places back) counts the
distinct persons per level as counting each level's persons on its own, and the incidence
counts kept between strata (`_level_counts` with a memo) equal those counted afresh."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import TOTAL
from schakel.engine.disclosure.distinct import MAX_RUN, PersonRuns
from schakel.engine.disclosure.horizons import _level_counts, _Stratum


@settings(max_examples=100, deadline=None)
@given(
    people=st.lists(st.integers(-1, 30), max_size=120),
    seed=st.integers(0, 10_000),
    size=st.integers(1, 6),
)
def test_distinct_persons_per_level(people: list[int], seed: int, size: int) -> None:
    persons = np.array(people, dtype=np.int64)
    grouped = np.random.default_rng(seed).integers(0, size, persons.size)
    runs = PersonRuns.of(persons)
    longest = max(np.unique(persons, return_counts=True)[1], default=0)
    if longest > MAX_RUN:
        assert runs is None
        return
    assert runs is not None
    expected = [len(set(persons[grouped == level].tolist())) for level in range(size)]
    assert runs.distinct(grouped, size).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    found=st.lists(
        st.tuples(st.integers(0, 800), st.integers(0, 2), st.integers(-1, 40)),
        min_size=1,
        max_size=80,
    ),
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
)
def test_counts_kept_between_strata_equal_counting_afresh(
    found: list[tuple[int, int, int]], seed: int, sizes: list[int]
) -> None:
    durations = np.array([d for d, _, _ in found], dtype=np.float64)
    codes = np.array([c for _, c, _ in found], dtype=np.int64)
    persons = np.array([p for _, _, p in found], dtype=np.int64)
    whole = _Stratum(TOTAL, durations, codes, persons)
    days = np.array([91, 183, 365, 730])
    memo: dict[object, object] = {}
    rng = np.random.default_rng(seed)
    for size in sizes:  # one stratum after another, as a selection's tables
        grouped = rng.integers(0, size, durations.size)
        fresh = _level_counts(whole, grouped, size, 1, days)
        kept = _level_counts(whole, grouped, size, 1, days, memo)
        assert [a.tolist() for a in kept] == [a.tolist() for a in fresh]
    assert ("runs",) in memo
