"""Trajectory flows: paths, median step days and protection of small paths."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import DisclosureError
from schakel.engine.flows import (
    OTHER,
    TOTAL,
    FlowInputError,
    flow_tables,
    trajectory_paths,
)

UTC = dt.UTC


def _log(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """rows: (trajectory, person, event_type, day offset, event_id, supersedes)."""
    base = dt.datetime(2024, 1, 1, 10, tzinfo=UTC)
    return pd.DataFrame(
        {
            "trajectory_id": [r[0] for r in rows],
            "person_id": [r[1] for r in rows],
            "region": ["utrecht"] * len(rows),
            "event_type": [r[2] for r in rows],
            "occurred_at": [base + dt.timedelta(days=int(r[3])) for r in rows],  # type: ignore[call-overload]
            "event_id": [r[4] for r in rows],
            "supersedes": [r[5] if len(r) > 5 else None for r in rows],
            "recorded_at": [base + dt.timedelta(days=int(r[3])) for r in rows],  # type: ignore[call-overload]
        }
    )


def test_hand_made_log_paths_and_median_days() -> None:
    rows: list[tuple[object, ...]] = []
    # three trajectories signal -> intake -> exit with step days (2, 10), (4, 20), (6, 30)
    for t, (a, b) in enumerate([(2, 10), (4, 20), (6, 30)]):
        rows += [
            (t, f"p{t}", "signal", 0, f"{t}s"),
            (t, f"p{t}", "intake", a, f"{t}i"),
            (t, f"p{t}", "intake", a + 1, f"{t}i2"),  # repeated stage: first counts
            (t, f"p{t}", "intervention_start", a + 1, f"{t}x"),  # not a stage
            (t, f"p{t}", "exit", a + b, f"{t}e"),
        ]
    paths = trajectory_paths(_log(rows))
    assert list(paths["variant"]) == ["signal>intake>exit"] * 3
    assert sorted(paths["step_days"]) == [(2, 10), (4, 20), (6, 30)]
    tables = flow_tables(paths, k=2)
    row = tables.variants[tables.variants["kind"] == "variant"].iloc[0]
    assert row["variant"] == "signal>intake>exit"
    assert row["trajectories"] == 3 and row["persons"] == 3
    assert row["median_days"] == (4.0, 20.0)
    edges = tables.edges.set_index(["source", "target"])
    assert edges.loc[("signal", "intake"), "median_days"] == 4.0
    assert edges.loc[("intake", "exit"), "median_days"] == 20.0


def test_corrections_and_withdrawals_do_not_count() -> None:
    rows: list[tuple[object, ...]] = [
        (1, "p", "signal", 0, "a"),
        (1, "p", "intake", 3, "b"),
        (1, "p", "entered_in_error", 4, "c", "b"),  # withdraws the intake
        (1, "p", "exit", 9, "d"),
        (1, "p", "exit", 12, "e", "d"),  # corrected exit date
    ]
    paths = trajectory_paths(_log(rows))
    assert paths["variant"].tolist() == ["signal>exit"]
    assert paths["step_days"].tolist() == [(12,)]


def test_small_paths_are_merged_and_other_row_is_protected() -> None:
    rows: list[tuple[object, ...]] = []
    n = 0
    for variant, persons in (("signal intake exit", 12), ("signal exit", 10), ("intake", 3)):
        for _ in range(persons):
            for day, stage in enumerate(variant.split()):
                kind = {"signal": "signal", "intake": "intake", "exit": "exit"}[stage]
                rows.append((n, f"p{n}", kind, day, f"{n}-{day}"))
            n += 1
    tables = flow_tables(trajectory_paths(_log(rows)), k=10)
    v = tables.variants
    # "intake" has 3 persons: alone it would be a small "other" row, so the smallest
    # published path ("signal>exit", 10) is merged with it.
    assert v["variant"].tolist() == ["signal>intake>exit", OTHER, TOTAL]
    assert v["persons"].tolist() == [12, 13, 25]
    assert tables.merged_variants == 2


def test_bad_input() -> None:
    with pytest.raises(FlowInputError):
        trajectory_paths(pd.DataFrame({"trajectory_id": [1]}))
    naive = _log([(1, "p", "signal", 0, "a")])
    naive["occurred_at"] = naive["occurred_at"].dt.tz_localize(None)
    with pytest.raises(FlowInputError):
        trajectory_paths(naive)
    with pytest.raises(DisclosureError):
        flow_tables(trajectory_paths(_log([(1, "p", "signal", 0, "a")])), k=1)
    assert len(flow_tables(trajectory_paths(_log([])), k=10).variants) == 0


STAGES = ["signal", "consultation", "referral_sent", "intake", "placement_start", "exit"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),  # person
            st.lists(st.sampled_from(STAGES), min_size=1, max_size=4, unique=True),
            st.integers(0, 30),
        ),
        min_size=0,
        max_size=120,
    ),
    st.integers(2, 12),
)
def test_no_published_count_below_k_and_counts_add_up(
    trajectories: list[tuple[int, list[str], int]], k: int
) -> None:
    rows: list[tuple[object, ...]] = []
    for t, (person, stages, step) in enumerate(trajectories):
        for i, stage in enumerate(stages):
            rows.append((t, f"p{person}", stage, i * step, f"{t}-{i}"))
    paths = trajectory_paths(_log(rows))
    tables = flow_tables(paths, k=k)
    v = tables.variants
    for column in ("trajectories", "persons"):
        shown = v[column].dropna()
        assert (shown >= k).all()
    assert (tables.edges["persons"] >= k).all()
    parts = v[v["kind"] != TOTAL]
    if len(paths) and paths["person_id"].nunique() >= k:
        total = v[v["kind"] == TOTAL]
        assert int(total["trajectories"].iloc[0]) == len(paths)
        # published parts add up to the total (the other row is never hidden then)
        assert parts["trajectories"].notna().all()
        assert int(parts["trajectories"].sum()) == len(paths)
    else:
        assert (v["kind"] != "variant").all()
