"""`read_monitor_log`, the one definition of reading the event log into monitor data: it
equals the steps composed by hand, and reading the paths on a forked process (workers 2)
gives exactly what reading them here gives (ADR 0034)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from schakel.engine.flow_paths import PathIndex, path_index
from schakel.engine.monitor import log_read
from schakel.engine.monitor.details import with_details
from schakel.engine.monitor.log_read import MonitorData, known_at, read_monitor_log
from schakel.engine.parallel import can_fork
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episode_input import coded_ids
from schakel.engine.trajectories.episodes import build_episodes


@functools.cache
def region_log() -> tuple[pd.DataFrame, dt.date]:
    region = generate_region(RegionParameters(seed=7, persons=800, years=4))
    log = region_event_log(region, linked=True)
    # a year before the end: the cut of the paths and of the episodes matters
    return log, region.parameters.end_date - dt.timedelta(days=365)


def _assert_same_index(found: PathIndex, expected: PathIndex) -> None:
    assert len(found) == len(expected) > 0
    for item in dataclasses.fields(PathIndex):
        mine, theirs = getattr(found, item.name), getattr(expected, item.name)
        if item.name == "forms":
            assert list(mine) == list(theirs) and mine
            for name in theirs:
                np.testing.assert_array_equal(mine[name], theirs[name])
        elif isinstance(theirs, np.ndarray):
            assert mine.dtype == theirs.dtype, item.name
            np.testing.assert_array_equal(mine, theirs, err_msg=item.name)
        else:
            assert mine == theirs, item.name


def _assert_same(found: MonitorData, expected: MonitorData) -> None:
    pd.testing.assert_frame_equal(found.build.episodes, expected.build.episodes)
    pd.testing.assert_frame_equal(found.build.intervals, expected.build.intervals)
    assert found.build.quality == expected.build.quality
    pd.testing.assert_frame_equal(found.episodes.labelled, expected.episodes.labelled)
    _assert_same_index(found.path_index, expected.path_index)
    pd.testing.assert_frame_equal(found.paths, expected.paths)


def test_the_read_is_the_steps_the_monitor_composed_by_hand() -> None:
    log, as_of = region_log()
    data = read_monitor_log(log, as_of=as_of)
    built = build_episodes(log, as_of=as_of, strict=False)
    pd.testing.assert_frame_equal(data.build.episodes, with_details(built.episodes, log))
    assert data.build.quality == built.quality
    by_date = log[log["occurred_at"].dt.date <= as_of]
    assert len(by_date) < len(log)  # the cut leaves events out
    _assert_same_index(data.path_index, path_index(by_date))
    expected = path_index(by_date).frame()
    expected["forms"] = path_index(by_date).form_sets()
    pd.testing.assert_frame_equal(data.paths, expected)


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_paths_read_on_a_forked_process_give_the_same_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log, as_of = region_log()
    here = read_monitor_log(log, as_of=as_of, workers=1)
    parent, read = os.getpid(), log_read.path_index

    def elsewhere(*args: Any, **kwargs: Any) -> PathIndex:
        assert os.getpid() != parent, "the paths were read in the parent"
        return read(*args, **kwargs)

    monkeypatch.setattr(log_read, "path_index", elsewhere)
    steps: list[str] = []

    def step(name: str, work: Any) -> Any:
        steps.append(name)
        return work()

    forked = read_monitor_log(log, as_of=as_of, workers=2, step=step)
    assert steps == ["code", "build", "details", "paths", "prepare"]
    _assert_same(forked, here)


def test_known_at_is_the_calendar_date_cut_without_a_copy_when_all_are_kept() -> None:
    log, as_of = region_log()
    coded = coded_ids(log)
    cut = known_at(coded, as_of)
    expected = coded[coded["occurred_at"].dt.date <= as_of]
    pd.testing.assert_frame_equal(cut, expected)
    plain = coded.drop(columns=["payload"])  # dicts do not survive Arrow unchanged
    table = pa.Table.from_pandas(plain, preserve_index=False)
    from_arrow = known_at(table, as_of).to_pandas()
    pd.testing.assert_frame_equal(from_arrow, plain.loc[expected.index].reset_index(drop=True))
    last = log["occurred_at"].max().date()
    assert known_at(coded, last) is coded and known_at(table, last) is table
    assert len(known_at(coded, last - dt.timedelta(days=1))) < len(coded)
