"""The true model of what happens after exit: proportional hazards with competing events.

Latent times are drawn once per exit. The return to exploitation follows a Weibull
proportional-hazards model; becoming stable, leaving the Netherlands and death have constant
hazards; loss to follow-up is independent censoring. The first latent event ends the episode.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import StrEnum

from schakel.engine.synth.params import HazardCoefficients, RegionParameters
from schakel.engine.vocabulary import ExploitationForm, InterventionType, ModusOperandi
from schakel.engine.vocabulary import PlacementType as P

DAYS_PER_YEAR = 365.25
MAX_PRIOR_EPISODES = 3
FOLLOW_UP_MONTHS = (3, 6, 12, 18, 24, 36, 48, 60)
"""Scheduled contacts after exit; a person still stable at the last one is closed as stable."""


class Outcome(StrEnum):
    """How a post-exit episode ended; `code` follows the analysis data shape."""

    CENSORED = "censored"
    RETURN = "return_to_exploitation"
    STABLE = "stable"
    LEFT_NETHERLANDS = "left_netherlands"
    DECEASED = "deceased"

    @property
    def code(self) -> int:
        """0 censored, 1 re-exploitation, 2 stable exit, 3 death / left NL."""
        return {"censored": 0, "return_to_exploitation": 1, "stable": 2}.get(self.value, 3)


@dataclass(frozen=True, slots=True)
class Covariates:
    """What the return hazard depends on, for one exit."""

    form: ExploitationForm
    modus_operandi: ModusOperandi
    placement: P
    interventions: frozenset[InterventionType]
    minor: bool
    prior_episodes: int


def linear_predictor(coefficients: HazardCoefficients, x: Covariates) -> float:
    """beta . x, the log hazard ratio of this exit against the reference person."""
    terms = [
        coefficients.form.get(x.form, 0.0),
        coefficients.modus_operandi.get(x.modus_operandi, 0.0),
        coefficients.placement.get(x.placement, 0.0),
        coefficients.prior_episode * min(x.prior_episodes, MAX_PRIOR_EPISODES),
    ]
    terms += [coefficients.intervention.get(kind, 0.0) for kind in x.interventions]
    if x.minor:
        terms.append(coefficients.minor)
        if x.placement == P.OWN_HOME:
            terms.append(coefficients.own_home_minor)
    return math.fsum(terms)  # exact, so set order (which varies per process) cannot matter


@dataclass(frozen=True, slots=True)
class LatentTimes:
    """Whole days after exit (at least 1) at which each event would happen; inf = never."""

    return_days: float
    stable_days: float
    left_days: float
    death_days: float
    loss_days: float

    def first(self) -> tuple[Outcome, float]:
        """The event that ends the episode, and when (loss to follow-up is not an event)."""
        candidates = (
            (self.return_days, 0, Outcome.RETURN),
            (self.stable_days, 1, Outcome.STABLE),
            (self.left_days, 2, Outcome.LEFT_NETHERLANDS),
            (self.death_days, 3, Outcome.DECEASED),
        )
        days, _, outcome = min(candidates)
        return outcome, days


def _days(value: float) -> float:
    """Continuous time rounded up to whole days, the resolution of the records."""
    return float(max(1, math.ceil(value))) if math.isfinite(value) else math.inf


def _exponential(rng: random.Random, rate_per_year: float) -> float:
    if rate_per_year <= 0:
        return math.inf
    return rng.expovariate(rate_per_year / DAYS_PER_YEAR)


def draw_latent_times(
    rng: random.Random, params: RegionParameters, lp: float, dutch: bool, last_contact_days: int
) -> LatentTimes:
    """Inverse-transform draws: T = scale * (E / exp(lp))^(1/shape) with E ~ Exp(1).

    Stability is exponential, cut at the last scheduled contact: whoever is still well then is
    closed as stable.
    """
    baseline = params.baseline
    e = rng.expovariate(1.0)
    return_days = baseline.scale_days * (e / math.exp(lp)) ** (1.0 / baseline.shape)
    left_rate = params.left_netherlands_rate * (0.1 if dutch else 1.0)
    return LatentTimes(
        return_days=_days(return_days),
        stable_days=min(_days(_exponential(rng, params.stable_rate)), float(last_contact_days)),
        left_days=_days(_exponential(rng, left_rate)),
        death_days=_days(_exponential(rng, params.death_rate)),
        loss_days=_days(_exponential(rng, params.loss_to_follow_up_rate)),
    )
