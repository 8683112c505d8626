"""The event rows `monitor.details` reads, as integer arrays.

A million episodes make about eighteen million events, of which the details need about three
per episode: the effective exploitation episodes, vulnerabilities and returns. Those rows are
found from the event type's codes, and only they are read: person (an integer code), local day,
UTC instant, and the payload fields. A field is a code per row into its distinct values, each
decoded once: JSON text is taken apart by DuckDB in one pass (each field as its JSON text),
dictionary-encoded, and every distinct text goes through `json.loads`, so a JSON payload gives
the value the same payload as a Python dict gives. (Converting the whole log to pandas and a
Python object per row took most of the 7.9 s of CPU the details took at 100,000 episodes.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.monitor.release import as_text
from schakel.engine.trajectories.episode_input import local_days
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import effective_mask, present
from schakel.engine.trajectories.registry import REGISTRY

Ints = npt.NDArray[np.int64]
KINDS = (
    EventType.EXPLOITATION_EPISODE.value,
    EventType.VULNERABILITY.value,
    EventType.RETURN_TO_EXPLOITATION.value,
)
"""The event types read; an event's `kind` is the index here."""
FIELDS = {
    KINDS[0]: (
        "municipality",
        "country",
        "sector_isic",
        "recruitment_methods",
        "recruitment_platforms",
    ),
    KINDS[1]: ("factor", "addressed"),
    KINDS[2]: ("detected_by",),
}
"""The payload keys read, per event type (each event's payload is parsed for its own)."""


@dataclass(frozen=True)
class Field:
    """A payload field: per row a code into `values` (decoded; None where the key is absent)."""

    codes: Ints
    values: list[Any]


@dataclass(frozen=True)
class DetailEvents:
    """The effective events of one kind, in log order."""

    person: Ints
    """Index of the person id in the `persons` asked for (compared as text, as a merge on
    text ids compared them)."""
    day: Ints
    utc_ns: Ints
    fields: dict[str, Field]

    def take(self, rows: Ints) -> DetailEvents:
        return DetailEvents(
            person=self.person[rows],
            day=self.day[rows],
            utc_ns=self.utc_ns[rows],
            fields={k: Field(f.codes[rows], f.values) for k, f in self.fields.items()},
        )


def detail_events(
    log: pd.DataFrame | pa.Table, timezone: str, persons: pa.Array
) -> dict[str, DetailEvents]:
    """Per kind in `KINDS` its effective events in `log` (pandas or Arrow, payloads as dicts
    or JSON text) of the `persons` (distinct ids as text)."""
    kind = _kinds(_column(log, "event_type"))
    rows = _effective(log, np.flatnonzero(kind >= 0))
    names = ["person_id", "occurred_at", "payload"]
    if isinstance(log, pa.Table):  # one pass over the log for the three columns
        mask = np.zeros(log.num_rows, dtype=bool)
        mask[rows] = True
        columns = list(log.select(names).filter(pa.array(mask)).columns)
    else:
        columns = [_take(_column(log, name), rows) for name in names]
    person = _person_codes(columns[0], persons)
    kind = np.where(person >= 0, kind[rows], -1)  # a person without episodes: not read
    utc_ns = _utc_ns(columns[1])
    day = np.asarray(local_days(utc_ns, timezone), dtype=np.int64)
    fields = _payload_fields(columns[2], kind)
    found = {}
    for code, name in enumerate(KINDS):
        at = np.flatnonzero(kind == code)
        found[name] = DetailEvents(person[at], day[at], utc_ns[at], fields[name])
    return found


Column: TypeAlias = pd.Series | pa.ChunkedArray


def _column(log: pd.DataFrame | pa.Table, name: str) -> Column:
    if isinstance(log, pa.Table):
        return log.column(name)
    return log[name].reset_index(drop=True)


def _take(values: Column, rows: Ints) -> Column:
    """The values at `rows` (ascending); an Arrow column is filtered chunk by chunk (a `take`
    on a long chunked column first joins its chunks)."""
    if isinstance(values, pd.Series):
        return values.iloc[rows].reset_index(drop=True)
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.filter(values, pa.array(mask))


def _kinds(types: Column) -> Ints:
    """Per row the index of its event type in `KINDS`, -1 for every other type."""
    known = {value: i for i, value in enumerate(KINDS) if value not in REGISTRY.withdrawing}
    if isinstance(types, pd.Series):
        if not isinstance(types.dtype, pd.CategoricalDtype):
            types = types.astype("category")
        mapping = np.array([known.get(str(c), -1) for c in types.cat.categories] + [-1], np.int8)
        return np.asarray(mapping[types.cat.codes.to_numpy()], dtype=np.int8)
    parts = []
    for chunk in types.chunks:
        if pa.types.is_dictionary(chunk.type):
            labels = chunk.dictionary.to_pylist()
            mapping = np.array([known.get(str(label), -1) for label in labels] + [-1], np.int8)
            indices = chunk.indices
            if indices.null_count:
                indices = pc.fill_null(indices, len(labels))
            parts.append(mapping[indices.to_numpy(zero_copy_only=False)])
        else:
            found = pc.index_in(chunk.cast(pa.string()), value_set=pa.array(KINDS))
            codes = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
            parts.append(np.asarray(codes, dtype=np.int8))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int8)


def _effective(log: pd.DataFrame | pa.Table, rows: Ints) -> Ints:
    """`rows` less those `effective_mask` takes out (superseded or entered in error), which
    it decides on the rows that name a correction and the rows they may name only."""
    supersedes = _column(log, "supersedes")
    named = np.flatnonzero(present(supersedes))
    if named.size == 0:
        return rows
    targets = {str(v) for v in _values(supersedes, named)}
    ids = _column(log, "event_id")
    if isinstance(ids, pd.Series):
        hit = ids.iloc[rows].astype(str).isin(targets).to_numpy(dtype=bool)
    else:
        found = pc.is_in(_take(ids, rows).cast(pa.string()), value_set=pa.array(sorted(targets)))
        hit = np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
    part = np.union1d(rows[hit], named)
    if isinstance(log, pa.Table):
        keep = effective_mask(log.take(pa.array(part)))
    else:
        keep = effective_mask(log.iloc[part])
    return np.setdiff1d(rows, part[~keep], assume_unique=True)


def _values(values: Column, rows: Ints) -> list[Any]:
    if isinstance(values, pd.Series):
        return list(values.iloc[rows])
    return list(values.take(pa.array(rows, type=pa.int64())).to_pylist())


def _person_codes(values: Column, persons: pa.Array) -> Ints:
    """Per row the index of its person id in `persons` (-1: not there), as text; a coded
    column (categorical, dictionary) is compared once per distinct id."""
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype):
            found = _index_in(pd.Series(values.cat.categories), persons)
            return np.append(found, -1)[values.cat.codes.to_numpy()]
        return _index_in(values, persons)
    parts = []
    for chunk in values.chunks:
        if pa.types.is_dictionary(chunk.type):
            found = np.append(_index_in(chunk.dictionary, persons), -1)
            at = pc.fill_null(chunk.indices, len(chunk.dictionary)).to_numpy(zero_copy_only=False)
            parts.append(found[at])
        else:
            parts.append(_index_in(chunk, persons))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _index_in(values: pd.Series | pa.Array, persons: pa.Array) -> Ints:
    text = as_text(values)
    found = pc.fill_null(pc.index_in(text, value_set=persons), -1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _utc_ns(values: Column) -> Ints:
    if isinstance(values, pa.ChunkedArray) and pa.types.is_timestamp(values.type):
        as_ns = values.cast(pa.timestamp("ns", tz="UTC")).combine_chunks()
        return np.asarray(as_ns.to_numpy(zero_copy_only=False).view(np.int64), dtype=np.int64)
    if isinstance(values, pa.ChunkedArray):
        values = values.to_pandas()
    stamps = pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns")
    return np.asarray(stamps.asi8, dtype=np.int64)


def _payload_fields(payloads: Column, kind: Ints) -> dict[str, dict[str, Field]]:
    """Per kind the fields of `FIELDS` of its events (`kind`: per payload its kind)."""
    if isinstance(payloads, pd.Series):
        values = payloads.tolist()
        if not (values and all(isinstance(v, str) for v in values)):
            return _python_fields(values, kind)
        payloads = pa.chunked_array([pa.array(values, pa.string())])
    elif not (pa.types.is_string(payloads.type) or pa.types.is_large_string(payloads.type)):
        return _python_fields(payloads.to_pylist(), kind)
    con = duckdb.connect(config={"preserve_insertion_order": True})
    try:
        fields = {}
        for code, name in enumerate(KINDS):
            texts = pc.filter(payloads, pa.array(kind == code)).combine_chunks()
            found = _repeated_fields(con, texts, name) if name in REPEATING else None
            fields[name] = found or _json_fields(con, texts, FIELDS[name])
    finally:
        con.close()
    return fields


REPEATING = frozenset({KINDS[1], KINDS[2]})
"""Types whose payloads carry no id (a factor and a flag; how a return came to light): a few
distinct texts for millions of events, so each distinct text is parsed once."""


def _repeated_fields(
    con: duckdb.DuckDBPyConnection, texts: pa.Array, kind: str
) -> dict[str, Field]:
    encoded = texts.dictionary_encode()
    found = _json_fields(con, encoded.dictionary, FIELDS[kind])
    missing = len(encoded.dictionary)
    at = np.asarray(pc.fill_null(encoded.indices, missing).to_numpy(zero_copy_only=False))
    fields: dict[str, Field] = {}
    for key, field in found.items():
        codes = np.append(field.codes, len(field.values))
        fields[key] = Field(codes[at], [*field.values, None])
    return fields


def _json_fields(
    con: duckdb.DuckDBPyConnection, texts: pa.Array, keys: tuple[str, ...]
) -> dict[str, Field]:
    """The `keys` of JSON payloads `texts`, each payload parsed once by DuckDB and each key
    taken as its JSON text (null: absent), decoded once per distinct text."""
    paths = ", ".join(f"'$.{key}'" for key in keys)
    values = ", ".join(f"found[{i + 1}]::VARCHAR AS {key}" for i, key in enumerate(keys))
    inner = f"SELECT pos, json_extract(payload, [{paths}]) AS found FROM texts"  # noqa: S608
    con.register("texts", pa.table({"pos": np.arange(len(texts)), "payload": texts}))
    try:
        found = con.sql(f"SELECT pos, {values} FROM ({inner})").to_arrow_table()  # noqa: S608
    finally:
        con.unregister("texts")
    position = found.column("pos").to_numpy()
    if position.size > 1 and not (np.diff(position) > 0).all():
        found = found.take(pa.array(np.argsort(position)))
    return {key: _decoded(found.column(key)) for key in keys}


def _decoded(texts: pa.ChunkedArray) -> Field:
    """Codes of the distinct JSON texts; each text decoded once (null: key absent)."""
    encoded = texts.combine_chunks().dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    codes = pc.fill_null(encoded.indices, len(distinct)).to_numpy(zero_copy_only=False)
    values = [json.loads(text) for text in distinct] + [None]
    return Field(np.asarray(codes, dtype=np.int64), values)


def _python_fields(values: Sequence[Any], kind: Ints) -> dict[str, dict[str, Field]]:
    fields = {}
    for code, name in enumerate(KINDS):
        dicts = [_payload(values[i]) for i in np.flatnonzero(kind == code).tolist()]
        fields[name] = {key: _coded([d.get(key) for d in dicts]) for key in FIELDS[name]}
    return fields


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _coded(values: list[Any]) -> Field:
    """Codes of the distinct values (compared with their type: 1 and True stay apart)."""
    seen: dict[Any, int] = {}
    distinct: list[Any] = []
    codes = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        key = _key(value)
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(distinct)
            distinct.append(value)
        codes[i] = code
    return Field(codes, distinct)


def _key(value: Any) -> Any:
    if isinstance(value, list):
        return (list, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return (dict, json.dumps(value, sort_keys=True, default=str))
    return (type(value), value)
