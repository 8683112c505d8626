"""The case file's first screen: the header card and what to do next.

Both are read from the trajectory's projected state and its effective events (the events are
the truth); the "what next" proposals follow the sequence rules, so a proposal never leads to
an event the rules would refuse (an end needs something running, a follow-up an exit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from schakel.engine.trajectories import Event, TrajectoryState, effective_events
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import Stage
from schakel.web.core.labels import event_type_label
from schakel.web.trajectories.models import Consent, Trajectory

T = EventType


@dataclass(frozen=True)
class ResidenceStatus:
    """The B8 procedure as far as recorded: the last milestone and a running reflection period."""

    milestone: str | None
    decision: str | None
    on: dt.date | None
    reflection_until: dt.date | None


@dataclass(frozen=True)
class NextStep:
    event_type: EventType
    label: object
    why: object
    due_on: dt.date | None = None


@dataclass(frozen=True)
class CaseHeader:
    residence: ResidenceStatus
    consents: list[Consent]
    next_deadline: dt.date | None
    next_deadline_kind: str | None
    steps: list[NextStep]


def residence_status(events: Sequence[Event], state: TrajectoryState) -> ResidenceStatus:
    milestones = [e for e in events if e.event_type == T.RESIDENCE_MILESTONE]
    reflection = next(
        (t.due_on for t in state.open_tasks if t.kind == "reflection_period_ends"), None
    )
    if not milestones:
        return ResidenceStatus(None, None, None, reflection)
    last = milestones[-1]
    return ResidenceStatus(
        last.payload["milestone"], last.payload.get("decision"), last.occurred_at.date(), reflection
    )


def next_steps(events: Sequence[Event], state: TrajectoryState) -> list[NextStep]:
    """Proposals from the state and the sequence rules, most pressing first."""
    kinds = {e.event_type for e in events}
    steps: list[NextStep] = []
    if state.stage == Stage.CLOSED:
        return steps
    if state.stage in (Stage.SIGNALLED, Stage.CONSULTING, Stage.REFERRED) and T.INTAKE not in kinds:
        steps.append(_step(T.INTAKE, _("The trajectory has no intake yet.")))
    if state.stage == Stage.FOLLOW_UP:
        for task in state.open_tasks:
            if task.kind == "follow_up":
                why = _("Follow-up contact planned after the exit.")
                steps.append(_step(T.FOLLOW_UP_CONTACT, why, task.due_on))
        if not any(t.kind == "follow_up" for t in state.open_tasks):
            steps.append(_step(T.CLOSURE, _("Every planned follow-up contact took place.")))
        return steps
    if state.stage == Stage.IN_CARE:
        reflection = next(
            (t.due_on for t in state.open_tasks if t.kind == "reflection_period_ends"), None
        )
        if reflection is not None:
            steps.append(_step(T.RESIDENCE_MILESTONE, _("The reflection period ends."), reflection))
        if not state.open_placements:
            steps.append(_step(T.PLACEMENT_START, _("No placement is running.")))
        if state.episodes == 0:
            steps.append(
                _step(T.EXPLOITATION_EPISODE, _("No period of exploitation is recorded yet."))
            )
        if T.RESIDENCE_MILESTONE not in kinds:
            why = _("Record the B8 procedure if the person has no right of residence.")
            steps.append(_step(T.RESIDENCE_MILESTONE, why))
        steps.append(
            _step(T.EXIT, _("When care ends: follow-up contacts at 3, 6, 12 and 24 months."))
        )
    return steps


def _step(kind: EventType, why: object, due_on: dt.date | None = None) -> NextStep:
    return NextStep(kind, event_type_label(kind), why, due_on)


def case_header(
    trajectory: Trajectory, events: Sequence[Event], state: TrajectoryState
) -> CaseHeader:
    effective = effective_events(events)
    first = state.open_tasks[0] if state.open_tasks else None
    return CaseHeader(
        residence=residence_status(effective, state),
        consents=list(trajectory.consents.in_force().select_related("organisation")),
        next_deadline=first.due_on if first else None,
        next_deadline_kind=first.kind if first else None,
        steps=next_steps(effective, state),
    )
