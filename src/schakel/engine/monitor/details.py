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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.monitor._detail_log import KINDS, DetailEvents, Field, as_text, detail_events
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
    return pd.DataFrame(columns, index=episodes.index)[list(DETAIL_COLUMNS)]


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
    """Events of one kind in the order of (person, day, instant, log row), searchable by
    (person, day). On a clock whose day never runs back (every zone that does not move its
    clock back across midnight) that is the order of (person, instant, row) the builder uses."""

    def __init__(self, events: DetailEvents, rows: _Rows) -> None:
        days = np.concatenate([events.day, rows.start, rows.exit, rows.end])
        self.base = int(days.min()) if days.size else 0
        self.span = (int(days.max()) if days.size else 0) - self.base + 2
        key = events.person * self.span + (events.day - self.base)
        order = np.argsort(key)
        same = key[order[1:]] == key[order[:-1]]
        if same.any():  # the events of a person's day: by instant, then log row
            tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
            part = order[tied]
            order[tied] = part[np.lexsort((part, events.utc_ns[part], key[part]))]
        self.order, self.key = order, key[order]

    def at(self, person: Ints, day: Ints) -> Ints:
        """Positions (in `order`) of the keys of `person` on `day`; `day` may be outside."""
        return np.asarray(person * self.span + (day - self.base), dtype=np.int64)

    def first_from(self, person: Ints, first: Ints, last: Ints) -> Ints:
        """Per query the first event of the person from day `first` to day `last` (both
        included), as an index into the events; -1 where there is none."""
        low = np.searchsorted(self.key, self.at(person, np.maximum(first, self.base)), "left")
        inside = low < self.key.size
        inside[inside] = self.key[low[inside]] <= self.at(person, last)[inside]
        inside &= (person >= 0) & (first <= last)
        if not inside.any():
            return np.full(person.size, -1, dtype=np.int64)
        return np.where(inside, self.order[np.minimum(low, self.key.size - 1)], -1)


def _exploitation(rows: _Rows, events: DetailEvents) -> dict[str, Objects]:
    """Per episode the first exploitation episode on or after its start and not after its
    exit (the builder's "first exploitation episode in the episode")."""
    chosen = _Timeline(events, rows).first_from(rows.person, rows.start, rows.exit)
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
    level = text_code[known.fields["factor"].codes] * 2 + flag[known.fields["addressed"].codes]
    labels = [f"{t}:{a}" for t in texts for a in ("not_addressed", "addressed")]
    by_rank = np.argsort(np.array(labels, dtype=object))
    rank = np.argsort(by_rank)
    pair_row, pair_event = _known_at_exit(rows, known)
    factor_of = level[pair_event] // 2
    latest = _last_of_each(pair_row * len(texts) + factor_of)  # pairs are in time order
    row, ranks = pair_row[latest], rank[level[pair_event[latest]]]
    order = np.lexsort((ranks, row))
    node = _sequence_codes(row[order], ranks[order], len(rows.person))
    used, combination = np.unique(node.codes, return_inverse=True)
    texts_by_rank = [labels[i] for i in by_rank]
    return _tuples(node.sequences(used, texts_by_rank), combination)


def _factor(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _tuples(found: list[tuple[str, ...]], codes: Ints) -> Objects:
    """One tuple per code (the empty one read as (NONE,)), made once per distinct tuple."""
    distinct = np.empty(len(found), dtype=object)
    for i, value in enumerate(found):
        distinct[i] = value or (NONE,)
    return distinct[codes]


def _known_at_exit(rows: _Rows, events: DetailEvents) -> tuple[Ints, Ints]:
    """Every pair (episode, event of the person on or before the exit day), by episode and
    then in the order of the events (time)."""
    timeline = _Timeline(events, rows)
    person = np.maximum(rows.person, 0)
    low = np.searchsorted(timeline.key, timeline.at(person, np.full_like(person, timeline.base)))
    high = np.searchsorted(timeline.key, timeline.at(person, rows.exit), "right")
    count = np.where(rows.person >= 0, np.maximum(high - low, 0), 0)
    pair_row = np.repeat(np.arange(count.size), count)
    offset = np.arange(pair_row.size) - np.repeat(np.cumsum(count) - count, count)
    return pair_row, timeline.order[low[pair_row] + offset]


def _last_of_each(keys: Ints) -> Ints:
    """Index of the last occurrence of each distinct key."""
    _, first_reversed = np.unique(keys[::-1], return_index=True)
    return np.sort(keys.size - 1 - first_reversed)


class _Nodes:
    """Sequences as nodes of a tree (a trie): node 0 is the empty sequence."""

    def __init__(self, codes: Ints, parent: Ints, label: Ints) -> None:
        self.codes, self.parent, self.label = codes, parent, label

    def sequences(self, nodes: Ints, names: list[str]) -> list[tuple[str, ...]]:
        """The sequences of `nodes`, labels named by `names` (a parent comes before its
        children, so each node's sequence is its parent's and one more)."""
        found: list[tuple[str, ...]] = [()]
        for parent, label in zip(self.parent[1:].tolist(), self.label[1:].tolist(), strict=True):
            found.append((*found[parent], names[label]))
        return [found[n] for n in nodes.tolist()]


def _sequence_codes(owner: Ints, labels: Ints, size: int) -> _Nodes:
    """Per owner (0 .. size-1) a code of its sequence of labels (the pairs sorted by owner,
    in sequence order): equal sequences get equal codes. One `np.unique` per position, so
    no tuple is made per owner."""
    node = np.zeros(size, dtype=np.int64)
    parents, names = [np.array([0])], [np.array([-1])]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owner.size else owner
    position = np.arange(owner.size) - np.repeat(starts, np.diff(np.r_[starts, owner.size]))
    width = int(labels.max()) + 1 if labels.size else 1
    total = 1
    for j in range(int(position.max()) + 1 if position.size else 0):
        at = position == j
        key = node[owner[at]] * width + labels[at]
        distinct, inverse = np.unique(key, return_inverse=True)
        node[owner[at]] = total + inverse
        parents.append(distinct // width)
        names.append(distinct % width)
        total += distinct.size
    return _Nodes(node, np.concatenate(parents), np.concatenate(names))


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
            first = _Timeline(events, rows).first_from(
                rows.person[recorded], rows.end[recorded], rows.end[recorded]
            )
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
