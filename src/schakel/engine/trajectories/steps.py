"""Projection steps: what one effective event does to a trajectory's working state.

Each event type's registry entry names its step. A step takes the fold so far and the event
and returns the new fold; it never changes the one it was given (dicts are copied when they
change), so a fold can be kept and compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from schakel.engine.trajectories.projection import Event, Fold, reflection_deadline
from schakel.engine.vocabulary import ExploitationForm, FollowUpOutcome, ResidenceMilestone, Stage

V = TypeVar("V")


def unchanged(fold: Fold, event: Event) -> Fold:
    """Types recorded for the file, the monitor or the rules, not for the current state."""
    return fold


def consult(fold: Fold, event: Event) -> Fold:
    if fold.stage == Stage.SIGNALLED:
        return fold._replace(stage=Stage.CONSULTING)
    return fold


def send_referral(fold: Fold, event: Event) -> Fold:
    referrals = {**fold.referrals, event.payload["referral_id"]: event.occurred_at.date()}
    if fold.stage in (Stage.SIGNALLED, Stage.CONSULTING):
        return fold._replace(referrals=referrals, stage=Stage.REFERRED)
    return fold._replace(referrals=referrals)


def answer_referral(fold: Fold, event: Event) -> Fold:
    """Accepted, rejected or revoked: the referral no longer waits for an answer."""
    return fold._replace(referrals=_without(fold.referrals, event.payload["referral_id"]))


def start_care(fold: Fold, event: Event) -> Fold:
    if fold.stage == Stage.CLOSED:
        return fold
    return fold._replace(stage=Stage.IN_CARE)


def start_placement(fold: Fold, event: Event) -> Fold:
    p = event.payload
    placements = {**fold.placements, p["placement_id"]: p["placement_type"]}
    return start_care(fold, event)._replace(placements=placements)


def end_placement(fold: Fold, event: Event) -> Fold:
    return fold._replace(placements=_without(fold.placements, event.payload["placement_id"]))


def start_intervention(fold: Fold, event: Event) -> Fold:
    p = event.payload
    interventions = {**fold.interventions, p["intervention_id"]: p["intervention_type"]}
    return start_care(fold, event)._replace(interventions=interventions)


def end_intervention(fold: Fold, event: Event) -> Fold:
    interventions = _without(fold.interventions, event.payload["intervention_id"])
    return fold._replace(interventions=interventions)


def record_episode(fold: Fold, event: Event) -> Fold:
    form = ExploitationForm(event.payload["form"])
    forms = fold.forms if form in fold.forms else (*fold.forms, form)
    return fold._replace(episodes=fold.episodes + 1, forms=forms)


def residence_milestone(fold: Fold, event: Event) -> Fold:
    """The reflection period (bedenktijd) starts a deadline and its end clears it."""
    milestone = ResidenceMilestone(event.payload["milestone"])
    if milestone == ResidenceMilestone.REFLECTION_START:
        dublin = event.payload.get("dublin", False)
        deadline = reflection_deadline(event.occurred_at.date(), dublin=dublin)
        return fold._replace(reflection=deadline)
    if milestone == ResidenceMilestone.REFLECTION_END:
        return fold._replace(reflection=None)
    return fold


def exit_care(fold: Fold, event: Event) -> Fold:
    """Follow-up starts: its schedule comes from the exit; placements and interventions end."""
    return fold._replace(
        stage=Stage.FOLLOW_UP,
        exited_on=event.occurred_at.date(),
        follow_up_months=tuple(event.payload["follow_up_months"]),
        contacts=(),
        placements={},
        interventions={},
    )


def follow_up_contact(fold: Fold, event: Event) -> Fold:
    outcome = event.payload["outcome"]
    return fold._replace(
        contacts=(*fold.contacts, event.occurred_at.date()),
        returned=fold.returned or outcome == FollowUpOutcome.RETURN_TO_EXPLOITATION,
        lost=outcome == FollowUpOutcome.LOST_CONTACT,
    )


def lose_contact(fold: Fold, event: Event) -> Fold:
    return fold._replace(lost=True)


def return_to_exploitation(fold: Fold, event: Event) -> Fold:
    return fold._replace(returned=True, stage=Stage.IN_CARE, exited_on=None)


def close(fold: Fold, event: Event) -> Fold:
    referred = event.payload.get("referred_to_organisation_id") is not None
    return fold._replace(
        stage=Stage.CLOSED, closed_on=event.occurred_at.date(), closed_referred=referred
    )


def _without(mapping: Mapping[str, V], key: str) -> dict[str, V]:
    return {k: v for k, v in mapping.items() if k != key}
