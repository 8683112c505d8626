"""The event log as the episode builder reads it: schema, checks and plain arrays.

The builder must run on a million episodes, so the log becomes integer arrays once (dense codes
for persons, trajectories, regions and event types; UTC nanoseconds; local calendar days) and
everything after that is vectorised. A defect that makes the log unreadable raises
`EpisodeInputError` naming the column and the first rows; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.errors import SchakelError
from schakel.engine.trajectories.events import EventType

IntArray: TypeAlias = npt.NDArray[np.signedinteger[Any]]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
EventLogInput: TypeAlias = pd.DataFrame | pa.Table

EVENT_TYPE_ORDER: tuple[EventType, ...] = tuple(EventType)
"""Event types as small integer codes: `kind == EVENT_TYPE_ORDER.index(t)`."""
NS_PER_DAY = 86_400 * 10**9
ERROR_EXAMPLES = 5


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    meaning: str
    nullable: bool = False


EVENT_LOG_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("trajectory_id", "the trajectory (string or integer id)"),
    ColumnSpec(
        "person_id",
        "the person; a linkage cluster id makes episodes at several organisations one chain",
    ),
    ColumnSpec("region", "Region code of the trajectory", nullable=True),
    ColumnSpec("event_type", "an EventType value"),
    ColumnSpec("occurred_at", "timezone-aware timestamp of the event"),
    ColumnSpec("payload", "dict or JSON object text, as validate_payload returns it"),
    ColumnSpec("event_id", "unique id of the event"),
    ColumnSpec("supersedes", "event_id of the event this one corrects, or empty", nullable=True),
)
"""Input schema of `build_episodes`: a pandas DataFrame or Arrow table with these columns (more
columns are ignored; an optional `recorded_at` orders corrections as `effective_events` does)."""


class EpisodeInputError(SchakelError):
    """The event log cannot be read as given; names the column and the first offending rows."""

    def __init__(self, column: str, message: str, rows: tuple[int, ...] = ()):
        self.column = column
        self.rows = rows
        where = f" (rows {', '.join(map(str, rows))})" if rows else ""
        super().__init__(f"{column}: {message}{where}")


@dataclass(frozen=True)
class Codes:
    """Dense integer codes (-1 = missing) and the label of each code."""

    codes: IntArray
    labels: npt.NDArray[Any]


@dataclass(frozen=True)
class EventLog:
    """One entry per input row; `row` is the position in the input, for messages and order."""

    row: IntArray
    person: Codes
    trajectory: Codes
    region: Codes
    kind: IntArray
    utc_ns: IntArray
    day: IntArray
    has_supersedes: BoolArray
    event_ids: pa.ChunkedArray | pd.Series
    supersedes: pa.ChunkedArray | pd.Series
    payload: pa.ChunkedArray | pd.Series
    recorded_ns: IntArray


def first_rows(mask: BoolArray, rows: IntArray | None = None) -> tuple[int, ...]:
    found = np.flatnonzero(mask)[:ERROR_EXAMPLES]
    return tuple(int(r) for r in (found if rows is None else rows[found]))


def read_event_log(data: EventLogInput, timezone: str) -> EventLog:
    """Check the schema and turn the columns into arrays; raises EpisodeInputError."""
    if not isinstance(data, pd.DataFrame | pa.Table):
        raise EpisodeInputError("events", "must be a pandas DataFrame or a pyarrow Table")
    names = list(data.columns) if isinstance(data, pd.DataFrame) else data.column_names
    missing = [spec.name for spec in EVENT_LOG_COLUMNS if spec.name not in names]
    if missing:
        raise EpisodeInputError(", ".join(missing), "missing column(s) in the event log")
    columns = {name: _column(data, name) for name in [*(s.name for s in EVENT_LOG_COLUMNS)]}
    for spec in EVENT_LOG_COLUMNS:
        if not spec.nullable:
            _check_complete(spec.name, columns[spec.name])
    utc_ns = _utc_nanoseconds("occurred_at", columns["occurred_at"])
    recorded = utc_ns
    if "recorded_at" in names:
        _check_complete("recorded_at", _column(data, "recorded_at"))
        recorded = _utc_nanoseconds("recorded_at", _column(data, "recorded_at"))
    size = utc_ns.size
    return EventLog(
        row=np.arange(size, dtype=np.int64),
        person=factorize(columns["person_id"]),
        trajectory=factorize(columns["trajectory_id"]),
        region=factorize(columns["region"]),
        kind=_event_kinds(columns["event_type"]),
        utc_ns=utc_ns,
        day=local_days(utc_ns, timezone),
        has_supersedes=~_null_mask(columns["supersedes"]),
        event_ids=columns["event_id"],
        supersedes=columns["supersedes"],
        payload=columns["payload"],
        recorded_ns=recorded,
    )


def _column(data: EventLogInput, name: str) -> pa.ChunkedArray | pd.Series:
    if isinstance(data, pd.DataFrame):
        return data[name].reset_index(drop=True)
    return data.column(name)


def _null_mask(values: pa.ChunkedArray | pd.Series) -> BoolArray:
    if isinstance(values, pd.Series):
        return values.isna().to_numpy(dtype=bool)
    return np.asarray(pc.is_null(values).to_numpy(zero_copy_only=False), dtype=bool)


def _check_complete(name: str, values: pa.ChunkedArray | pd.Series) -> None:
    missing = _null_mask(values)
    if missing.any():
        raise EpisodeInputError(name, f"{int(missing.sum())} empty value(s)", first_rows(missing))


CODED_COLUMNS = ("trajectory_id", "person_id", "region", "event_type")


def coded_ids(log: EventLogInput, columns: tuple[str, ...] = CODED_COLUMNS) -> EventLogInput:
    """The log with its id and type columns encoded once: pandas categoricals, or Arrow
    dictionary arrays.

    `build_episodes` and `path_index` each hash these columns (`factorize`); on a log of text
    ids read from a database that took about 9 s of CPU per column at 17 million events.
    Encoded columns carry their codes, so both read them without hashing again (a part of the
    log too: labels no row of the part uses are dropped). The values and missing values are
    unchanged.
    """
    if isinstance(log, pa.Table):
        for name in columns:
            if name in log.column_names and not pa.types.is_dictionary(log[name].type):
                at = log.column_names.index(name)
                log = log.set_column(at, name, pc.dictionary_encode(log[name]))
        return log
    coded: dict[str, pd.Categorical] = {}
    for name in columns:
        if name in log.columns and not isinstance(log[name].dtype, pd.CategoricalDtype):
            codes, uniques = pd.factorize(log[name], use_na_sentinel=True)
            coded[name] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques))
    return log.assign(**coded) if coded else log


def factorize(values: pa.ChunkedArray | pd.Series) -> Codes:
    """Dense codes in order of first appearance; Arrow columns are encoded without Python."""
    if isinstance(values, pd.Series):
        codes, labels = pd.factorize(values, use_na_sentinel=True)
        return Codes(np.asarray(codes, dtype=np.int32), np.asarray(labels, dtype=object))
    if pa.types.is_dictionary(values.type):
        encoded = values.unify_dictionaries().combine_chunks()
    else:
        array = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
        encoded = array.dictionary_encode()
    codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
    labels = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    if pa.types.is_dictionary(values.type):  # a part of a coded log: drop the unused labels
        used = np.bincount(codes[codes >= 0], minlength=labels.size) > 0
        if not used.all():
            dense = np.cumsum(used) - 1
            codes = np.where(codes >= 0, dense[np.maximum(codes, 0)], -1)
            labels = labels[used]
    return Codes(np.asarray(codes, dtype=np.int32), labels)


def _event_kinds(values: pa.ChunkedArray | pd.Series) -> IntArray:
    encoded = factorize(values)
    known = {t.value: index for index, t in enumerate(EVENT_TYPE_ORDER)}
    mapping = np.array([known.get(str(label), -1) for label in encoded.labels], dtype=np.int8)
    kinds = mapping[encoded.codes] if mapping.size else encoded.codes
    unknown = kinds < 0
    if unknown.any():
        bad = sorted({str(label) for label in encoded.labels if str(label) not in known})
        raise EpisodeInputError(
            "event_type", f"unknown event type(s) {', '.join(bad)}", first_rows(unknown)
        )
    return kinds


def _utc_nanoseconds(name: str, values: pa.ChunkedArray | pd.Series) -> IntArray:
    """UTC instants as int64 nanoseconds; naive timestamps are refused (whose clock is it?)."""
    if isinstance(values, pa.ChunkedArray):
        if not pa.types.is_timestamp(values.type) or values.type.tz is None:
            raise EpisodeInputError(name, f"must be a timezone-aware timestamp, got {values.type}")
        as_ns = values.cast(pa.timestamp("ns", tz="UTC"))
        return np.asarray(as_ns.to_numpy(), dtype="datetime64[ns]").view(np.int64)
    series = values
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_dtype(series.dtype):
            raise EpisodeInputError(name, "must be timezone-aware, got naive timestamps")
        naive = np.array([getattr(v, "tzinfo", None) is None for v in series], dtype=bool)
        if naive.any():
            raise EpisodeInputError(
                name, "must hold timezone-aware datetimes", first_rows(naive & series.notna())
            )
        series = pd.to_datetime(series, utc=True)
    utc = series.dt.tz_convert("UTC").dt.as_unit("ns")
    return np.asarray(utc.to_numpy(dtype="datetime64[ns]").view(np.int64))


def local_days(utc_ns: IntArray, timezone: str) -> IntArray:
    """Calendar day (days since 1970-01-01) on the clock of `timezone`."""
    if timezone == "UTC":
        return np.floor_divide(utc_ns, NS_PER_DAY).astype(np.int32)
    try:
        index = pd.DatetimeIndex(utc_ns, tz="UTC").tz_convert(timezone).tz_localize(None)
    except (KeyError, ValueError) as error:
        raise EpisodeInputError("timezone", f"unknown time zone {timezone!r}") from error
    return np.asarray(index.values.astype("datetime64[D]").astype(np.int32))


def day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def to_dates(days: IntArray) -> npt.NDArray[np.datetime64]:
    """Day numbers as datetime64 (seconds resolution, the coarsest pandas keeps)."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")


def take_values(values: pa.ChunkedArray | pd.Series, rows: IntArray) -> list[Any]:
    """Python values of a few rows (for corrections and messages, never for the bulk)."""
    if isinstance(values, pd.Series):
        return list(values.iloc[rows])
    return list(values.take(pa.array(rows, type=pa.int64())).to_pylist())
