"""What the event log says about an episode beyond the episode builder's strata: where and how
the person was exploited, which vulnerabilities were known at exit, and how a return came to
light. The monitor's "where, when and why" tables (`breakdowns`) split returns by these.

Read from the effective events (`effective_mask`) of three types, matched to the episodes by
person and calendar day (on the builder's clock):

- the first exploitation episode recorded in the care episode (on or after its start, not after
  its exit; the one the builder takes the form from): municipality, country, sector (ISIC
  section), recruitment methods and online platforms;
- vulnerability factors recorded for the person up to the exit day, the latest record of each
  factor saying whether it was addressed;
- for a return: the ending the builder found (a follow-up contact with outcome return, a new
  episode of the same person in another trajectory) or, for a return event, its `detected_by`.

What the log does not record is not invented: there is no municipality of exit (only the
municipality where the exploitation took place) and nothing about an online platform beyond the
names recorded with the recruitment methods.

The release job computes this for every episode (issue #15: a million episodes, the whole
refresh under 30 s). The events come as integer arrays (`_detail_log`); each rule is a sort and
a binary search per episode (first event of the person in [start, exit]; last record of each
(person, factor) up to exit; first return event of the person on the end day), and a value is
converted once per distinct value: a set of factors is bits, a tuple is made once per distinct
set. Merging text ids and a tuple per episode took 7.9 s of CPU at 100,000 episodes of
`benchmarks/monitor_episodes.py`; this takes 0.4 s there and 3.0 to 3.7 s at a million
(`tests/engine/test_monitor_details.py` holds the plain per-episode reading it must equal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.monitor._detail_log import KINDS, DetailEvents, Field, detail_events
from schakel.engine.monitor.release import as_text
from schakel.engine.trajectories.episodes import DEFAULT_TIMEZONE

NONE = "none"
DETAIL_COLUMNS = {
    "municipality": "municipality where the exploitation took place (none: abroad or unknown)",
    "country": "country of exploitation, ISO 3166 alpha-2 (none: unknown)",
    "sector": "ISIC section of the exploitation (none: not recorded)",
    "recruitment": "recruitment methods, a tuple (('none',) when none recorded)",
    "platforms": "online platforms named for the recruitment, a tuple (('none',) when none)",
    "vulnerabilities": "factor:addressed|not_addressed per factor known at exit, a tuple",
    "detection": "how a return came to light (follow_up, linkage, report, new_episode, other); "
    "none when the episode did not end in a return",
}
"""Columns `episode_details` adds, in order."""
_ENDING_DETECTION = {"follow_up_return": "follow_up", "new_episode": "new_episode"}
_EPISODE, _VULNERABILITY, _RETURN = KINDS
Ints = npt.NDArray[np.int64]
Objects = npt.NDArray[np.object_]


def episode_details(
    log: pd.DataFrame | pa.Table, episodes: pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """The detail columns (`DETAIL_COLUMNS`) of each row of `episodes` (`build_episodes`'s
    table of the same log, same clock), with the index of `episodes`."""
    person = as_text(episodes["person_id"]).dictionary_encode()
    events = detail_events(log, timezone, person.dictionary)
    rows = _Rows(
        person=np.asarray(pc.fill_null(person.indices, -1).to_numpy(), dtype=np.int64),
        start=_days(episodes["start_date"]),
        exit=_days(episodes["exit_date"]),
        end=_days(episodes["end_date"]),
    )
    columns = {
        **_exploitation(rows, events[_EPISODE]),
        "vulnerabilities": _vulnerabilities(rows, events[_VULNERABILITY]),
        "detection": _detection(rows, episodes, events[_RETURN]),
    }
    return pd.DataFrame({name: columns[name] for name in DETAIL_COLUMNS}, index=episodes.index)


def with_details(
    episodes: pd.DataFrame, log: pd.DataFrame | pa.Table, *, timezone: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """`episodes` with the detail columns added (replaced when already there)."""
    details = episode_details(log, episodes, timezone=timezone)
    return pd.concat(
        [episodes.drop(columns=list(DETAIL_COLUMNS), errors="ignore"), details], axis=1
    )


class _Rows:
    """The episodes as arrays: person code (-1: no event of the three kinds), days."""

    def __init__(self, person: Ints, start: Ints, exit: Ints, end: Ints) -> None:
        self.person, self.start, self.exit, self.end = person, start, exit, end


def _days(column: pd.Series) -> Ints:
    days = pd.to_datetime(column).to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.asarray(days, dtype=np.int64)


class _Timeline:
    """Events of one kind in the order of (group, day, instant, log row), searchable by
    (group, day); a group is a person, or a person and a factor. On a clock whose day never
    runs back (every zone that does not move its clock back across midnight) that is the
    order of (group, instant, row) the builder uses."""

    def __init__(self, group: Ints, day: Ints, utc_ns: Ints, rows: _Rows) -> None:
        days = np.concatenate([day, rows.start, rows.exit, rows.end])
        self.base = int(days.min()) if days.size else 0
        self.span = (int(days.max()) if days.size else 0) - self.base + 2
        key = group * self.span + (day - self.base)
        order = np.argsort(key)
        same = key[order[1:]] == key[order[:-1]]
        if same.any():  # the events of a group's day: by instant, then log row
            tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
            part = order[tied]
            order[tied] = part[np.lexsort((part, utc_ns[part], key[part]))]
        self.order, self.key = order, key[order]

    def at(self, group: Ints, day: Ints) -> Ints:
        """The keys of `group` on `day` (`day` may lie outside the timeline)."""
        return np.asarray(group * self.span + (day - self.base), dtype=np.int64)

    def first_from(self, group: Ints, first: Ints, last: Ints) -> Ints:
        """Per query the first event of the group from day `first` to day `last` (both
        included), as an index into the events; -1 where there is none."""
        low = np.searchsorted(self.key, self.at(group, np.maximum(first, self.base)), "left")
        inside = low < self.key.size
        inside[inside] = self.key[low[inside]] <= self.at(group, last)[inside]
        inside &= (group >= 0) & (first <= last)
        if not inside.any():
            return np.full(group.size, -1, dtype=np.int64)
        return np.where(inside, self.order[np.minimum(low, self.key.size - 1)], -1)

    def last_until(self, group: Ints, last: Ints) -> Ints:
        """Per query the last event of the group on or before day `last`; -1 if none."""
        high = np.searchsorted(self.key, self.at(group, last), "right") - 1
        inside = high >= 0
        inside[inside] = self.key[high[inside]] >= group[inside] * self.span
        return np.where(inside, self.order[np.maximum(high, 0)], -1)


def _exploitation(rows: _Rows, events: DetailEvents) -> dict[str, Objects]:
    """Per episode the first exploitation episode on or after its start and not after its
    exit (the builder's "first exploitation episode in the episode")."""
    timeline = _Timeline(events.person, events.day, events.utc_ns, rows)
    chosen = timeline.first_from(rows.person, rows.start, rows.exit)
    fields = {
        "municipality": ("municipality", _text),
        "country": ("country", _text),
        "sector": ("sector_isic", _text),
        "recruitment": ("recruitment_methods", _many),
        "platforms": ("recruitment_platforms", _many),
    }
    return {
        name: _per_row(events.fields[key], chosen, convert)
        for name, (key, convert) in fields.items()
    }


def _per_row(field: Field, chosen: Ints, convert: Callable[[Any], Any]) -> Objects:
    """`convert` of the field's value of event `chosen` (-1: of a missing value), converted
    once per distinct value."""
    converted = np.empty(len(field.values) + 1, dtype=object)
    converted[:] = [convert(v) for v in [*field.values, None]]
    codes = np.append(field.codes, len(field.values))
    return converted[codes[chosen]]


def _text(value: Any) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return text.strip() or NONE


def _many(values: Any) -> tuple[str, ...]:
    if values is None or values is pd.NA or isinstance(values, float | str):
        return (NONE,)  # missing (None, NaN, or NA), or not a list
    found = sorted({str(v).strip() for v in values if v is not None and str(v).strip()})
    return tuple(found) or (NONE,)


def _vulnerabilities(rows: _Rows, events: DetailEvents) -> Objects:
    """Per episode every factor recorded for the person up to the exit day, as the latest
    record of that factor has it (addressed or not), as a tuple sorted by its text."""
    factor, addressed = events.fields["factor"], events.fields["addressed"]
    names = np.array([*(_factor(v) for v in factor.values), ""], dtype=object)
    texts, text_code = np.unique(names, return_inverse=True)
    known = events.take(np.flatnonzero(names[factor.codes] != ""))
    if known.person.size == 0:
        return _tuples([()], np.zeros(len(rows.person), dtype=np.int64))
    flag = np.array([str(v).lower() == "true" for v in addressed.values], dtype=np.int64)
    code = text_code[known.fields["factor"].codes]
    level = code * 2 + flag[known.fields["addressed"].codes]
    labels = np.array([f"{t}:{a}" for t in texts for a in ("not_addressed", "addressed")], object)
    by_rank = np.argsort(labels)
    rank = np.argsort(by_rank)
    group = known.person * texts.size + code  # a person's records of one factor
    timeline = _Timeline(group, known.day, known.utc_ns, rows)
    row, found = _latest_per_factor(rows, timeline, group, texts.size)
    sets = _level_sets(row, rank[level[found]], len(rows.person), labels.size)
    distinct, combination = _distinct_rows(sets)
    bits = np.unpackbits(distinct.astype("<u8").view(np.uint8), axis=1, bitorder="little")
    which, ranks = np.nonzero(bits)  # by set, then rank
    members: list[list[str]] = [[] for _ in range(len(distinct))]
    named = labels[by_rank].tolist()
    for at, member in zip(which.tolist(), ranks.tolist(), strict=True):
        members[at].append(named[member])
    return _tuples([tuple(m) for m in members], combination)


def _factor(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _tuples(found: list[tuple[str, ...]], codes: Ints) -> Objects:
    """One tuple per code (the empty one read as (NONE,)), made once per distinct tuple."""
    distinct = np.empty(len(found), dtype=object)
    for i, value in enumerate(found):
        distinct[i] = value or (NONE,)
    return distinct[codes]


def _latest_per_factor(
    rows: _Rows, timeline: _Timeline, group: Ints, factors: int
) -> tuple[Ints, Ints]:
    """Per episode and factor recorded for its person (`group`: person * factors + factor),
    the latest record on or before the exit day: (episode, event) pairs, by episode."""
    groups = timeline.key // timeline.span  # sorted
    groups = groups[np.r_[True, groups[1:] != groups[:-1]]]
    owner = groups // factors
    low = np.searchsorted(owner, rows.person, "left")
    count = np.where(rows.person >= 0, np.searchsorted(owner, rows.person, "right") - low, 0)
    row = np.repeat(np.arange(count.size), count)
    offset = np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)
    event = timeline.last_until(groups[low[row] + offset], rows.exit[row])
    kept = event >= 0
    return row[kept], event[kept]


def _level_sets(row: Ints, rank: Ints, size: int, levels: int) -> npt.NDArray[np.uint64]:
    """Per episode the set of its levels as bits (64 a word), from (episode, level rank)
    pairs sorted by episode, each level at most once per episode."""
    sets = np.zeros((size, max((levels + 63) // 64, 1)), dtype=np.uint64)
    for word in range(sets.shape[1]):
        chosen = rank // 64 == word
        owner = row[chosen]
        if owner.size:
            bits = np.left_shift(np.uint64(1), (rank[chosen] % 64).astype(np.uint64))
            starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            sets[owner[starts], word] = np.bitwise_or.reduceat(bits, starts)
    return sets


def _distinct_rows(sets: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint64], Ints]:
    if sets.shape[1] == 1:
        order = np.argsort(sets[:, 0])  # a sort: np.unique hashes, slower on a million
        ordered = sets[order, 0]
        new = np.r_[True, ordered[1:] != ordered[:-1]]
        inverse = np.empty(order.size, dtype=np.int64)
        inverse[order] = np.cumsum(new) - 1
        return ordered[new][:, None], inverse
    distinct, inverse = np.unique(sets, axis=0, return_inverse=True)
    return distinct, np.asarray(inverse, dtype=np.int64).reshape(-1)


def _detection(rows: _Rows, episodes: pd.DataFrame, events: DetailEvents) -> Objects:
    """How each return came to light; NONE when the episode did not end in a return."""
    returned = (episodes["exit_type"] == 1).to_numpy()
    result = np.full(len(rows.person), NONE, dtype=object)
    for name, detection in _ENDING_DETECTION.items():
        result[returned & _equals(episodes["ending"], name)] = detection
    recorded = np.flatnonzero(returned & _equals(episodes["ending"], "return_event"))
    if recorded.size:
        result[recorded] = "other"
        if events.person.size:
            timeline = _Timeline(events.person, events.day, events.utc_ns, rows)
            end = rows.end[recorded]
            first = timeline.first_from(rows.person[recorded], end, end)
            found = first >= 0
            how = _per_row(events.fields["detected_by"], first[found], _detected_by)
            result[recorded[found]] = how
    return result


def _equals(values: pd.Series, text: str) -> npt.NDArray[np.bool_]:
    """`values.astype(str) == text`, for a categorical once per category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        labels = np.asarray(values.cat.categories.astype(str)) == text
        return np.asarray(np.append(labels, False)[values.cat.codes.to_numpy()], dtype=bool)
    return np.asarray(values.astype(str).to_numpy() == text, dtype=bool)


def _detected_by(value: Any) -> str:
    missing = value is None or (isinstance(value, float) and np.isnan(value))
    return "other" if missing else str(value)
