"""Events after exit, written from the latent times, and what each party could observe.

The truth is the first latent event (cut at the region's last day). The organisation sees less:
loss to follow-up censors, and a return it does not detect shows up only as lost contact at the
next scheduled contact; such a return is visible only through linkage to a later trajectory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from schakel.engine.synth.care_phase import EpisodePlan
from schakel.engine.synth.draws import between
from schakel.engine.synth.hazards import Covariates, LatentTimes, Outcome
from schakel.engine.synth.organisations import Organisation
from schakel.engine.synth.timeline import Timeline
from schakel.engine.trajectories.events import EventType as E
from schakel.engine.vocabulary import ExploitationForm

CONCERN_WINDOW_DAYS = 120


@dataclass(frozen=True, slots=True)
class Observation:
    """One exit's true ending next to what its organisation recorded (days since exit)."""

    true_outcome: Outcome
    true_days: int
    observed_outcome: Outcome
    observed_days: int
    lost_to_follow_up: bool
    return_observed: bool


@dataclass(frozen=True, slots=True)
class EpisodeTruth:
    """Ground truth of one post-exit episode, observed or not."""

    person_key: str
    trajectory_key: str
    episode_no: int
    exit_day: int
    observation: Observation
    return_registered: bool
    next_trajectory_key: str | None
    covariates: Covariates
    linear_predictor: float


@dataclass(frozen=True, slots=True)
class NextEpisode:
    """Where a return to exploitation gets registered again, decided before it is written."""

    lead: Organisation | None
    form: ExploitationForm


def true_ending(latent: LatentTimes, horizon: int) -> tuple[Outcome, int]:
    """The first latent event, or censoring at the region's last day."""
    outcome, days = latent.first()
    return (outcome, int(days)) if days <= horizon else (Outcome.CENSORED, horizon)


def record_follow_up(
    rng: random.Random,
    tl: Timeline,
    plan: EpisodePlan,
    exit_day: int,
    schedule: tuple[int, ...],
    latent: LatentTimes,
    p_observed: float,
    next_episode: NextEpisode | None,
) -> Observation:
    """Write contacts, lost contact, a detected return and closure; report what was seen."""
    horizon = tl.end_day - exit_day
    outcome, days = true_ending(latent, horizon)
    lead = (plan.lead.key, plan.coordinator)
    loss = int(min(latent.loss_days, horizon + 1))
    if loss <= horizon and loss < latent.first()[1]:
        _contacts(rng, tl, exit_day, schedule, loss, latent, lead)
        _lose_contact(rng, tl, exit_day + loss, lead)
        return Observation(outcome, days, Outcome.CENSORED, loss, True, False)
    if outcome == Outcome.CENSORED:
        _contacts(rng, tl, exit_day, schedule, horizon + 1, latent, lead)
        return Observation(outcome, days, Outcome.CENSORED, horizon, False, False)
    _contacts(rng, tl, exit_day, schedule, days, latent, lead)
    day = exit_day + days
    if outcome == Outcome.RETURN:
        if rng.random() < p_observed:
            _record_return(rng, tl, plan, day, next_episode, lead)
            return Observation(outcome, days, Outcome.RETURN, days, False, True)
        contact = next((c for c in schedule if c > days), days + 30)
        if contact > horizon:
            return Observation(outcome, days, Outcome.CENSORED, horizon, False, False)
        tl.add(exit_day + contact, E.FOLLOW_UP_CONTACT, {"outcome": "lost_contact"}, *lead)
        _lose_contact(rng, tl, exit_day + contact, lead)
        return Observation(outcome, days, Outcome.CENSORED, contact, True, False)
    if outcome == Outcome.STABLE:
        tl.add(day, E.FOLLOW_UP_CONTACT, {"outcome": "stable"}, *lead)
        tl.add(day, E.CLOSURE, {"reason": "follow_up_completed"}, *lead)
    else:
        tl.add(day, E.CLOSURE, {"reason": outcome.value}, *lead)
    return Observation(outcome, days, outcome, days, False, False)


def _contacts(
    rng: random.Random,
    tl: Timeline,
    exit_day: int,
    schedule: tuple[int, ...],
    until: int,
    latent: LatentTimes,
    lead: tuple[str, str],
) -> None:
    """Scheduled contacts before `until`; concerns are more likely shortly before a return."""
    for contact in schedule:
        if contact >= until:
            return
        ahead = latent.return_days - contact
        concerns = rng.random() < (0.5 if 0 < ahead <= CONCERN_WINDOW_DAYS else 0.08)
        outcome = "concerns" if concerns else "stable"
        tl.add(exit_day + contact, E.FOLLOW_UP_CONTACT, {"outcome": outcome}, *lead)


def _lose_contact(rng: random.Random, tl: Timeline, day: int, lead: tuple[str, str]) -> None:
    tl.add(day, E.LOST_CONTACT, {}, *lead)
    tl.add(day + between(rng, 14, 60), E.CLOSURE, {"reason": "lost_contact"}, *lead)


def _record_return(
    rng: random.Random,
    tl: Timeline,
    plan: EpisodePlan,
    day: int,
    next_episode: NextEpisode | None,
    lead: tuple[str, str],
) -> None:
    returned: dict[str, Any] = {"detected_by": "follow_up"}
    closure: dict[str, Any] = {"reason": "other", "note": "return to exploitation"}
    if next_episode is not None:
        returned["form"] = next_episode.form.value
        if next_episode.lead is not None and next_episode.lead.key != plan.lead.key:
            closure = {
                "reason": "referred_elsewhere",
                "referred_to_organisation_id": next_episode.lead.number,
            }
    tl.add(day, E.RETURN_TO_EXPLOITATION, returned, *lead)
    tl.add(day + between(rng, 1, 14), E.CLOSURE, closure, *lead)
