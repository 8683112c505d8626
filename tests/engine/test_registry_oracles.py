"""The registry's projection steps and sequence rules against the if-chains they replaced.

`legacy_*` below are the code before the event-type registry (the projection's if-chain, the
rules' if-chain and the effective rule), kept as oracles: on any history, the registry gives
what they gave. The one intended difference is the rule added with the registry, that an
answer to a referral cannot lie before the referral was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.trajectories import Event, TrajectoryState, effective_events, project_state
from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import (
    REFERRAL_ANSWER_DAYS,
    Task,
    follow_up_tasks,
    reflection_deadline,
)
from schakel.engine.trajectories.rules import check_sequence
from schakel.engine.vocabulary import CaseStatus, ExploitationForm, ResidenceMilestone, Stage

Problem = tuple[str, str]
T0 = dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC)
REFS = st.sampled_from(["a", "b"])
PAYLOADS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "signal": st.just({"observed_by_role": "police"}),
    "consultation": st.just({"topic": "signals"}),
    "national_centre_report": st.just({"obliged_reporter": True, "consent_given": False}),
    "referral_sent": st.fixed_dictionaries({"referral_id": REFS, "to_organisation_id": st.just(2)}),
    "referral_accepted": st.fixed_dictionaries({"referral_id": REFS}),
    "referral_rejected": st.fixed_dictionaries({"referral_id": REFS, "reason": st.just("full")}),
    "referral_revoked": st.fixed_dictionaries({"referral_id": REFS, "reason": st.just("moved")}),
    "intake": st.just({}),
    "placement_start": st.fixed_dictionaries(
        {"placement_id": REFS, "placement_type": st.sampled_from(["omm", "cosm"])}
    ),
    "placement_end": st.fixed_dictionaries({"placement_id": REFS, "reason": st.just("done")}),
    "intervention_start": st.fixed_dictionaries(
        {"intervention_id": REFS, "intervention_type": st.sampled_from(["work", "legal_aid"])}
    ),
    "intervention_end": st.fixed_dictionaries(
        {"intervention_id": REFS, "completed": st.booleans()}
    ),
    "residence_milestone": st.fixed_dictionaries(
        {
            "milestone": st.sampled_from(
                ["reflection_start", "reflection_end", "police_report", "appeal"]
            ),
            "dublin": st.booleans(),
        }
    ),
    "exploitation_episode": st.fixed_dictionaries(
        {"episode_id": REFS, "form": st.sampled_from(["sexual", "labour"])}
    ),
    "vulnerability": st.just({"factor": "debt"}),
    "exit": st.fixed_dictionaries(
        {
            "exit_kind": st.just("stable"),
            "follow_up_months": st.sampled_from([[3, 6], [1, 2, 12], []]),
        }
    ),
    "follow_up_contact": st.fixed_dictionaries(
        {"outcome": st.sampled_from(["stable", "return_to_exploitation", "lost_contact"])}
    ),
    "lost_contact": st.just({}),
    "return_to_exploitation": st.just({}),
    "closure": st.one_of(
        st.just({"reason": "other"}),
        st.just({"reason": "referred_elsewhere", "referred_to_organisation_id": 3}),
    ),
}
KINDS = [k for k in PAYLOADS]


@st.composite
def histories(draw: st.DrawFn, size: int = 14) -> list[Event]:
    """A trajectory's events in the order they were recorded, with corrections among them."""
    events: list[Event] = []
    for n in range(draw(st.integers(0, size))):
        withdraw = bool(events) and draw(st.integers(0, 9)) == 0
        kind = "entered_in_error" if withdraw else draw(st.sampled_from(KINDS))
        payload = {"reason": "typo"} if withdraw else draw(PAYLOADS[kind])
        corrects = withdraw or (bool(events) and draw(st.integers(0, 7)) == 0)
        supersedes = draw(st.sampled_from([e.id for e in events])) if corrects else None
        occurred = T0 + dt.timedelta(days=draw(st.integers(0, 500)), hours=draw(st.integers(0, 3)))
        recorded = T0 + dt.timedelta(days=600 + n)
        events.append(Event(f"e{n}", kind, occurred, recorded, payload, supersedes))
    return events


@given(histories())
@settings(max_examples=400, deadline=None)
def test_projection_steps_give_what_the_if_chain_gave(events: list[Event]) -> None:
    assert project_state(events) == legacy_project_state(events)


@given(histories(), st.sampled_from(KINDS), st.data())
@settings(max_examples=400, deadline=None)
def test_sequence_rules_give_what_the_if_chain_gave(
    history: list[Event], kind: str, data: st.DataObject
) -> None:
    payload = data.draw(PAYLOADS[kind])
    occurred = T0 + dt.timedelta(
        days=data.draw(st.integers(0, 500)), hours=data.draw(st.integers(0, 3))
    )
    ids = [e.id for e in history]
    supersedes = data.draw(st.none() | st.sampled_from(ids)) if ids else None
    found = [p.pair for p in check_sequence(history, kind, occurred, payload, supersedes)]
    expected = legacy_check_sequence(history, kind, occurred, payload, supersedes)
    if found == [("occurred_at", "the answer lies before the referral was sent")]:
        sent = [
            e
            for e in legacy_effective_events(history)
            if e.event_type == "referral_sent"
            and e.id != supersedes
            and e.payload["referral_id"] == payload["referral_id"]
        ]
        # with a reference sent twice (histories the database refuses), the last one counts
        assert expected == [] and occurred < sent[-1].occurred_at
    else:
        assert found == expected


def test_an_answer_cannot_precede_its_referral() -> None:
    sent = Event("1", "referral_sent", T0, T0, {"referral_id": "r", "to_organisation_id": 2})
    for kind in ("referral_accepted", "referral_revoked"):
        early = T0 - dt.timedelta(days=1)
        problems = check_sequence([sent], kind, early, {"referral_id": "r"})
        assert [(p.field, p.code) for p in problems] == [("occurred_at", "answer_before_referral")]
        assert problems[0].message == "the answer lies before the referral was sent"
        assert check_sequence([sent], kind, T0, {"referral_id": "r"}) == []


@given(histories())
@settings(max_examples=300, deadline=None)
def test_effective_events_keeps_what_it_kept(events: list[Event]) -> None:
    assert effective_events(events) == legacy_effective_events(events)


# --- the code the registry replaced -------------------------------------------------------


def legacy_effective_events(events: Iterable[Event]) -> list[Event]:
    events = list(events)
    replaced = {e.supersedes for e in events if e.supersedes}
    kept = [
        e
        for e in events
        if e.id not in replaced and parse_event_type(e.event_type) != EventType.ENTERED_IN_ERROR
    ]
    return sorted(kept, key=lambda e: (e.occurred_at, e.recorded_at, e.id))


def legacy_project_state(events: Iterable[Event]) -> TrajectoryState:
    stage = Stage.SIGNALLED
    placements: dict[str, str] = {}
    interventions: dict[str, str] = {}
    referrals: dict[str, dt.date] = {}
    forms: list[ExploitationForm] = []
    episodes = 0
    exited_on: dt.date | None = None
    follow_up_months: list[int] = []
    contacts: list[dt.date] = []
    closed_on: dt.date | None = None
    closed_referred = False
    lost = returned = False
    reflection: dt.date | None = None

    for event in legacy_effective_events(events):
        kind = parse_event_type(event.event_type)
        day = event.occurred_at.date()
        p = event.payload
        if kind == EventType.CONSULTATION and stage == Stage.SIGNALLED:
            stage = Stage.CONSULTING
        elif kind == EventType.REFERRAL_SENT:
            referrals[p["referral_id"]] = day
            if stage in (Stage.SIGNALLED, Stage.CONSULTING):
                stage = Stage.REFERRED
        elif kind in (
            EventType.REFERRAL_ACCEPTED,
            EventType.REFERRAL_REJECTED,
            EventType.REFERRAL_REVOKED,
        ):
            referrals.pop(p["referral_id"], None)
        elif kind in (EventType.INTAKE, EventType.PLACEMENT_START, EventType.INTERVENTION_START):
            if stage != Stage.CLOSED:
                stage = Stage.IN_CARE
            if kind == EventType.PLACEMENT_START:
                placements[p["placement_id"]] = p["placement_type"]
            elif kind == EventType.INTERVENTION_START:
                interventions[p["intervention_id"]] = p["intervention_type"]
        elif kind == EventType.PLACEMENT_END:
            placements.pop(p["placement_id"], None)
        elif kind == EventType.INTERVENTION_END:
            interventions.pop(p["intervention_id"], None)
        elif kind == EventType.EXPLOITATION_EPISODE:
            episodes += 1
            form = ExploitationForm(p["form"])
            if form not in forms:
                forms.append(form)
        elif kind == EventType.RESIDENCE_MILESTONE:
            milestone = ResidenceMilestone(p["milestone"])
            if milestone == ResidenceMilestone.REFLECTION_START:
                reflection = reflection_deadline(day, dublin=p.get("dublin", False))
            elif milestone == ResidenceMilestone.REFLECTION_END:
                reflection = None
        elif kind == EventType.EXIT:
            stage, exited_on = Stage.FOLLOW_UP, day
            follow_up_months, contacts = list(p["follow_up_months"]), []
            placements.clear()
            interventions.clear()
        elif kind == EventType.FOLLOW_UP_CONTACT:
            contacts.append(day)
            if p["outcome"] == "return_to_exploitation":
                returned = True
            lost = p["outcome"] == "lost_contact"
        elif kind == EventType.LOST_CONTACT:
            lost = True
        elif kind == EventType.RETURN_TO_EXPLOITATION:
            returned = True
            stage, exited_on = Stage.IN_CARE, None
        elif kind == EventType.CLOSURE:
            stage, closed_on = Stage.CLOSED, day
            closed_referred = p.get("referred_to_organisation_id") is not None

    tasks: list[Task] = []
    if stage != Stage.CLOSED:
        if reflection is not None:
            tasks.append(Task(kind="reflection_period_ends", due_on=reflection))
        tasks += [
            Task(kind="referral_answer", due_on=sent + REFERRAL_ANSWER_DAYS, reference=ref)
            for ref, sent in referrals.items()
        ]
        if exited_on is not None and not lost:
            tasks += follow_up_tasks(exited_on, follow_up_months, contacts)
    tasks.sort(key=lambda t: (t.due_on, t.kind, t.reference))

    if stage == Stage.CLOSED:
        status = CaseStatus.CLOSED_REFERRED if closed_referred else CaseStatus.CLOSED
    elif stage == Stage.FOLLOW_UP:
        status = CaseStatus.FOLLOW_UP
    else:
        status = CaseStatus.ACTIVE
    current = next(iter(placements.values()), None) if placements else None
    return TrajectoryState(
        stage=stage,
        case_status=status,
        placement=current,
        open_placements=placements,
        open_interventions=interventions,
        forms=tuple(forms),
        episodes=episodes,
        exited_on=exited_on,
        closed_on=closed_on,
        lost_contact=lost,
        returned=returned,
        pending_referrals=tuple(referrals),
        open_tasks=tuple(tasks),
    )


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


def legacy_check_sequence(
    history: Iterable[Event],
    event_type: str,
    occurred_at: dt.datetime,
    payload: dict[str, Any],
    supersedes: str | None = None,
) -> list[Problem]:
    """Problems with appending this event to `history` (empty when it fits)."""
    kind = parse_event_type(event_type)
    events = [e for e in legacy_effective_events(history) if e.id != supersedes]
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
    if kind == EventType.RESIDENCE_MILESTONE:
        return _legacy_residence(events, payload["milestone"], occurred_at)
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


def _legacy_residence(events: list[Event], milestone: str, at: dt.datetime) -> list[Problem]:
    """The B8 order as an if-chain (an independent copy of `rules.residence_order`)."""
    done = [
        (e.payload["milestone"], e.occurred_at)
        for e in events
        if e.event_type == "residence_milestone"
    ]
    earlier = {m for m, when in done if when <= at}
    starts = [when for m, when in done if m == "reflection_start"]
    if milestone == "reflection_end" and "reflection_start" not in earlier:
        return [("milestone", "no reflection period started before this date")]
    if milestone == "permit_decision" and "police_report" not in earlier:
        return [("milestone", "a permit decision needs a police report (aangifte) before it")]
    if milestone == "appeal" and not earlier & {"permit_decision", "continued_residence_decision"}:
        return [("milestone", "this needs a permit decision before it")]
    if milestone == "continued_residence_application" and "permit_decision" not in earlier:
        return [("milestone", "this needs a permit decision before it")]
    if (
        milestone == "continued_residence_decision"
        and "continued_residence_application" not in earlier
    ):
        return [("milestone", "a continued residence decision needs an application first")]
    if milestone in ("reflection_end", "permit_decision") and starts and at < min(starts):
        return [("occurred_at", "this lies before the start of the reflection period")]
    decided = [when for m, when in done if m in ("reflection_end", "permit_decision")]
    if milestone == "reflection_start" and decided and at > min(decided):
        return [("occurred_at", "a decision or the end of the reflection period lies before it")]
    return []
