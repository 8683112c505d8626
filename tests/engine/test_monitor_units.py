"""The units a release was computed from, written and read back (ADR 0033): the next
release's protection must see exactly the frames the last one was protected with."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from schakel.engine.flow_paths import path_index
from schakel.engine.monitor.funnel import funnel_units
from schakel.engine.monitor.release import episode_units, unit_trajectories
from schakel.engine.monitor.selection import label_episodes
from schakel.engine.monitor.units import (
    from_bytes,
    to_bytes,
    trajectory_persons,
    with_current_persons,
)
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories import build_episodes


@pytest.fixture(scope="module")
def region() -> pd.DataFrame:
    return region_event_log(
        generate_region(RegionParameters(seed=11, persons=400, years=3)), linked=True
    )


def test_episode_and_funnel_units_come_back_equal(region: pd.DataFrame) -> None:
    episodes = label_episodes(
        build_episodes(region, as_of=dt.date(2026, 1, 1), timezone="UTC", strict=False).episodes
    )
    for units in (episode_units(episodes), funnel_units(path_index(region), 5)):
        assert len(units) > 100
        read = from_bytes(to_bytes(units))
        pd.testing.assert_frame_equal(read, units.reset_index(drop=True))
        assert read.dtypes.to_dict() == units.dtypes.to_dict()
    forms = from_bytes(to_bytes(funnel_units(path_index(region), 5)))["form"]
    assert all(isinstance(f, frozenset) for f in forms)
    assert {len(f) for f in forms} >= {0, 1}  # no form and one form (sets compare equal above)


def test_empty_units_come_back_empty() -> None:
    empty = pd.DataFrame(
        {"unit": pd.Series([], dtype=object), "episodes": pd.Series([], dtype=bool)}
    )
    read = from_bytes(to_bytes(empty))
    assert list(read.columns) == ["unit", "episodes"] and len(read) == 0


def test_units_take_their_trajectorys_person_now() -> None:
    units = pd.DataFrame(
        {
            "unit": ["t1/2025-01-01/0", "t2/2025-02-01/0", "t3/2025-03-01/0"],
            "person_id": ["p1", "p2", "p3"],
        }
    )
    trajectory = unit_trajectories(units)
    persons = trajectory_persons(np.array(["t1", "t2", "t2"]), np.array(["p1", "p1", "p9"]))
    now = with_current_persons(units, persons, trajectory_of=trajectory)
    assert now["person_id"].tolist() == ["p1", "p1", "p3"]  # t3 is gone: its person stays
    assert units["person_id"].tolist() == ["p1", "p2", "p3"]  # the input is not changed


def _units_by_pandas(episodes: pd.DataFrame) -> pd.Series:
    """The unit ids as `episode_units` defined them before ADR 0033's reading was sped up:
    text concatenation and a groupby count."""
    day = episodes["start_date"].astype(str).str.removesuffix(" 00:00:00")
    unit = episodes["trajectory_id"].astype(str) + "/" + day
    return unit + "/" + unit.groupby(unit).cumcount().astype(str)


def test_episode_units_number_episodes_with_one_start_in_row_order() -> None:
    day = pd.Timestamp("2025-01-05")
    episodes = pd.DataFrame(
        {
            "trajectory_id": [7, 8, 7, 7, 8, 70],  # numbers: written as pandas writes them
            "start_date": [day, day, day, day + pd.Timedelta(days=1), day, day],
            "form": ["labour"] * 6,
            "region": ["r"] * 6,
            "cohort": ["2025"] * 6,
            "person_id": ["p1", "p2", "p1", "p1", "p2", "p3"],
            "days": [10] * 6,
            "exit_type": [1] * 6,
            "lost_to_follow_up": [False] * 6,
        }
    )
    units = episode_units(episodes)["unit"]
    assert units.tolist() == [
        "7/2025-01-05/0",
        "8/2025-01-05/0",
        "7/2025-01-05/1",
        "7/2025-01-06/0",
        "8/2025-01-05/1",
        "70/2025-01-05/0",
    ]
    assert units.tolist() == _units_by_pandas(episodes).tolist()
    at_noon = episodes.assign(start_date=episodes["start_date"] + pd.Timedelta(hours=12))
    assert episode_units(at_noon)["unit"].tolist() == _units_by_pandas(at_noon).tolist()
    assert episode_units(at_noon)["unit"].iloc[0] == "7/2025-01-05 12:00:00/0"


def test_units_take_their_persons_from_arrow_trajectories() -> None:
    import pyarrow as pa

    units = pd.DataFrame({"unit": ["a", "b"], "person_id": ["p1", "p2"]})
    persons = trajectory_persons(np.array([1, 2], dtype=object), np.array(["p9", "p8"]))
    assert persons.index.tolist() == ["1", "2"]  # ids as text
    now = with_current_persons(units, persons, trajectory_of=pa.array(["2", "3"]))
    assert now["person_id"].tolist() == ["p8", "p2"]
