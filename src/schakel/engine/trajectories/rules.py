"""Rules that involve more than one event: what may follow what.

A payload can be valid on its own and still make no sense in its trajectory (ending a placement
that never started, a follow-up before any exit). These rules are checked before an event is
written; each problem names the field it concerns. Which rules apply to a type is part of its
registry entry; the factories here make them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from schakel.engine.problems import Code, Problem, problem
from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import Event, effective_events
from schakel.engine.trajectories.registry import REGISTRY
from schakel.engine.vocabulary import ResidenceMilestone as M


@dataclass(frozen=True)
class Proposed:
    """The event someone wants to append."""

    kind: EventType
    occurred_at: dt.datetime
    payload: dict[str, Any]


SequenceRule = Callable[[Sequence[Event], Proposed], list[Problem]]
"""Problems with appending `Proposed` to the trajectory's effective events (empty: it fits)."""


def _started(events: Sequence[Event], kind: EventType, key: str) -> dict[str, dt.datetime]:
    return {e.payload[key]: e.occurred_at for e in events if parse_event_type(e.event_type) == kind}


def _ended(events: Sequence[Event], kind: EventType, key: str) -> set[str]:
    return {e.payload[key] for e in events if parse_event_type(e.event_type) == kind}


def new_reference(key: str) -> SequenceRule:
    """The reference in `key` is not used yet by an event of the same type."""

    def rule(events: Sequence[Event], new: Proposed) -> list[Problem]:
        if new.payload[key] in _started(events, new.kind, key):
            return [problem(key, Code.REFERENCE_USED)]
        return []

    return rule


def ends(start: EventType, key: str) -> SequenceRule:
    """Ends what a `start` event with the same reference began: once, and not before it."""

    def rule(events: Sequence[Event], new: Proposed) -> list[Problem]:
        started = _started(events, start, key)
        reference = new.payload[key]
        if reference not in started:
            return [problem(key, Code.NO_START, start=start.value)]
        if reference in _ended(events, new.kind, key):
            return [problem(key, Code.ALREADY_ENDED)]
        if new.occurred_at < started[reference]:
            return [problem("occurred_at", Code.END_BEFORE_START)]
        return []

    return rule


ANSWERS = (EventType.REFERRAL_ACCEPTED, EventType.REFERRAL_REJECTED)


def answers_referral(*, once: bool) -> SequenceRule:
    """Needs a referral sent with this reference, not after the answer; with `once`, not one
    already answered (a revocation may follow an answer, an acceptance or rejection may not)."""

    def rule(events: Sequence[Event], new: Proposed) -> list[Problem]:
        reference = new.payload["referral_id"]
        sent = _started(events, EventType.REFERRAL_SENT, "referral_id")
        if reference not in sent:
            return [problem("referral_id", Code.REFERRAL_NOT_SENT)]
        answered = set().union(*(_ended(events, kind, "referral_id") for kind in ANSWERS))
        if once and reference in answered:
            return [problem("referral_id", Code.REFERRAL_ANSWERED)]
        if new.occurred_at < sent[reference]:
            return [problem("occurred_at", Code.ANSWER_BEFORE_REFERRAL)]
        return []

    return rule


def _exits(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if parse_event_type(e.event_type) == EventType.EXIT]


def after_exit(events: Sequence[Event], new: Proposed) -> list[Problem]:
    """A follow-up contact needs an exit at or before it."""
    exits = _exits(events)
    if not exits or new.occurred_at < exits[-1].occurred_at:
        return [problem("occurred_at", Code.FOLLOW_UP_NEEDS_EXIT)]
    return []


def exit_once_unless_returned(events: Sequence[Event], new: Proposed) -> list[Problem]:
    """A second exit needs a return to exploitation after the last one."""
    exits = _exits(events)
    if not exits:
        return []
    returns = [
        e
        for e in events
        if parse_event_type(e.event_type) == EventType.RETURN_TO_EXPLOITATION
        and e.occurred_at > exits[-1].occurred_at
    ]
    if not returns:
        return [problem("exit_kind", Code.ALREADY_EXITED)]
    return []


def _milestones(events: Sequence[Event], at: dt.datetime) -> dict[M, list[dt.datetime]]:
    """When each residence milestone was recorded, up to and including `at`."""
    found: dict[M, list[dt.datetime]] = {}
    for e in events:
        if parse_event_type(e.event_type) == EventType.RESIDENCE_MILESTONE and e.occurred_at <= at:
            found.setdefault(M(e.payload["milestone"]), []).append(e.occurred_at)
    return found


NEEDS_BEFORE: dict[M, tuple[tuple[M, ...], Code]] = {
    M.REFLECTION_END: ((M.REFLECTION_START,), Code.REFLECTION_NOT_STARTED),
    M.PERMIT_DECISION: ((M.POLICE_REPORT,), Code.PERMIT_NEEDS_REPORT),
    M.APPEAL: ((M.PERMIT_DECISION, M.CONTINUED_RESIDENCE_DECISION), Code.NEEDS_PERMIT_DECISION),
    M.CONTINUED_RESIDENCE_APPLICATION: ((M.PERMIT_DECISION,), Code.NEEDS_PERMIT_DECISION),
    M.CONTINUED_RESIDENCE_DECISION: (
        (M.CONTINUED_RESIDENCE_APPLICATION,),
        Code.NEEDS_CONTINUED_APPLICATION,
    ),
}
"""B8 (Vreemdelingencirculaire B8/3) order: what must be on record before a milestone."""

AFTER_REFLECTION = frozenset({M.REFLECTION_END, M.PERMIT_DECISION})
"""Milestones that cannot lie before a recorded start of the reflection period (bedenktijd)."""


def residence_order(events: Sequence[Event], new: Proposed) -> list[Problem]:
    """B8 milestones in their legal order: the reflection period ends after it starts, a permit
    decision follows a police report (aangifte) and the start of a recorded reflection period,
    an appeal or a continued-residence application follows a decision; and a reflection period
    cannot start after a decision or an end already on record."""
    milestone = M(new.payload["milestone"])
    before = _milestones(events, new.occurred_at)
    needed, code = NEEDS_BEFORE.get(milestone, ((), Code.NEEDS_PERMIT_DECISION))
    if needed and not any(before.get(m) for m in needed):
        return [problem("milestone", code)]
    everything = _milestones(events, dt.datetime.max.replace(tzinfo=new.occurred_at.tzinfo))
    starts = everything.get(M.REFLECTION_START, [])
    if milestone in AFTER_REFLECTION and starts and new.occurred_at < min(starts):
        return [problem("occurred_at", Code.BEFORE_REFLECTION)]
    if milestone == M.REFLECTION_START:
        later = [t for m in AFTER_REFLECTION for t in everything.get(m, [])]
        if later and new.occurred_at > min(later):
            return [problem("occurred_at", Code.REFLECTION_AFTER_DECISION)]
    return []


def check_sequence(
    history: Iterable[Event],
    event_type: str,
    occurred_at: dt.datetime,
    payload: dict[str, Any],
    supersedes: str | None = None,
) -> list[Problem]:
    """Problems with appending this event to `history` (empty when it fits)."""
    kind = parse_event_type(event_type)
    events = [e for e in effective_events(history) if e.id != supersedes]
    proposed = Proposed(kind, occurred_at, payload)
    for rule in REGISTRY[kind].sequence:
        problems = rule(events, proposed)
        if problems:
            return problems
    return []
