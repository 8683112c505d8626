"""Where each referral of a trajectory stands, derived from its events.

The live action that records a referral event and the seed that loads a synthetic region both
keep a Referral record per referral; both take its status from `referral_states`, so the two
can never disagree. It reads the effective events in the order they happened, like the
projection: an answer counts for a referral sent before it, and the latest answer wins (a
revocation after an acceptance leaves the referral revoked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import Event, effective_events
from schakel.engine.vocabulary import ReferralPurpose, ReferralStatus

ANSWERS: dict[EventType, ReferralStatus] = {
    EventType.REFERRAL_ACCEPTED: ReferralStatus.ACCEPTED,
    EventType.REFERRAL_REJECTED: ReferralStatus.REJECTED,
    EventType.REFERRAL_REVOKED: ReferralStatus.REVOKED,
}


@dataclass(frozen=True)
class ReferralState:
    """One referral: who it went to, why, and its latest answer (none: in progress)."""

    reference: str
    to_organisation_id: int
    purpose: ReferralPurpose
    sent_at: dt.datetime
    sent_by_event: str
    status: ReferralStatus = ReferralStatus.IN_PROGRESS
    answered_at: dt.datetime | None = None
    reason: str = ""


def referral_states(events: Iterable[Event]) -> dict[str, ReferralState]:
    """Each referral of one trajectory by its reference, in the order they were sent."""
    states: dict[str, ReferralState] = {}
    for event in effective_events(events):
        kind = parse_event_type(event.event_type)
        p = event.payload
        if kind == EventType.REFERRAL_SENT:
            states[p["referral_id"]] = ReferralState(
                reference=p["referral_id"],
                to_organisation_id=p["to_organisation_id"],
                purpose=ReferralPurpose(p.get("purpose", ReferralPurpose.SERVICES)),
                sent_at=event.occurred_at,
                sent_by_event=event.id,
            )
        elif kind in ANSWERS and p["referral_id"] in states:
            states[p["referral_id"]] = replace(
                states[p["referral_id"]],
                status=ANSWERS[kind],
                answered_at=event.occurred_at,
                reason=p.get("reason", ""),
            )
    return states
