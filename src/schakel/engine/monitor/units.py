"""The units a release was computed from, stored with it for the next release (ADR 0033).

The consecutive protection (ADR 0026) matches the exit episodes and trajectories of the last
release with those of the new one. Rebuilding them from the event log took longer than the
release itself at a million episodes, so the release job keeps them: `to_bytes` writes the
unit frames (`episode_units`, `funnel_units`) as one compressed Parquet file each, and
`from_bytes` reads them back equal to what was written (the forms of a trajectory come back as
the same frozen sets). `with_current_persons` gives every unit whose trajectory is still
there that trajectory's person now: people registered twice and merged since count once.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schakel.engine.flow_paths import PathIndex
from schakel.engine.monitor.release import PreviousRelease, unit_trajectories

SETS = b"schakel.set_columns"
"""Parquet metadata key: the columns whose values were frozen sets (joined with SEPARATOR)."""
SEPARATOR = "\x1f"


def to_bytes(units: pd.DataFrame) -> bytes:
    """The unit frame as a zstd-compressed Parquet file; columns of sets become text."""
    columns: dict[str, pa.Array] = {}
    sets: list[str] = []
    for name in units.columns:
        column = units[name]
        if column.dtype == object and len(column) and isinstance(column.iloc[0], frozenset):
            codes, uniques = pd.factorize(column)
            text = np.asarray([SEPARATOR.join(sorted(s)) for s in uniques], dtype=object)
            columns[str(name)] = pa.DictionaryArray.from_arrays(
                pa.array(codes, type=pa.int32()), pa.array(text, type=pa.string())
            )
            sets.append(str(name))
        elif column.dtype == bool:
            columns[str(name)] = pa.array(column.to_numpy(), type=pa.bool_())
        else:
            columns[str(name)] = pa.array(column.astype(str).to_numpy(dtype=object), pa.string())
    table = pa.table(columns)
    table = table.replace_schema_metadata({SETS: SEPARATOR.join(sets).encode()})
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", use_dictionary=True)
    return sink.getvalue()


def from_bytes(data: bytes) -> pd.DataFrame:
    """The unit frame `to_bytes` wrote: text columns as objects, flags as bool, sets as sets."""
    table = pq.read_table(io.BytesIO(data))
    meta = (table.schema.metadata or {}).get(SETS, b"").decode()
    sets = set(meta.split(SEPARATOR)) if meta else set()
    columns: dict[str, object] = {}
    for name in table.column_names:
        column = table.column(name)
        if name in sets:
            encoded = column.combine_chunks()
            if not isinstance(encoded, pa.DictionaryArray):
                encoded = encoded.dictionary_encode()
            uniques = np.empty(len(encoded.dictionary), dtype=object)
            uniques[:] = [
                frozenset(text.split(SEPARATOR)) if text else frozenset()
                for text in encoded.dictionary.to_pylist()
            ]
            columns[name] = uniques[encoded.indices.to_numpy(zero_copy_only=False)]
        elif pa.types.is_boolean(column.type):
            columns[name] = column.to_numpy().astype(bool)
        else:
            columns[name] = np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    return pd.DataFrame(columns)


def with_current_persons(
    units: pd.DataFrame, person_of: pd.Series, *, trajectory_of: pd.Series | None = None
) -> pd.DataFrame:
    """`units` with each unit's person replaced by its trajectory's person now (`person_of`:
    person ids indexed by trajectory id, both as text), where the trajectory is still there.
    `trajectory_of`: the trajectory id of each unit (default: the unit id itself)."""
    if len(units) == 0 or len(person_of) == 0:
        return units
    trajectories = units["unit"] if trajectory_of is None else trajectory_of
    positions = person_of.index.get_indexer(trajectories)
    known = positions >= 0
    now = units["person_id"].to_numpy(dtype=object).copy()
    now[known] = person_of.to_numpy(dtype=object)[positions[known]]
    if (now == units["person_id"].to_numpy(dtype=object)).all():
        return units
    return units.assign(person_id=now)


def trajectory_persons(trajectories: np.ndarray, persons: np.ndarray) -> pd.Series:
    """Person ids indexed by trajectory id (as text; the first person where one repeats)."""
    series = pd.Series(
        np.asarray(persons, dtype=object).astype(str),
        index=pd.Index(np.asarray(trajectories, dtype=object).astype(str)),
    )
    return series[~series.index.duplicated()]


def persons_now(paths: PathIndex, episodes: pd.DataFrame) -> pd.Series:
    """Each trajectory's person in the data just built: from the paths and the exit episodes
    (`trajectory_id`, `person_id`), as `trajectory_persons` gives them."""
    return trajectory_persons(
        np.concatenate([paths.trajectory, episodes["trajectory_id"].to_numpy(dtype=object)]),
        np.concatenate(
            [paths.person_labels[paths.person], episodes["person_id"].to_numpy(dtype=object)]
        ),
    )


def read_previous(
    episodes: bytes,
    funnel: bytes | None,
    persons: pd.Series,
    *,
    statuses: list[list[str]],
    funnel_statuses: list[list[str]],
    k: int,
) -> PreviousRelease:
    """The previous release from its stored units (`to_bytes`), each unit with its
    trajectory's person now (`persons`), and the statuses it published."""
    units = from_bytes(episodes)
    trajectories = unit_trajectories(units) if len(units) else None
    before = None if funnel is None else with_current_persons(from_bytes(funnel), persons)
    return PreviousRelease(
        units=with_current_persons(units, persons, trajectory_of=trajectories),
        statuses=statuses,
        k=k,
        funnel_units=before,
        funnel_statuses=funnel_statuses,
    )
