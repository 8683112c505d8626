"""Cutting a person's event log into episodes: care from a start to an exit, then follow-up.

Events of one person (all trajectories of the person or linkage cluster) are in time order. An
episode starts at an intake (unless the intake found the person not to be a victim) or an
exploitation episode that comes before any start, or after the previous exit; later starts
before the exit belong to the same episode. The first exit after the start ends care; what
follows until the next start is the episode's follow-up. All of it is done on sorted arrays:
the state machine only needs to know whether the previous start-or-exit of the person was an
exit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schakel.engine.trajectories.episode_input import EVENT_TYPE_ORDER, BoolArray, IntArray
from schakel.engine.trajectories.episode_payloads import MISSING, PayloadFields, code_of
from schakel.engine.trajectories.events import EventType as E
from schakel.engine.vocabulary import TraffickingStatus

INTAKE = EVENT_TYPE_ORDER.index(E.INTAKE)
EXPLOITATION = EVENT_TYPE_ORDER.index(E.EXPLOITATION_EPISODE)
EXIT = EVENT_TYPE_ORDER.index(E.EXIT)
SIGNAL = EVENT_TYPE_ORDER.index(E.SIGNAL)
PLACEMENT_START = EVENT_TYPE_ORDER.index(E.PLACEMENT_START)
INTERVENTION_START = EVENT_TYPE_ORDER.index(E.INTERVENTION_START)
NOT_A_VICTIM = code_of(TraffickingStatus.NOT_A_VICTIM)


@dataclass(frozen=True)
class SortedEvents:
    """The used events sorted by person and time; `row` is the input position."""

    row: IntArray
    person: IntArray
    trajectory: IntArray
    region: IntArray
    kind: IntArray
    day: IntArray
    fields: PayloadFields


@dataclass(frozen=True)
class Segments:
    """Episode ids per event (0 = none) and per-episode positions (index 0 unused).

    `episode` is a global id 1..n in sorted order, so a person's episodes are consecutive ids;
    `number` is the person's own count (1 = first episode). `exit_at` is -1 for an episode still
    in care at the as-of date.
    """

    episode: IntArray
    post_exit: BoolArray
    opening_at: IntArray
    exit_at: IntArray
    number: IntArray
    exit_without_start: BoolArray
    repeat_exit: BoolArray


def is_start(events: SortedEvents) -> BoolArray:
    intake = (events.kind == INTAKE) & (events.fields.code != NOT_A_VICTIM)
    return intake | (events.kind == EXPLOITATION)


def person_block_start(person: IntArray) -> IntArray:
    """For each row, the position of its person's first row."""
    size = person.size
    first = np.r_[True, person[1:] != person[:-1]] if size else np.zeros(0, dtype=bool)
    return np.maximum.accumulate(np.where(first, np.arange(size), 0))


def segment(events: SortedEvents) -> Segments:
    size = events.row.size
    starts, exits = is_start(events), events.kind == EXIT
    boundary = np.flatnonzero(starts | exits)
    person = events.person[boundary]
    was_exit = exits[boundary]
    same = np.r_[False, person[1:] == person[:-1]]
    previous_exit = np.r_[False, was_exit[:-1]] & same
    opening = ~was_exit & (~same | previous_exit)
    closing = was_exit & same & ~previous_exit

    opens = np.zeros(size, dtype=bool)
    opens[boundary[opening]] = True
    global_count = np.cumsum(opens)
    block = person_block_start(events.person)
    before_person = global_count[block] - opens[block]
    number = global_count - before_person
    episode = np.where(number > 0, global_count, 0)

    count = int(global_count[-1]) if size else 0
    opening_at = np.full(count + 1, -1, dtype=np.int64)
    opening_at[episode[boundary[opening]]] = boundary[opening]
    exit_at = np.full(count + 1, -1, dtype=np.int64)
    exit_at[episode[boundary[closing]]] = boundary[closing]

    stray = was_exit & ~closing
    stray_rows = boundary[stray]
    without_start = np.zeros(size, dtype=bool)
    without_start[stray_rows[episode[stray_rows] == 0]] = True
    repeat = np.zeros(size, dtype=bool)
    repeat[stray_rows[episode[stray_rows] > 0]] = True

    exit_of_row = exit_at[episode]
    post = (episode > 0) & (exit_of_row >= 0) & (np.arange(size) > exit_of_row)
    return Segments(
        episode=episode,
        post_exit=post,
        opening_at=opening_at,
        exit_at=exit_at,
        number=number[opening_at] * (opening_at >= 0) if size else np.zeros(1, dtype=np.int64),
        exit_without_start=without_start,
        repeat_exit=repeat,
    )


def first_per_episode(
    episode: IntArray, mask: BoolArray, count: int, last: bool = False
) -> IntArray:
    """Position of the first (or last) row in `mask` per episode id; -1 where there is none."""
    rows = np.flatnonzero(mask & (episode > 0))
    found = np.full(count + 1, -1, dtype=np.int64)
    if rows.size == 0:
        return found
    if last:
        rows = rows[::-1]
    ids, index = np.unique(episode[rows], return_index=True)
    found[ids] = rows[index]
    return found


def latest_before(
    events: SortedEvents, mask: BoolArray, values: IntArray, at: IntArray
) -> IntArray:
    """Per position in `at`: the value at the person's latest row in `mask` at or before it."""
    size = events.row.size
    last = np.maximum.accumulate(np.where(mask, np.arange(size), -1)) if size else np.zeros(0, int)
    block = person_block_start(events.person)
    valid = at >= 0
    result = np.full(at.size, MISSING, dtype=np.int64)
    source = last[np.maximum(at, 0)]
    ok = valid & (source >= 0) & (source >= block[np.maximum(at, 0)])
    result[ok] = values[source[ok]]
    return result
