"""How the follow-up after an exit ended: the monitor's outcome, on analytics.md's codes.

Time origin is the exit from care. The first of these ends the follow-up (same day: a return
wins over death/left NL, which wins over a stable exit, which wins over censoring):

- return to exploitation (1): a `return_to_exploitation` event of the person, a follow-up
  contact with outcome return, or a new episode of the same person (another trajectory, another
  organisation when persons are linkage clusters), dated by the new exploitation episode's
  `started_on` when that lies after the exit and not after the new start, else by the new start;
- stable exit (2): closure `follow_up_completed`, or a stable contact at the last scheduled
  follow-up (from 45 days before it is due, the window the trajectory's own tasks use);
- death, left the Netherlands or another ending (3): the exit kind at exit (0 days), or a
  closure with reason deceased, left_netherlands, not_a_victim or other;
- censored (0): lost contact (a `lost_contact` event, a contact with outcome lost_contact, a
  closure for lost contact, withdrawn consent or a referral elsewhere; flagged lost to
  follow-up) or the as-of date.

Follow-up contacts, lost contact and closures count only in the trajectory that recorded the
exit; returns count in any trajectory of the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np

from schakel.engine.trajectories.episode_input import EVENT_TYPE_ORDER, IntArray
from schakel.engine.trajectories.episode_payloads import MISSING_DAY, PayloadFields
from schakel.engine.trajectories.episode_segments import Segments, SortedEvents
from schakel.engine.trajectories.events import EventType as E
from schakel.engine.trajectories.projection import FOLLOW_UP_EARLY_WINDOW
from schakel.engine.vocabulary import ClosureReason, ExitKind, FollowUpOutcome


class ExitType(IntEnum):
    """analytics.md's exit types."""

    CENSORED = 0
    RETURN = 1
    STABLE = 2
    OTHER = 3  # death, left the Netherlands, other


class Ending(StrEnum):
    """Which evidence ended the follow-up (a finer view of the exit type)."""

    RETURN_EVENT = "return_event"
    FOLLOW_UP_RETURN = "follow_up_return"
    NEW_EPISODE = "new_episode"
    DECEASED = "deceased"
    LEFT_NETHERLANDS = "left_netherlands"
    NOT_A_VICTIM = "closed_not_a_victim"
    CLOSED_OTHER = "closed_other"
    FOLLOW_UP_COMPLETED = "follow_up_completed"
    STABLE_LAST_CONTACT = "stable_last_contact"
    LOST_CONTACT = "lost_contact"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    AS_OF = "as_of"


ENDINGS: tuple[Ending, ...] = tuple(Ending)
ENDING_TYPE: dict[Ending, ExitType] = {
    **dict.fromkeys(Ending, ExitType.CENSORED),
    **dict.fromkeys(
        (Ending.RETURN_EVENT, Ending.FOLLOW_UP_RETURN, Ending.NEW_EPISODE), ExitType.RETURN
    ),
    **dict.fromkeys(
        (Ending.DECEASED, Ending.LEFT_NETHERLANDS, Ending.NOT_A_VICTIM, Ending.CLOSED_OTHER),
        ExitType.OTHER,
    ),
    **dict.fromkeys((Ending.FOLLOW_UP_COMPLETED, Ending.STABLE_LAST_CONTACT), ExitType.STABLE),
}
LOST_TO_FOLLOW_UP = frozenset(
    {Ending.LOST_CONTACT, Ending.CONSENT_WITHDRAWN, Ending.REFERRED_ELSEWHERE}
)
CLOSURE_ENDING: dict[ClosureReason, Ending] = {
    ClosureReason.FOLLOW_UP_COMPLETED: Ending.FOLLOW_UP_COMPLETED,
    ClosureReason.REFERRED_ELSEWHERE: Ending.REFERRED_ELSEWHERE,
    ClosureReason.NOT_A_VICTIM: Ending.NOT_A_VICTIM,
    ClosureReason.NO_CONSENT: Ending.CONSENT_WITHDRAWN,
    ClosureReason.LOST_CONTACT: Ending.LOST_CONTACT,
    ClosureReason.LEFT_NETHERLANDS: Ending.LEFT_NETHERLANDS,
    ClosureReason.DECEASED: Ending.DECEASED,
    ClosureReason.OTHER: Ending.CLOSED_OTHER,
}
CONTACT_ENDING: dict[FollowUpOutcome, Ending] = {
    FollowUpOutcome.RETURN_TO_EXPLOITATION: Ending.FOLLOW_UP_RETURN,
    FollowUpOutcome.LOST_CONTACT: Ending.LOST_CONTACT,
    FollowUpOutcome.STABLE: Ending.STABLE_LAST_CONTACT,
}
EXIT_KIND_ENDING: dict[ExitKind, Ending] = {
    ExitKind.DECEASED: Ending.DECEASED,
    ExitKind.LEFT_NETHERLANDS: Ending.LEFT_NETHERLANDS,
}
TIE_RANK = {ExitType.RETURN: 0, ExitType.OTHER: 1, ExitType.STABLE: 2, ExitType.CENSORED: 3}
_TYPE = np.array([ENDING_TYPE[e] for e in ENDINGS], dtype=np.int64)
_RANK = np.array([TIE_RANK[ENDING_TYPE[e]] + (e == Ending.AS_OF) for e in ENDINGS])
NONE = -1


def _lookup(vocabulary: type[StrEnum], table: Mapping[Any, Ending]) -> IntArray:
    return np.array(
        [ENDINGS.index(table[m]) if m in table else NONE for m in vocabulary], dtype=np.int64
    )


_CLOSURE = _lookup(ClosureReason, CLOSURE_ENDING)
_CONTACT = _lookup(FollowUpOutcome, CONTACT_ENDING)
_EXIT_KIND = _lookup(ExitKind, EXIT_KIND_ENDING)
KIND = {k: EVENT_TYPE_ORDER.index(k) for k in E}


@dataclass(frozen=True)
class Outcomes:
    """Per exited episode (in the order given): the day the follow-up ended and why."""

    end_day: IntArray
    ending: IntArray  # index into ENDINGS

    @property
    def exit_type(self) -> IntArray:
        return _TYPE[self.ending]


def add_months(days: IntArray, months: IntArray) -> IntArray:
    """Vectorised `projection.add_months`: the same day `months` later, clipped to month end."""
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    offset = (day - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months.astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result = target.astype("datetime64[D]") + np.minimum(offset, length - 1)
    return result.astype(np.int64)


def resolve_outcomes(
    events: SortedEvents,
    segments: Segments,
    exited: IntArray,
    return_days: IntArray,
    as_of_day: int,
) -> Outcomes:
    """The ending of each exited episode; `return_days` (per episode id, MISSING_DAY if none)
    dates a return seen through the person's next episode."""
    exit_rows = segments.exit_at[exited]
    exit_day = events.day[exit_rows]
    episode_ids, days, endings = [], [], []

    def add(ids: IntArray, at: IntArray, ending: IntArray) -> None:
        keep = ending != NONE
        episode_ids.append(ids[keep])
        days.append(at[keep])
        endings.append(ending[keep])

    n = exited.size
    add(exited, exit_day, _EXIT_KIND[np.maximum(events.fields.code[exit_rows], 0)])
    add(exited, np.full(n, as_of_day), np.full(n, ENDINGS.index(Ending.AS_OF)))
    later = return_days[exited]
    add(exited, later, np.where(later != MISSING_DAY, ENDINGS.index(Ending.NEW_EPISODE), NONE))
    add(*_follow_up_candidates(events, segments))

    ids, at, ending = (np.concatenate(x) for x in (episode_ids, days, endings))
    order = np.lexsort((_RANK[ending], at, ids))
    ids, at, ending = ids[order], at[order], ending[order]
    first = np.ones(ids.size, dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    position = np.searchsorted(ids[first], exited)
    return Outcomes(end_day=at[first][position], ending=ending[first][position])


def _follow_up_candidates(
    events: SortedEvents, segments: Segments
) -> tuple[IntArray, IntArray, IntArray]:
    rows = np.flatnonzero(segments.post_exit)
    episode = segments.episode[rows]
    exit_rows = segments.exit_at[episode]
    own = events.trajectory[rows] == events.trajectory[exit_rows]
    kind, code = events.kind[rows], np.maximum(events.fields.code[rows], 0)
    fields: PayloadFields = events.fields
    ending = np.full(rows.size, NONE, dtype=np.int64)
    ending[kind == KIND[E.RETURN_TO_EXPLOITATION]] = ENDINGS.index(Ending.RETURN_EVENT)
    mine = own & (kind == KIND[E.LOST_CONTACT])
    ending[mine] = ENDINGS.index(Ending.LOST_CONTACT)
    mine = own & (kind == KIND[E.CLOSURE])
    ending[mine] = _CLOSURE[code[mine]]
    mine = own & (kind == KIND[E.FOLLOW_UP_CONTACT])
    ending[mine] = _CONTACT[code[mine]]
    last_due = add_months(events.day[exit_rows], np.maximum(fields.last_month[exit_rows], 0))
    early = events.day[rows] < last_due - FOLLOW_UP_EARLY_WINDOW.days
    ending[(ending == ENDINGS.index(Ending.STABLE_LAST_CONTACT)) & early] = NONE
    return episode, events.day[rows], ending
