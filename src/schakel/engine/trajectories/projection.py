"""Current state of a trajectory, derived from its events and never stored on its own.

Corrections are new events: an event that names another in `supersedes` replaces it, and an
`entered_in_error` event withdraws it. The projection reads only the effective events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.vocabulary import CaseStatus, ExploitationForm, ResidenceMilestone, Stage

REFLECTION_PERIOD = 3  # months (B8/3)
REFLECTION_PERIOD_DUBLIN = dt.timedelta(days=30)
FOLLOW_UP_EARLY_WINDOW = dt.timedelta(days=45)
REFERRAL_ANSWER_DAYS = dt.timedelta(days=5)


@dataclass(frozen=True)
class Event:
    """One stored event, as plain data."""

    id: str
    event_type: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    payload: dict[str, Any]
    supersedes: str | None = None


@dataclass(frozen=True)
class Task:
    kind: str
    due_on: dt.date
    reference: str = ""


@dataclass(frozen=True)
class TrajectoryState:
    stage: Stage
    case_status: CaseStatus
    placement: str | None
    open_placements: dict[str, str] = field(default_factory=dict)
    open_interventions: dict[str, str] = field(default_factory=dict)
    forms: tuple[ExploitationForm, ...] = ()
    episodes: int = 0
    exited_on: dt.date | None = None
    closed_on: dt.date | None = None
    lost_contact: bool = False
    returned: bool = False
    pending_referrals: tuple[str, ...] = ()
    open_tasks: tuple[Task, ...] = ()


def effective_events(events: Iterable[Event]) -> list[Event]:
    """Events still in force, in the order they happened."""
    events = list(events)
    replaced = {e.supersedes for e in events if e.supersedes}
    kept = [
        e
        for e in events
        if e.id not in replaced and parse_event_type(e.event_type) != EventType.ENTERED_IN_ERROR
    ]
    return sorted(kept, key=lambda e: (e.occurred_at, e.recorded_at, e.id))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def reflection_deadline(started_on: dt.date, *, dublin: bool) -> dt.date:
    """Last day of the reflection period: 3 months, or 30 days in Dublin cases."""
    if dublin:
        return started_on + REFLECTION_PERIOD_DUBLIN
    return add_months(started_on, REFLECTION_PERIOD)


def follow_up_tasks(
    exited_on: dt.date, months: Sequence[int], contacts: Sequence[dt.date]
) -> list[Task]:
    """Scheduled follow-ups not yet met; a contact counts for the earliest open one it can."""
    open_due = [add_months(exited_on, m) for m in months]
    for contact in sorted(contacts):
        for due in open_due:
            if contact >= due - FOLLOW_UP_EARLY_WINDOW:
                open_due.remove(due)
                break
    return [Task(kind="follow_up", due_on=due) for due in open_due]


def project_state(events: Iterable[Event]) -> TrajectoryState:
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

    for event in effective_events(events):
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
