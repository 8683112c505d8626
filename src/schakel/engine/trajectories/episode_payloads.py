"""The few payload fields the episode builder needs, read in bulk.

Payloads are validated when they are written, so this module reads only what episodes need
(the form, modus operandi, placement, intervention, exit kind, follow-up outcome, closure
reason ...) and only from the event types that carry them. JSON text is read by DuckDB in one
vectorised pass; Python dicts by one list comprehension per field. A code outside the
vocabulary, a missing required field or text that is not a JSON object is an input error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.trajectories.episode_input import (
    EVENT_TYPE_ORDER,
    BoolArray,
    EpisodeInputError,
    IntArray,
    first_rows,
)
from schakel.engine.trajectories.events import EventType as E
from schakel.engine.vocabulary import (
    ClosureReason,
    ExitKind,
    ExploitationForm,
    FollowUpOutcome,
    InterventionType,
    ModusOperandi,
    PlacementType,
    TraffickingStatus,
)

MISSING = -1
MISSING_DAY = -(2**31)
"""No date: far outside any calendar day number (fits int32)."""
DEFAULT_LAST_FOLLOW_UP_MONTH = 24
"""ExitPayload's default schedule is 3, 6, 12 and 24 months."""


@dataclass(frozen=True)
class CodeField:
    key: str
    vocabulary: type[StrEnum]
    default: str | None = None


CODE_FIELDS: dict[E, CodeField] = {
    E.INTAKE: CodeField("trafficking_status", TraffickingStatus, TraffickingStatus.POSSIBLE),
    E.EXPLOITATION_EPISODE: CodeField("form", ExploitationForm),
    E.PLACEMENT_START: CodeField("placement_type", PlacementType),
    E.INTERVENTION_START: CodeField("intervention_type", InterventionType),
    E.EXIT: CodeField("exit_kind", ExitKind),
    E.FOLLOW_UP_CONTACT: CodeField("outcome", FollowUpOutcome),
    E.CLOSURE: CodeField("reason", ClosureReason),
}
"""Per event type, the one coded field episodes need; its code is the index in the vocabulary."""
READ_KINDS: frozenset[E] = frozenset({*CODE_FIELDS, E.SIGNAL})
_READ = np.array([kind in READ_KINDS for kind in EVENT_TYPE_ORDER])


@dataclass(frozen=True)
class PayloadFields:
    """Fields per event row; MISSING (-1, MISSING_DAY for dates) where there is no such field."""

    code: IntArray
    modus_operandi: IntArray
    started_on: IntArray
    minor: IntArray
    last_month: IntArray

    def take(self, order: IntArray) -> PayloadFields:
        return PayloadFields(
            code=self.code[order],
            modus_operandi=self.modus_operandi[order],
            started_on=self.started_on[order],
            minor=self.minor[order],
            last_month=self.last_month[order],
        )


def code_of(member: StrEnum) -> int:
    """The integer code of a vocabulary member, as stored in `PayloadFields.code`."""
    return list(type(member)).index(member)


def read_payload_fields(
    payload: pa.ChunkedArray | pd.Series, rows: IntArray, kinds: IntArray
) -> PayloadFields:
    """Fields of the events at input positions `rows` (event type codes `kinds`).

    Pass `rows` in ascending order where possible: reading the payload column in its own order
    is several times faster than jumping around in it.
    """
    size = rows.size
    fields = PayloadFields(
        code=np.full(size, MISSING, dtype=np.int8),
        modus_operandi=np.full(size, MISSING, dtype=np.int8),
        started_on=np.full(size, MISSING_DAY, dtype=np.int32),
        minor=np.full(size, MISSING, dtype=np.int8),
        last_month=np.full(size, MISSING, dtype=np.int16),
    )
    positions = np.flatnonzero(_READ[kinds])
    if positions.size:
        raw = _raw_fields(payload, rows[positions], kinds[positions])
        _fill(fields, positions, raw, rows[positions], kinds[positions])
    return fields


def _raw_fields(payload: pa.ChunkedArray | pd.Series, rows: IntArray, kinds: IntArray) -> pa.Table:
    """Text columns code, modus_operandi, started_on, minor, last_month (null if absent)."""
    if isinstance(payload, pa.ChunkedArray):
        if pa.types.is_string(payload.type) or pa.types.is_large_string(payload.type):
            return _with_duckdb(payload, rows, kinds, rows)
        values = payload.take(pa.array(rows, type=pa.int64()))
        return _with_python(values.to_pylist(), rows, kinds)
    items = payload.iloc[rows].tolist()
    if all(isinstance(v, str) for v in items):
        text = pa.chunked_array([pa.array(items, pa.string())])
        return _with_duckdb(text, np.arange(len(items)), kinds, rows)
    return _with_python(items, rows, kinds)


def _with_duckdb(
    values: pa.ChunkedArray, positions: IntArray, kinds: IntArray, rows: IntArray
) -> pa.Table:
    """DuckDB reads `values` where it lies (no copy) and parses only the rows at `positions`."""
    kind = np.full(len(values), -1, dtype=np.int16)
    kind[positions] = kinds
    table = pa.table(
        {"pos": pa.array(np.arange(len(values))), "kind": pa.array(kind), "payload": values}
    )
    con = duckdb.connect()
    try:
        con.register("events", table)
        bad = con.sql(
            "SELECT pos FROM events WHERE kind >= 0 AND NOT "
            "coalesce(json_valid(payload) AND json_type(payload) = 'OBJECT', false) LIMIT 5"
        ).to_arrow_table()
        if bad.num_rows:
            found = np.isin(positions, bad.column("pos").to_numpy())
            raise EpisodeInputError("payload", "is not a JSON object", first_rows(found, rows))
        result = con.sql(_SELECT).to_arrow_table()
    finally:
        con.close()
    order = result.column("pos").to_numpy()
    if not np.array_equal(order, positions):  # DuckDB keeps insertion order; be sure anyway
        result = result.take(pa.array(np.argsort(order)))
    return result


def _kind(kind: E) -> int:
    return EVENT_TYPE_ORDER.index(kind)


def _code_sql() -> str:
    cases = " ".join(
        f"WHEN {_kind(kind)} THEN json_extract_string(payload, '$.{field.key}')"
        for kind, field in CODE_FIELDS.items()
    )
    return f"CASE kind {cases} END"


_EPISODE, _SIGNAL, _EXIT = _kind(E.EXPLOITATION_EPISODE), _kind(E.SIGNAL), _kind(E.EXIT)
_SELECT = f"""
SELECT
  pos,
  {_code_sql()} AS code,
  CASE WHEN kind = {_EPISODE}
       THEN json_extract_string(payload, '$.modus_operandi[0]') END AS modus_operandi,
  CASE WHEN kind = {_EPISODE}
       THEN json_extract_string(payload, '$.started_on') END AS started_on,
  CASE WHEN kind = {_SIGNAL} THEN json_extract_string(payload, '$.minor') END AS minor,
  CASE WHEN kind = {_EXIT} THEN
       CASE WHEN json_exists(payload, '$.follow_up_months')
            THEN json_extract_string(payload, '$.follow_up_months[#-1]')
            ELSE '{DEFAULT_LAST_FOLLOW_UP_MONTH}' END END AS last_month
FROM events
WHERE kind >= 0
"""  # noqa: S608 - built from constants only


def _with_python(values: Sequence[Any], rows: IntArray, kinds: IntArray) -> pa.Table:
    """The same columns from Python dicts (or JSON text mixed in), one pass per field."""
    payloads: list[dict[str, Any]] = []
    for position, value in enumerate(values):
        try:
            item = json.loads(value) if isinstance(value, str | bytes) else value
        except ValueError:
            item = None
        if not isinstance(item, dict):
            raise EpisodeInputError("payload", "is not a JSON object", (int(rows[position]),))
        payloads.append(item)
    pairs = list(zip(payloads, kinds.tolist(), strict=True))
    key_of = {_kind(kind): field.key for kind, field in CODE_FIELDS.items()}
    columns = {
        "code": [_text(p.get(key_of[k])) if k in key_of else None for p, k in pairs],
        "modus_operandi": [
            _text(_first(p.get("modus_operandi"))) if k == _EPISODE else None for p, k in pairs
        ],
        "started_on": [_text(p.get("started_on")) if k == _EPISODE else None for p, k in pairs],
        "minor": [_text(p.get("minor")) if k == _SIGNAL else None for p, k in pairs],
        "last_month": [_last_month(p) if k == _EXIT else None for p, k in pairs],
    }
    return pa.table({name: pa.array(column, pa.string()) for name, column in columns.items()})


def _first(values: Any) -> Any:
    return values[0] if isinstance(values, list) and values else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _last_month(payload: dict[str, Any]) -> str | None:
    months = payload.get("follow_up_months", [DEFAULT_LAST_FOLLOW_UP_MONTH])
    return str(months[-1]) if isinstance(months, list) and months else None


def _fill(
    fields: PayloadFields, positions: IntArray, raw: pa.Table, rows: IntArray, kinds: IntArray
) -> None:
    """Text to codes; unknown codes and missing required fields name their rows."""
    for kind, field in CODE_FIELDS.items():
        mask = kinds == _kind(kind)
        if mask.any():
            fields.code[positions[mask]] = _vocabulary_codes(
                _select(raw, "code", mask),
                field.vocabulary,
                f"payload.{field.key} of {kind.value}",
                rows[mask],
                default=field.default,
            )
    episode = kinds == _EPISODE
    if episode.any():
        fields.modus_operandi[positions[episode]] = _vocabulary_codes(
            _select(raw, "modus_operandi", episode),
            ModusOperandi,
            "payload.modus_operandi",
            rows[episode],
            optional=True,
        )
        fields.started_on[positions[episode]] = _dates(
            _select(raw, "started_on", episode), rows[episode]
        )
    signal = kinds == _SIGNAL
    fields.minor[positions[signal]] = _flags(_select(raw, "minor", signal), rows[signal])
    exits = kinds == _EXIT
    fields.last_month[positions[exits]] = _months(_select(raw, "last_month", exits), rows[exits])


def _select(raw: pa.Table, name: str, mask: BoolArray) -> pa.Array:
    column = raw.column(name)
    return pc.filter(column, pa.array(mask)).combine_chunks()


def _vocabulary_codes(
    text: pa.Array,
    vocabulary: type[StrEnum],
    name: str,
    rows: IntArray,
    *,
    default: str | None = None,
    optional: bool = False,
) -> IntArray:
    if default is not None:
        text = pc.fill_null(text, default)
    values = [member.value for member in vocabulary]
    found = pc.index_in(text, value_set=pa.array(values, pa.string()))
    codes = np.asarray(pc.fill_null(found, MISSING).to_numpy(zero_copy_only=False), np.int64)
    bad = codes < 0
    if optional:
        bad &= np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if bad.any():
        shown = sorted({str(v) for v in text.filter(pa.array(bad)).to_pylist()})[:5]
        raise EpisodeInputError(
            name, f"unknown or missing code(s) {shown}; use one of {values}", first_rows(bad, rows)
        )
    return codes


def _present(text: pa.Array) -> BoolArray:
    return np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _dates(text: pa.Array, rows: IntArray) -> IntArray:
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    days = pc.cast(pc.cast(parsed, pa.date32()), pa.int32())
    result = np.asarray(pc.fill_null(days, MISSING_DAY).to_numpy(zero_copy_only=False), np.int32)
    bad = _present(text) & (result == MISSING_DAY)
    if bad.any():
        raise EpisodeInputError(
            "payload.started_on", "must be a date (YYYY-MM-DD)", first_rows(bad, rows)
        )
    return result


def _flags(text: pa.Array, rows: IntArray) -> IntArray:
    codes = _vocabulary_codes(text, _Bool, "payload.minor", rows, optional=True)
    return np.where(codes == MISSING, MISSING, 1 - codes)


class _Bool(StrEnum):
    TRUE = "true"
    FALSE = "false"


def _months(text: pa.Array, rows: IntArray) -> IntArray:
    numbers = pd.to_numeric(pd.Series(text.to_pandas()), errors="coerce").to_numpy()
    bad = ~np.isfinite(numbers) | (numbers < 1) | (numbers > 120)
    if bad.any():
        raise EpisodeInputError(
            "payload.follow_up_months", "needs months between 1 and 120", first_rows(bad, rows)
        )
    return numbers.astype(np.int64)
