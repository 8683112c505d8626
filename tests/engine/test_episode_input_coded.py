"""`coded_ids` hashes the id and type columns once for `build_episodes` and `path_index`:
both must give exactly what they give on the plain log (text ids), also on a part of the log
(a categorical keeps categories no row of the part uses) and with missing regions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from schakel.engine.flow_paths import path_index
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories import build_episodes
from schakel.engine.trajectories.episode_input import coded_ids, factorize


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    events = region_event_log(generate_region(RegionParameters(seed=7, persons=500)), linked=True)
    events = events.reset_index(drop=True)
    for name in ("trajectory_id", "person_id", "event_type"):
        events[name] = events[name].astype(str).astype(object)
    events["region"] = events["region"].astype(object)
    events.loc[events.index % 17 == 0, "region"] = None  # missing regions stay missing
    return events


@pytest.mark.parametrize("arrow", [False, True])
def test_episodes_are_the_same_from_coded_ids(log: pd.DataFrame, arrow: bool) -> None:
    if arrow:
        log = pa.Table.from_pandas(log, preserve_index=False)
    coded = coded_ids(log)
    if arrow:
        assert pa.types.is_dictionary(coded["trajectory_id"].type)
    else:
        assert isinstance(coded["trajectory_id"].dtype, pd.CategoricalDtype)
    as_of = dt.date(2026, 1, 1)
    plain = build_episodes(log, as_of=as_of, timezone="UTC", strict=False)
    fast = build_episodes(coded, as_of=as_of, timezone="UTC", strict=False)
    assert len(plain.episodes) > 100
    pd.testing.assert_frame_equal(fast.episodes, plain.episodes)
    assert fast.quality.to_frame().equals(plain.quality.to_frame())


@pytest.mark.parametrize("arrow", [False, True])
@pytest.mark.parametrize("part", [False, True])
def test_paths_are_the_same_from_coded_ids(log: pd.DataFrame, part: bool, arrow: bool) -> None:
    if part:  # the first half of the log: many categories are not used
        cut = log["occurred_at"].sort_values().iloc[len(log) // 2]
        coded = coded_ids(log)
        log, coded = log[log["occurred_at"] <= cut], coded[coded["occurred_at"] <= cut]
        if arrow:
            log = pa.Table.from_pandas(log, preserve_index=False)
            coded = coded_ids(pa.Table.from_pandas(coded, preserve_index=False))
    else:
        if arrow:
            log = pa.Table.from_pandas(log, preserve_index=False)
        coded = coded_ids(log)
    plain, fast = path_index(log, timezone="UTC"), path_index(coded, timezone="UTC")
    assert len(plain) > 50
    pd.testing.assert_frame_equal(fast.frame(), plain.frame())
    np.testing.assert_array_equal(fast.person_labels, plain.person_labels)
    assert fast.form_sets() == plain.form_sets()


def test_a_part_of_a_coded_arrow_log_reads_dense_codes(log: pd.DataFrame) -> None:
    """Taking rows of a dictionary column keeps the whole dictionary; the codes read from it
    are dense again (every label used), as from a column hashed on its own."""
    table = coded_ids(pa.Table.from_pandas(log, preserve_index=False))
    part = table.take(pa.array(np.arange(0, table.num_rows, 50)))
    found = factorize(part["trajectory_id"])
    alone = factorize(pc.cast(part["trajectory_id"], pa.string()))
    assert sorted(found.labels) == sorted(alone.labels)
    assert found.labels[found.codes].tolist() == alone.labels[alone.codes].tolist()
