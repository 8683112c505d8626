"""The fast release equals the straightforward computation, cell for cell.

The release job computes every selection's tables with shared work (counting distinct
persons per margin in one sort, the base cells from one integer key, the censoring risk of
every episode once). These tests compare it with the straightforward code on small synthetic
data: any changed count, status or estimate fails them.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import TOTAL
from schakel.engine.disclosure.horizons import _level_counts, _Stratum
from schakel.engine.disclosure.persons import _distinct_persons, memberships
from schakel.engine.disclosure.selections import _base_cells, _key, _ranked_codes
from schakel.engine.flow_paths import PathIndex, path_index
from schakel.engine.monitor import (
    EpisodeIndex,
    MonitorRelease,
    filters_of,
    funnel_base_from_paths,
    jsonable,
    protect_release,
    published_keys,
    release_tables,
    selection_tables,
)
from schakel.engine.monitor.breakdown_rows import breakdown_rows, breakdown_tables
from schakel.engine.monitor.noised import noised_figures
from schakel.engine.monitor.release import (
    PreviousRelease,
    _day_text,
    counts,
    episode_measures,
    episode_statuses,
    fixed_statuses,
)
from schakel.engine.monitor.selection import Filters
from schakel.engine.parallel import can_fork
from schakel.engine.survival import SurvivalDataError, aalen_johansen
from schakel.engine.survival._partial import (
    Layout,
    Ties,
    _within_strata_from_end,
    build_layout,
    compute_terms,
    features,
    likelihood,
    unpack,
)
from schakel.engine.survival.competing import incidence_by_group
from schakel.engine.survival.curves import event_table
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episodes import build_episodes

DIMS = ("form", "region")
K = 10


def _straightforward_persons(
    data: pd.DataFrame, levels: dict[str, list[object]], measures: list[str]
) -> dict[tuple[object, ...], int]:
    """Distinct persons of every selection and measure, one mask at a time."""
    found = {}
    options = [[*levels[d], TOTAL] for d in DIMS]
    for label in itertools.product(*options):
        inside = np.ones(len(data), dtype=bool)
        for d, level in zip(DIMS, label, strict=True):
            if level != TOTAL:
                inside &= (data[d] == level).to_numpy()
        for measure in measures:
            chosen = inside & data[measure].to_numpy(dtype=bool)
            found[(*label, measure)] = int(data.loc[chosen, "person"].nunique())
    return found


rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
        st.integers(0, 12),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_distinct_persons_per_selection_equal_counting_one_selection_at_a_time(
    found: list[tuple[str, str, int, bool, bool]],
) -> None:
    data = pd.DataFrame(found, columns=["form", "region", "person", "one", "two"])
    measures = ["one", "two"]
    # "d" is a level nobody has; "y" may be missing from the data
    levels = {"form": ["a", "b", "c", "d"], "region": ["x", "y"]}
    keys = [_key(data[d], False).reset_index(drop=True) for d in DIMS]
    flags = data[measures].to_numpy(dtype=bool)
    combinations, labels = [], []
    for combination in itertools.product(*(range(len(levels[d]) + 1) for d in DIMS)):
        label = [
            TOTAL if c == len(levels[d]) else levels[d][c]
            for d, c in zip(DIMS, combination, strict=True)
        ]
        for measure in measures:
            combinations.append(combination)
            labels.append((label, measure))
    coded = [memberships(key, levels[d], False) for key, d in zip(keys, DIMS, strict=True)]
    sizes = [len(levels[d]) for d in DIMS]
    fast = _distinct_persons(data["person"], coded, sizes, flags, combinations)
    expected = _straightforward_persons(data, levels, measures)
    assert fast.tolist() == [expected[(*label, m)] for label, m in labels]


@settings(max_examples=40, deadline=None)
@given(rows)
def test_base_cells_are_the_groups_numbered_by_their_values(
    found: list[tuple[str, str, int, bool, bool]],
) -> None:
    base = pd.DataFrame(found, columns=["d0", "d1", "person", "m0", "m1"]).drop(columns="person")
    base["d0"] = base["d0"].astype(object)
    cell_of_row, cells = _base_cells(base)
    groups = base.groupby(list(base.columns), sort=False, observed=True).ngroup().to_numpy()
    # the same partition as the group-by, each row's cell holding its values
    assert pd.factorize(cell_of_row)[0].tolist() == pd.factorize(groups)[0].tolist()
    pd.testing.assert_frame_equal(
        cells.iloc[cell_of_row].reset_index(drop=True), base.reset_index(drop=True)
    )
    assert len(cells) == len(base.drop_duplicates())
    # and the numbering does not depend on the order of the rows
    reverse = base.iloc[::-1].reset_index(drop=True)
    again, cells_again = _base_cells(reverse)
    assert again[::-1].tolist() == cell_of_row.tolist()
    pd.testing.assert_frame_equal(cells_again, cells)


@pytest.mark.parametrize(
    "flags", [[True, False, True], [False, True], [True, True], [False, False], [True], []]
)
def test_flags_are_ranked_as_their_values_factorized(flags: list[bool]) -> None:
    """A flag column's cell codes without factorizing it: the ones of the same values as
    objects (ranked by their text), and as many distinct values."""
    fast = _ranked_codes(pd.Series(flags, dtype=bool))
    slow = _ranked_codes(pd.Series(flags, dtype=object))
    assert fast[0].tolist() == slow[0].tolist() and fast[1] == slow[1]


def _sorted_event_table(times: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """`event_table` as it was: by sorting."""
    matrix = codes.reshape(times.size, -1)
    any_event = matrix.sum(axis=1) > 0
    event_times = np.unique(times[any_event])
    at_risk = times.size - np.searchsorted(np.sort(times), event_times, side="left")
    index = np.searchsorted(event_times, times[any_event])
    events = matrix[any_event].astype(np.float64)
    counts = np.column_stack(
        [np.bincount(index, weights=column, minlength=event_times.size) for column in events.T]
    ).reshape(event_times.size, matrix.shape[1])
    return event_times, at_risk.astype(np.float64), counts


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3)), min_size=1, max_size=60),
    st.sampled_from([0.0, 7.0, 0.5]),
)
def test_event_table_by_counting_days_equals_sorting(
    found: list[tuple[int, int]], shift: float
) -> None:
    times = np.array([t for t, _ in found], dtype=np.float64) + shift
    codes = np.array([c for _, c in found])
    one_hot = (codes[:, None] == np.array([1, 2, 3])[None, :]).astype(np.float64)
    fast = event_table(times, one_hot)
    for got, expected in zip(fast, _sorted_event_table(times, one_hot), strict=True):
        assert got.shape == expected.shape
        assert np.array_equal(got, expected)


@functools.cache
def _region() -> tuple[EpisodeIndex, PathIndex, MonitorRelease]:
    generated = generate_region(RegionParameters(seed=7, persons=1_500))
    log = region_event_log(generated, linked=True)
    built = build_episodes(log, as_of=generated.parameters.end_date, timezone="UTC")
    index = EpisodeIndex.build(built.episodes)
    paths = path_index(log)
    return index, paths, protect_release(index.labelled, funnel_base_from_paths(paths), K)


def test_the_release_equals_computing_every_selection_on_its_own() -> None:
    """`release_tables` shares work between selections; `selection_tables` computes one
    selection from scratch. Every cell of every table is the same."""
    index, paths, release = _region()
    fast = release_tables(index, paths, release, K, epsilon=None)
    keys = list(published_keys(index, paths))
    assert list(fast) == keys and len(keys) > 10
    for key in keys:
        alone = jsonable(selection_tables(index, paths, release, filters_of(key), K))
        assert fast[key] == alone, key


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_the_release_on_two_processes_equals_the_release_in_one() -> None:
    """The funnel is protected on a forked process while the episodes are (ADR 0034); the
    second release is protected together with the first (ADR 0026)."""
    index, paths, _ = _region()
    first = protect_release(index.labelled, None, K, paths=paths, workers=1)
    previous = PreviousRelease(
        units=first.units if first.units is not None else pd.DataFrame(),
        statuses=episode_statuses(first.episodes),
        k=K,
        funnel_units=first.funnel_units,
        funnel_statuses=episode_statuses(first.funnel),
    )
    for before in (None, previous):
        alone = protect_release(index.labelled, None, K, paths=paths, previous=before, workers=1)
        forked = protect_release(index.labelled, None, K, paths=paths, previous=before, workers=2)
        assert forked.differencing == alone.differencing
        assert forked.funnel_differencing == alone.funnel_differencing
        assert alone.funnel_differencing == ("first" if before is None else "protected")
        for got, expected in ((forked.episodes, alone.episodes), (forked.funnel, alone.funnel)):
            assert got is not None and expected is not None
            pd.testing.assert_frame_equal(got.frame, expected.frame)
            pd.testing.assert_frame_equal(got.audit, expected.audit)
        assert forked.breakdowns.keys() == alone.breakdowns.keys()
        assert forked.censoring.terms == alone.censoring.terms
        assert np.array_equal(forked.censoring.coef, alone.censoring.coef)


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_the_stored_trajectories_are_read_by_the_funnels_forked_half() -> None:
    """The previous release's trajectories, read where they are stored (`read_funnel`, ADR
    0033), are read on the process that protects the funnel, while this one protects the
    episodes; the release equals the one from the frame itself."""
    index, paths, _ = _region()
    first = protect_release(index.labelled, None, K, paths=paths, workers=1)
    assert first.units is not None and first.funnel_units is not None
    parent, trajectories = os.getpid(), first.funnel_units

    def read_funnel() -> pd.DataFrame:
        if os.getpid() == parent:
            raise AssertionError("the trajectories were read by the episodes' half")
        return trajectories

    statuses = episode_statuses(first.episodes), episode_statuses(first.funnel)
    given_frame = PreviousRelease(
        first.units, statuses[0], K, funnel_units=trajectories, funnel_statuses=statuses[1]
    )
    stored = PreviousRelease(
        first.units, statuses[0], K, funnel_statuses=statuses[1], read_funnel=read_funnel
    )
    alone = protect_release(index.labelled, None, K, paths=paths, previous=given_frame, workers=1)
    forked = protect_release(index.labelled, None, K, paths=paths, previous=stored, workers=2)
    assert forked.funnel_differencing == alone.funnel_differencing == "protected"
    assert forked.funnel is not None and alone.funnel is not None
    pd.testing.assert_frame_equal(forked.funnel.frame, alone.funnel.frame)
    pd.testing.assert_frame_equal(forked.funnel.audit, alone.funnel.audit)


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_the_tables_on_two_processes_equal_the_tables_in_one() -> None:
    """The release job computes the selections on forked processes (ADR 0034)."""
    index, paths, release = _region()
    noised = noised_figures(index.labelled, epsilon=1.0)  # drawn once, before any fork
    alone = release_tables(index, paths, release, K, noised=noised, workers=1)
    forked = release_tables(index, paths, release, K, noised=noised, workers=2)
    assert list(forked) == list(alone) and len(alone) > 10
    assert any(content["noised"]["rows"] for content in alone.values())
    for key in alone:
        assert forked[key] == alone[key], key


def test_the_release_protection_equals_the_straightforward_persons_and_cells() -> None:
    """The episode release counted the slow way (a group-by per margin and measure) gives
    the same counts, persons and statuses."""
    index, _, release = _region()
    assert release.episodes is not None
    audit = release.episodes.audit
    data = index.labelled
    measures = episode_measures(data)
    for row in audit.sample(200, random_state=1).itertuples(index=False):
        inside = measures[str(row.measure)].to_numpy(dtype=bool).copy()
        for name in ("form", "region", "cohort"):
            level = str(getattr(row, name))
            if level != TOTAL:
                inside &= (data[name].astype(str) == level).to_numpy()
        assert row.count == inside.sum()
        assert row.persons == data.loc[inside, "person_id"].nunique()


def test_counts_read_from_the_release_equal_its_selection_frames() -> None:
    """`counts` reads plain cells (`SelectionRelease.cells`); `selection` builds the frame."""
    _, _, release = _region()
    assert release.episodes is not None
    measures = list(release.episodes.measures)
    for form, region in [(None, None), ("labour", None), (None, "rotterdam"), ("labour", "x")]:
        filters = Filters(form=form, region=region)
        fast = counts(release.episodes, filters, measures)
        frame = release.episodes.selection(form=form, region=region)
        assert fast["published"].tolist() == frame["published"].tolist()
        assert fast["status"].tolist() == frame["status"].tolist()
        statuses = fixed_statuses(release.episodes, filters, "cohort", ["2021", "2022"])
        for level in (TOTAL, "2021", "2022"):
            chosen = (
                frame
                if level == TOTAL
                else release.episodes.selection(form=form, region=region, cohort=level)
            )
            names = ["episodes", "returns_3", "returns_6", "returns_12", "returns_24"]
            codes = {"published": 0, "primary": 1, "secondary": 2}
            assert statuses[level] == [codes[s] for s in chosen.loc[names, "status"]]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 3), st.integers(0, 4)),
        min_size=1,
        max_size=80,
    ),
    st.sampled_from([0.0, 3.0, 0.5]),
    st.sampled_from([1, 2]),
)
def test_incidence_by_group_equals_one_aalen_johansen_per_group(
    found: list[tuple[int, int, int]], shift: float, cause: int
) -> None:
    """One pass over all groups gives every group's curve at the horizons, bit for bit;
    times that are not whole days take the per-group path (the same numbers too)."""
    times = np.array([t for t, _, _ in found], dtype=np.float64) + shift
    codes = np.array([c for _, c, _ in found])
    groups = np.array([g for _, _, g in found])
    horizons = np.array([0, 5, 20, 45, 90], dtype=np.float64)
    got = incidence_by_group(times, codes, groups, 6, cause=cause, horizons=horizons)
    for group in range(6):  # group 5 never occurs
        inside = groups == group
        if not np.any(codes[inside] > 0):
            assert not got.estimable[group]
            assert np.isnan(got.estimate[group]).all()
            continue
        assert got.estimable[group]
        curve = aalen_johansen(times[inside], codes[inside], causes=[cause]).incidence[cause]
        expected = curve.at(horizons)
        for name, values in (
            ("estimate", got.estimate),
            ("lower", got.lower),
            ("upper", got.upper),
        ):
            assert np.array_equal(values[group], expected[name].to_numpy(), equal_nan=True)


def _information_per_slot(layout: Layout, coef: np.ndarray) -> np.ndarray:
    """The information matrix as it was computed: second-order risk-set sums per slot from
    a feature matrix with every product x_a x_b."""
    terms, risk = compute_terms(layout, coef)
    p = layout.x.shape[1]
    second = features(np.ascontiguousarray(layout.x))
    s2 = unpack(_within_strata_from_end(layout.risk_map.total(risk, second), layout), p)[2]
    e2 = unpack(layout.event_map.total(risk, second), p)[2]
    w = layout.mean_weight
    s1, e1 = terms.s1, terms.e1
    outer = (
        np.einsum("j,ja,jb->ab", w * terms.inv2, s1, s1)
        - np.einsum("j,ja,jb->ab", w * terms.frac2, s1, e1)
        - np.einsum("j,ja,jb->ab", w * terms.frac2, e1, s1)
        + np.einsum("j,ja,jb->ab", w * terms.fracsq2, e1, e1)
    )
    return (
        np.einsum("j,jab->ab", w * terms.inv1, s2)
        - np.einsum("j,jab->ab", w * terms.frac1, e2)
        - outer
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(5, 60),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["efron", "breslow"]),
)
def test_information_as_one_gram_matrix_equals_the_sums_per_slot(
    seed: int, n: int, intervals: bool, stratified: bool, ties: Ties
) -> None:
    """The Cox information from one weighted Gram matrix of the rows equals the old sum
    over slots of second-order risk-set sums, with (start, stop] rows, strata and ties."""
    rng = np.random.default_rng(seed)
    stop = rng.integers(1, 12, n).astype(np.float64)
    start = np.where(rng.random(n) < 0.5, stop - rng.integers(1, 4, n), 0.0) if intervals else None
    if start is not None:
        start = np.maximum(start, 0.0)
    event = rng.random(n) < 0.6
    event[0] = True
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n), rng.integers(0, 3, n)])
    strata = rng.integers(0, 3, n) if stratified else np.zeros(n, dtype=np.int64)
    weights = rng.uniform(0.5, 2.0, n)
    layout = build_layout(start, stop, event, x.astype(np.float64), weights, strata, ties)
    coef = rng.normal(scale=0.3, size=3)
    try:
        expected = _information_per_slot(layout, coef)
    except SurvivalDataError:  # an empty risk set: neither computes anything
        return
    _, _, information = likelihood(layout, coef)
    assert np.allclose(information, expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 800), st.integers(0, 2), st.integers(0, 3), st.integers(-1, 9)),
        min_size=1,
        max_size=80,
    ),
    st.integers(1, 5),
)
def test_counts_of_all_levels_at_once_equal_counting_each_level(
    found: list[tuple[int, int, int, int]], size: int
) -> None:
    """Episodes, returns by each horizon and the distinct persons behind each, per level,
    equal counting every level's rows on their own (a person id -1 is one person)."""
    durations = np.array([d for d, _, _, _ in found], dtype=np.float64)
    codes = np.array([c for _, c, _, _ in found], dtype=np.int64)
    grouped = np.array([g for _, _, g, _ in found], dtype=np.int64) % size
    persons = np.array([p for _, _, _, p in found], dtype=np.int64)
    days = np.array([91, 183, 365, 730])
    whole = _Stratum(TOTAL, durations, codes, persons)
    values, people = _level_counts(whole, grouped, size, 1, days)
    memo: dict[object, object] = {}  # what a selection's strata share: returns, their order
    _level_counts(whole, np.zeros_like(grouped), 1, 1, days, memo)
    remembered = _level_counts(whole, grouped, size, 1, days, memo)
    assert np.array_equal(remembered[0], values) and np.array_equal(remembered[1], people)
    for level in range(size):
        inside = grouped == level
        expected_values = [int(inside.sum())]
        expected_people = [len(set(persons[inside].tolist()))]
        for day in days:
            hit = inside & (codes == 1) & (durations <= day)
            expected_values.append(int(hit.sum()))
            expected_people.append(len(set(persons[hit].tolist())))
        assert values[level].tolist() == expected_values
        assert people[level].tolist() == expected_people


def test_unit_days_are_formatted_as_pandas_formats_them() -> None:
    """`episode_units` names a unit by its start day (ADR 0033 stores the names): the numpy
    formatting gives pandas' text for days, a missing day and a time of day alike."""
    days = pd.Series(pd.to_datetime(["2024-01-05", "2019-12-31", None])).astype("datetime64[s]")
    timed = pd.Series(pd.to_datetime(["2024-01-05 10:30:00", "2024-01-06 00:00:00"]))
    plain = pd.Series([dt.date(2024, 1, 5), dt.date(2020, 2, 29)])
    for dates in (days, timed, plain, days.iloc[:0]):
        assert _day_text(dates).tolist() == dates.astype(str).tolist()
    assert _day_text(days).tolist() == ["2024-01-05", "2019-12-31", "NaT"]


def test_breakdown_tables_equal_each_table_computed_on_its_own() -> None:
    """The tables of a selection keep the estimate of all its episodes for the next table
    (the total row of every table): the rows are those of each table computed alone."""
    index, _, release = _region()
    for form in (None, *sorted(index.labelled["form"].dropna().unique().tolist())[:2]):
        episodes = index.select(Filters(form=form))
        tables = breakdown_tables(episodes, release.breakdowns, form)
        assert tables.keys() == release.breakdowns.keys()
        for name, breakdown in release.breakdowns.items():
            assert tables[name]["rows"] == breakdown_rows(episodes, breakdown, form), name
