"""`referral_states` against the two derivations it replaced: the live action's (one answer
at a time, as each event was recorded) and the seed's (a fold over a trajectory's events)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.trajectories import Event, project_state, referral_states
from schakel.engine.trajectories.rules import check_sequence
from schakel.engine.vocabulary import ReferralPurpose, ReferralStatus

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
OLD_ANSWERS = {
    "referral_accepted": "accepted",
    "referral_rejected": "rejected",
    "referral_revoked": "revoked",
}
Row = dict[str, Any]


def _sent(reference: str, purpose: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"referral_id": reference, "to_organisation_id": 7}
    return payload if purpose is None else {**payload, "purpose": purpose}


@st.composite
def recorded_referral_events(draw: st.DrawFn) -> list[Event]:
    """Referral events as a user would record them one by one (each in time order), keeping
    those the sequence rules let through, as the live action does."""
    written: list[Event] = []
    day = 0
    for n in range(draw(st.integers(0, 12))):
        day += draw(st.integers(1, 20))
        reference = draw(st.sampled_from(["r1", "r2", "r3"]))
        kind = draw(st.sampled_from(["referral_sent", *OLD_ANSWERS]))
        if kind == "referral_sent":
            payload = _sent(reference, draw(st.sampled_from([None, "transfer", "consultation"])))
        else:
            payload = {"referral_id": reference, "reason": draw(st.sampled_from(["full", "x"]))}
            if kind == "referral_accepted" and draw(st.booleans()):
                payload = {"referral_id": reference}
        at = T0 + dt.timedelta(days=day)
        if not check_sequence(written, kind, at, payload):
            written.append(Event(f"e{n}", kind, at, at, payload))
    return written


def legacy_live(events: list[Event]) -> dict[str, Row]:
    """What `apply_referral_event` wrote to the Referral records, event after event."""
    rows: dict[str, Row] = {}
    for event in events:
        p = event.payload
        if event.event_type == "referral_sent":
            rows[p["referral_id"]] = {
                "to": p["to_organisation_id"],
                "purpose": p.get("purpose", "services"),
                "sent_at": event.occurred_at,
                "status": "in_progress",
                "answered_at": None,
                "reason": "",
            }
        elif event.event_type in OLD_ANSWERS:
            rows[p["referral_id"]].update(
                status=OLD_ANSWERS[event.event_type],
                answered_at=event.occurred_at,
                reason=p.get("reason", ""),
            )
    return rows


def legacy_seed(events: list[Event]) -> dict[str, Row]:
    """What `referrals_from` in the seed built from one trajectory's events."""
    rows: dict[str, Row] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        reference: str = event.payload.get("referral_id", "")
        if event.event_type == "referral_sent":
            rows[reference] = {
                "to": event.payload["to_organisation_id"],
                "purpose": event.payload.get("purpose", "services"),
                "sent_at": event.occurred_at,
                "status": "in_progress",
                "answered_at": None,
                "reason": "",
            }
        elif event.event_type in OLD_ANSWERS and reference in rows:
            rows[reference].update(
                status=OLD_ANSWERS[event.event_type],
                answered_at=event.occurred_at,
                reason=event.payload.get("reason", ""),
            )
    return rows


def _rows(events: list[Event]) -> dict[str, Row]:
    return {
        reference: {
            "to": s.to_organisation_id,
            "purpose": s.purpose.value,
            "sent_at": s.sent_at,
            "status": s.status.value,
            "answered_at": s.answered_at,
            "reason": s.reason,
        }
        for reference, s in referral_states(events).items()
    }


@given(recorded_referral_events())
@settings(max_examples=300, deadline=None)
def test_referral_states_give_what_the_live_action_and_the_seed_gave(events: list[Event]) -> None:
    found = _rows(events)
    assert found == legacy_live(events)
    assert found == legacy_seed(events)


@given(recorded_referral_events())
@settings(max_examples=200, deadline=None)
def test_referrals_in_progress_are_the_projections_pending_ones(events: list[Event]) -> None:
    states = referral_states(events)
    pending = tuple(r for r, s in states.items() if s.status == ReferralStatus.IN_PROGRESS)
    assert project_state(events).pending_referrals == pending


def _event(n: int, kind: str, day: int, supersedes: str | None = None, **payload: Any) -> Event:
    at = T0 + dt.timedelta(days=day)
    return Event(str(n), kind, at, at, payload, supersedes)


def test_states_follow_corrections_and_time() -> None:
    sent = _event(1, "referral_sent", 0, **_sent("r", "transfer"))
    accepted = _event(2, "referral_accepted", 2, referral_id="r")
    state = referral_states([sent, accepted])["r"]
    assert (state.status, state.purpose, state.sent_by_event) == (
        ReferralStatus.ACCEPTED,
        ReferralPurpose.TRANSFER,
        "1",
    )
    assert state.answered_at == accepted.occurred_at and state.reason == ""
    withdrawn = _event(3, "entered_in_error", 2, supersedes="2", reason="wrong referral")
    assert referral_states([sent, accepted, withdrawn])["r"].status == ReferralStatus.IN_PROGRESS
    revoked = _event(4, "referral_revoked", 1, referral_id="r", reason="moved")
    latest = referral_states([sent, revoked, accepted])["r"]  # recorded late, happened later
    assert (latest.status, latest.reason) == (ReferralStatus.ACCEPTED, "")
    assert referral_states([_event(5, "referral_accepted", 0, referral_id="x")]) == {}
