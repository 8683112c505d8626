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
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schakel.engine.flow_paths import PathIndex
from schakel.engine.monitor.release import PreviousRelease, as_text, trajectory_texts

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
    return _frame(pq.read_table(io.BytesIO(data)))


def _frame(table: pa.Table) -> pd.DataFrame:
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
    units: pd.DataFrame,
    person_of: pd.Series,
    *,
    trajectory_of: pd.Series | pa.Array | pa.ChunkedArray | None = None,
) -> pd.DataFrame:
    """`units` with each unit's person replaced by its trajectory's person now (`person_of`:
    person ids indexed by trajectory id, both as text), where the trajectory is still there.
    `trajectory_of`: the trajectory id of each unit (default: the unit id itself)."""
    if len(units) == 0 or len(person_of) == 0:
        return units
    trajectories = units["unit"] if trajectory_of is None else trajectory_of
    # one hash lookup in Arrow: `Index.get_indexer` on a million texts took twice as long
    found = pc.index_in(as_text(trajectories), value_set=as_text(person_of.index))
    positions = found.fill_null(-1).to_numpy(zero_copy_only=False)
    known = positions >= 0
    before = units["person_id"].to_numpy(dtype=object)
    now = before.copy()
    now[known] = person_of.to_numpy(dtype=object)[positions[known]]
    if (now == before).all():
        return units
    return units.assign(person_id=now)


def trajectory_persons(trajectories: np.ndarray, persons: np.ndarray) -> pd.Series:
    """Person ids indexed by trajectory id (as text; the first person where one repeats)."""
    encoded = pc.dictionary_encode(as_text(trajectories))  # codes in order of first appearance
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    first = np.ones(len(codes), dtype=bool)  # a code higher than all before it: its first row
    first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    people = as_text(persons).take(pa.array(np.flatnonzero(first)))
    return pd.Series(
        people.to_numpy(zero_copy_only=False),
        index=pd.Index(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object),
    )


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
    trajectory's person now (`persons`), and the statuses it published. The trajectories
    are read when the release asks for them (`PreviousRelease.trajectories`: on the forked
    process that protects the funnel, ADR 0034)."""
    table = pq.read_table(io.BytesIO(episodes))
    units = _frame(table)
    if len(units) and len(persons):
        trajectories = trajectory_texts(table.column("unit"))
        units = with_current_persons(units, persons, trajectory_of=trajectories)
    return PreviousRelease(
        units=units,
        statuses=statuses,
        k=k,
        funnel_statuses=funnel_statuses,
        read_funnel=None if funnel is None else partial(_funnel_now, funnel, persons),
    )


def _funnel_now(funnel: bytes, persons: pd.Series) -> pd.DataFrame:
    """The stored trajectories (`to_bytes`), each with its person now."""
    return with_current_persons(from_bytes(funnel), persons)
