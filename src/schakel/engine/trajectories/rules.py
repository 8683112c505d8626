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

from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import Event, effective_events
from schakel.engine.trajectories.registry import REGISTRY

Problem = tuple[str, str]


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
            return [(key, "this reference is already used in the trajectory")]
        return []

    return rule


def ends(start: EventType, key: str) -> SequenceRule:
    """Ends what a `start` event with the same reference began: once, and not before it."""

    def rule(events: Sequence[Event], new: Proposed) -> list[Problem]:
        started = _started(events, start, key)
        reference = new.payload[key]
        if reference not in started:
            return [(key, f"no {start.value} with this reference in the trajectory")]
        if reference in _ended(events, new.kind, key):
            return [(key, "this one has already ended")]
        if new.occurred_at < started[reference]:
            return [("occurred_at", "the end lies before the start")]
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
            return [("referral_id", "no referral with this reference was sent")]
        answered = set().union(*(_ended(events, kind, "referral_id") for kind in ANSWERS))
        if once and reference in answered:
            return [("referral_id", "this referral was already answered")]
        if new.occurred_at < sent[reference]:
            return [("occurred_at", "the answer lies before the referral was sent")]
        return []

    return rule


def _exits(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if parse_event_type(e.event_type) == EventType.EXIT]


def after_exit(events: Sequence[Event], new: Proposed) -> list[Problem]:
    """A follow-up contact needs an exit at or before it."""
    exits = _exits(events)
    if not exits or new.occurred_at < exits[-1].occurred_at:
        return [("occurred_at", "a follow-up contact needs an exit before it")]
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
        return [("exit_kind", "the trajectory was already exited; record a return first")]
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
