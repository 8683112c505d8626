"""Cumulative incidence at fixed horizons: the estimates are the Aalen-Johansen ones, rounded,
and nothing is published whose numerator, denominator or difference isolates fewer than k."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import (
    TOTAL,
    DisclosureError,
    cumulative_incidence_table,
    horizon_days,
)
from schakel.engine.survival import aalen_johansen


def episodes(seed: int, size: int, strata: str = "abc") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "person_id": rng.integers(0, size, size),
            "form": pd.Categorical(rng.choice(list(strata), size), categories=list(strata)),
            "days": rng.integers(0, 900, size),
            "exit_type": rng.choice([0, 1, 2, 3], size, p=[0.4, 0.2, 0.3, 0.1]),
        }
    )


def test_horizons_are_whole_days() -> None:
    assert [horizon_days(m) for m in (3, 6, 12, 24)] == [91, 183, 365, 730]


def test_published_estimates_are_the_aalen_johansen_ones_rounded() -> None:
    data = episodes(1, 3_000)
    result = cumulative_incidence_table(data, by="form", k=10, decimals=3)
    frame = result.frame
    assert set(frame["form"]) == {"a", "b", "c", TOTAL}
    curve = aalen_johansen(data["days"], data["exit_type"], causes=[1]).incidence[1]
    expected = curve.at([91, 183, 365, 730])
    total = frame.loc[frame["form"] == TOTAL].reset_index(drop=True)
    assert (total["status"] == "published").all()
    np.testing.assert_allclose(total["estimate"], expected["estimate"].round(3))
    np.testing.assert_allclose(total["upper"], expected["upper"].round(3))
    assert total["episodes"].tolist() == [3_000] * 4


def test_a_small_stratum_is_suppressed_and_its_neighbour_too() -> None:
    data = episodes(2, 2_000, strata="ab")
    data.loc[:7, "form"] = "b"
    data["form"] = data["form"].cat.add_categories("c")
    data.loc[:7, "form"] = "c"  # 8 episodes: below k
    frame = cumulative_incidence_table(data, by="form", k=10).frame.set_index("form")
    assert (frame.loc["c", "status"] == "primary").all() and frame.loc["c", "estimate"].isna().all()
    # with the total published, one other stratum must go as well at each horizon
    for months in (3, 6, 12, 24):
        at = frame.loc[frame["horizon_months"] == months]
        assert at.loc[["a", "b"], "events"].isna().any()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 400), st.integers(2, 12))
def test_no_published_count_or_difference_is_below_k(seed: int, size: int, k: int) -> None:
    result = cumulative_incidence_table(episodes(seed, size), by="form", k=k)
    frame, audit = result.frame, result.audit
    shown = frame["status"] == "published"
    assert (audit.loc[shown, "persons"] >= k).all()
    assert (frame["events"].dropna() >= k).all() and (frame["episodes"].dropna() >= k).all()
    assert frame.loc[~shown, "estimate"].isna().all()
    for _, stratum in frame.groupby("form", observed=True):
        events = stratum["events"].dropna().to_numpy()
        assert (np.diff(events) >= k).all() or len(events) < 2
        published_total = stratum["episodes"].dropna()
        if len(published_total):
            assert (published_total.to_numpy()[0] - events >= k).all()


def test_bad_arguments_are_refused() -> None:
    data = episodes(3, 100)
    with pytest.raises(DisclosureError, match="at least 2"):
        cumulative_incidence_table(data, k=1)
    with pytest.raises(DisclosureError, match="increasing positive"):
        cumulative_incidence_table(data, horizons=(6, 3))
    with pytest.raises(DisclosureError, match="unknown column"):
        cumulative_incidence_table(data, by="region")
    with pytest.raises(DisclosureError, match="no episodes"):
        cumulative_incidence_table(data.iloc[:0])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(30, 400),
    strata=st.sampled_from(["ab", "abc", "cab", "abcde"]),
    unused=st.booleans(),
)
def test_a_categorical_stratum_gives_the_rows_of_its_text(
    seed: int, size: int, strata: str, unused: bool
) -> None:
    """The categorical fast path (levels: the categories, codes read directly) publishes the
    same rows as the same stratum as plain text; an unused category is a level of nobody."""
    data = episodes(seed, size, strata=strata)
    text = data.assign(form=data["form"].astype(str))
    categories = sorted(set(text["form"]))
    coded = data.assign(form=pd.Categorical(text["form"], categories=categories))
    expected = cumulative_incidence_table(text, by="form", k=5).frame
    found = cumulative_incidence_table(coded, by="form", k=5).frame
    pd.testing.assert_frame_equal(
        found.assign(form=found["form"].astype(str)),
        expected.assign(form=expected["form"].astype(str)),
    )
    if unused:  # a category nobody has: its row counts 0 episodes, the others unchanged
        extra = coded.assign(form=coded["form"].cat.add_categories("zz"))
        rows = cumulative_incidence_table(extra, by="form", k=5).audit
        assert (rows.loc[rows["form"] == "zz", "episodes"] == 0).all()
        for level in categories:
            own = rows.loc[rows["form"] == level, "episodes"].tolist()
            assert own == [int((text["form"] == level).sum())] * 4
