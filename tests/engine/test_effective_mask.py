"""`effective_mask` (a whole log, vectorised) against `effective_events` (one trajectory):
one rule, two forms, the same answer; and the monitor's former pandas copy of it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.trajectories import Event, effective_events, effective_mask

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
KINDS = ["intake", "exploitation_episode", "exit", "entered_in_error"]


@st.composite
def logs(draw: st.DrawFn, *, within: bool = False) -> list[tuple[str, Event]]:
    """(trajectory, event) rows; a correction names an event of its own trajectory, of
    another one (unless `within`), one that does not exist, or is empty."""
    rows: list[tuple[str, Event]] = []
    for n in range(draw(st.integers(0, 30))):
        trajectory = draw(st.sampled_from(["t1", "t2", "t3"]))
        kind = draw(st.sampled_from(KINDS))
        own = [e.id for t, e in rows if t == trajectory]
        others = [e.id for t, e in rows if t != trajectory]
        choices: list[str | None] = [None, None, None, "", *own, "ghost"]
        if not within:
            choices += others
        supersedes = draw(st.sampled_from(choices))
        at = T0 + dt.timedelta(hours=draw(st.integers(0, 50)))
        rows.append((trajectory, Event(f"e{n}", kind, at, at, {}, supersedes)))
    return rows


def _frame(rows: list[tuple[str, Event]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trajectory_id": [t for t, _ in rows],
            "event_id": [e.id for _, e in rows],
            "event_type": [e.event_type for _, e in rows],
            "supersedes": [e.supersedes for _, e in rows],
        },
        columns=["trajectory_id", "event_id", "event_type", "supersedes"],
    )


def _by_trajectory(rows: list[tuple[str, Event]]) -> list[bool]:
    kept: set[str] = set()
    for trajectory in {t for t, _ in rows}:
        kept |= {e.id for e in effective_events(e for t, e in rows if t == trajectory)}
    return [e.id in kept for _, e in rows]


@given(logs())
@settings(max_examples=300, deadline=None)
def test_mask_keeps_what_effective_events_keeps_per_trajectory(
    rows: list[tuple[str, Event]],
) -> None:
    frame = _frame(rows)
    expected = _by_trajectory(rows)
    assert effective_mask(frame).tolist() == expected
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert effective_mask(table).tolist() == expected


@given(logs())
@settings(max_examples=200, deadline=None)
def test_without_trajectories_the_frame_is_one_trajectory(rows: list[tuple[str, Event]]) -> None:
    frame = _frame(rows).drop(columns="trajectory_id")
    kept = {e.id for e in effective_events(e for _, e in rows)}
    assert effective_mask(frame).tolist() == [e.id in kept for _, e in rows]


def monitor_cli_copy(log: pd.DataFrame) -> list[bool]:
    """The rule as `ctdc_records` had it in pandas before it used the engine."""
    replaced = set(log["supersedes"].dropna().astype(str))
    kept = ~log["event_id"].astype(str).isin(replaced)
    return (kept & (log["event_type"] != "entered_in_error")).tolist()


@given(logs(within=True))
@settings(max_examples=200, deadline=None)
def test_mask_agrees_with_the_monitors_former_copy(rows: list[tuple[str, Event]]) -> None:
    """The database keeps every correction inside its trajectory; there the two agree."""
    frame = _frame(rows)
    assert effective_mask(frame).tolist() == monitor_cli_copy(frame)


def test_ids_compare_as_text_and_the_index_does_not_matter() -> None:
    ids = [uuid.uuid4() for _ in range(3)]
    frame = pd.DataFrame(
        {
            "trajectory_id": [1, 1, 2],
            "event_id": ids,
            "event_type": ["intake", "intake", "entered_in_error"],
            "supersedes": [None, str(ids[0]), str(ids[1])],
        },
        index=[10, 20, 30],
    )
    assert effective_mask(frame).tolist() == [False, True, False]


def test_an_empty_log() -> None:
    empty: dict[str, list[Any]] = {
        "event_id": [],
        "event_type": [],
        "supersedes": [],
    }
    assert effective_mask(pd.DataFrame(empty)).dtype == np.bool_
    assert effective_mask(pa.table({k: pa.array([], pa.string()) for k in empty})).size == 0
