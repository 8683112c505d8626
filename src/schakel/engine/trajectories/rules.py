"""Rules that involve more than one event: what may follow what.

A payload can be valid on its own and still make no sense in its trajectory (ending a placement
that never started, a follow-up before any exit). These rules are checked before an event is
written; each problem names the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import Event, effective_events

Problem = tuple[str, str]


def _started(events: list[Event], kind: EventType, key: str) -> dict[str, dt.datetime]:
    return {e.payload[key]: e.occurred_at for e in events if parse_event_type(e.event_type) == kind}


def _ended(events: list[Event], kind: EventType, key: str) -> set[str]:
    return {e.payload[key] for e in events if parse_event_type(e.event_type) == kind}


def _check_end(
    events: list[Event],
    payload: dict[str, Any],
    occurred_at: dt.datetime,
    start: EventType,
    end: EventType,
    key: str,
) -> list[Problem]:
    started = _started(events, start, key)
    reference = payload[key]
    if reference not in started:
        return [(key, f"no {start.value} with this reference in the trajectory")]
    if reference in _ended(events, end, key):
        return [(key, "this one has already ended")]
    if occurred_at < started[reference]:
        return [("occurred_at", "the end lies before the start")]
    return []


def _check_start(
    events: list[Event], payload: dict[str, Any], kind: EventType, key: str
) -> list[Problem]:
    if payload[key] in _started(events, kind, key):
        return [(key, "this reference is already used in the trajectory")]
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
    exits = [e for e in events if parse_event_type(e.event_type) == EventType.EXIT]
    pairs = {
        EventType.PLACEMENT_END: (EventType.PLACEMENT_START, "placement_id"),
        EventType.INTERVENTION_END: (EventType.INTERVENTION_START, "intervention_id"),
    }
    starts = {
        EventType.PLACEMENT_START: "placement_id",
        EventType.INTERVENTION_START: "intervention_id",
        EventType.REFERRAL_SENT: "referral_id",
        EventType.EXPLOITATION_EPISODE: "episode_id",
    }
    if kind in pairs:
        start, key = pairs[kind]
        return _check_end(events, payload, occurred_at, start, kind, key)
    if kind in starts:
        return _check_start(events, payload, kind, starts[kind])
    if kind in (
        EventType.REFERRAL_ACCEPTED,
        EventType.REFERRAL_REJECTED,
        EventType.REFERRAL_REVOKED,
    ):
        sent = _started(events, EventType.REFERRAL_SENT, "referral_id")
        answered = _ended(events, EventType.REFERRAL_ACCEPTED, "referral_id") | _ended(
            events, EventType.REFERRAL_REJECTED, "referral_id"
        )
        if payload["referral_id"] not in sent:
            return [("referral_id", "no referral with this reference was sent")]
        if kind != EventType.REFERRAL_REVOKED and payload["referral_id"] in answered:
            return [("referral_id", "this referral was already answered")]
    if kind == EventType.FOLLOW_UP_CONTACT and (not exits or occurred_at < exits[-1].occurred_at):
        return [("occurred_at", "a follow-up contact needs an exit before it")]
    if kind == EventType.EXIT and exits:
        returns = [
            e
            for e in events
            if parse_event_type(e.event_type) == EventType.RETURN_TO_EXPLOITATION
            and e.occurred_at > exits[-1].occurred_at
        ]
        if not returns:
            return [("exit_kind", "the trajectory was already exited; record a return first")]
    return []
