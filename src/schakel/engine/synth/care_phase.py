"""Events from the first signal to exit: consultation, referral, intake, the exploitation
episode, residence milestones, placements and interventions.

Durations are plausible guesses (unverified); the residence milestones follow the B8/3 rules
(reflection period of three months, 30 days in Dublin cases; the police report is the
application for a permit).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from schakel.engine.synth.care import (
    OBLIGED_REPORTERS,
    SIGNALLER_ROLE,
    draw_interventions,
    draw_placements,
    needs_residence_scheme,
)
from schakel.engine.synth.draws import between, pick_each
from schakel.engine.synth.exploitation import episode_payload
from schakel.engine.synth.hazards import FOLLOW_UP_MONTHS, Covariates
from schakel.engine.synth.identities import Person
from schakel.engine.synth.organisations import Organisation
from schakel.engine.synth.timeline import Timeline
from schakel.engine.trajectories.events import EventType as E
from schakel.engine.vocabulary import (
    ExitKind,
    InterventionType,
    ModusOperandi,
    PlacementType,
    Region,
)
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import VulnerabilityFactor as V

CONSULTATION_TOPICS = (
    "signs of exploitation",
    "next steps after a disclosure",
    "reporting code (meldcode) steps",
)
MEAN_CARE_DAYS = {False: 240.0, True: 330.0}  # adult, minor


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    """Everything fixed before one trajectory's events are written."""

    trajectory_key: str
    person: Person
    region: Region
    episode_no: int
    form: F
    minor: bool
    modus_operandi: ModusOperandi
    signal_day: int
    exploitation_started: dt.date
    exploitation_ended: dt.date | None
    municipality: str
    signaller: Organisation
    signaller_staff: str
    lead: Organisation
    coordinator: str


@dataclass(frozen=True, slots=True)
class CareOutcome:
    """How the care phase ended: an exit at risk of return, or not (yet)."""

    exit_day: int | None
    at_risk: bool
    covariates: Covariates | None


NO_EXIT = CareOutcome(exit_day=None, at_risk=False, covariates=None)


def record_care(
    rng: random.Random, tl: Timeline, plan: EpisodePlan, early_closure: float
) -> CareOutcome:
    """Write signal-to-exit events; return whether (and when) the person exited."""
    day = _signal(rng, tl, plan)
    closing_early = rng.random() < early_closure
    if closing_early and rng.random() < 0.5:
        tl.add(day + between(rng, 15, 40), E.CLOSURE, {"reason": "no_consent"}, *_sig(plan))
        return NO_EXIT
    intake = _referral_and_intake(rng, tl, plan, day, not_a_victim=closing_early)
    if closing_early:
        tl.add(intake + between(rng, 7, 60), E.CLOSURE, {"reason": "not_a_victim"}, *_lead(plan))
        return NO_EXIT
    _assessment(rng, tl, plan, intake)
    exit_day = intake + max(30, int(rng.gammavariate(2.0, MEAN_CARE_DAYS[plan.minor] / 2)))
    reflection_end, refused = intake, False
    if needs_residence_scheme(plan.person.nationality):
        reflection_end, last, refused = _residence(rng, tl, plan, intake)
        exit_day = max(exit_day, last + between(rng, 7, 60))
    placement = _placements(rng, tl, plan, intake, reflection_end, exit_day)
    interventions = _interventions(rng, tl, plan, intake, exit_day)
    kind = _exit_kind(rng, plan, refused, InterventionType.RETURN_REINTEGRATION in interventions)
    exit_payload = {"exit_kind": kind.value, "follow_up_months": list(FOLLOW_UP_MONTHS)}
    if not tl.add(exit_day, E.EXIT, exit_payload, *_lead(plan)):
        return NO_EXIT
    if kind == ExitKind.LEFT_NETHERLANDS:
        tl.add(
            exit_day + between(rng, 1, 30), E.CLOSURE, {"reason": "left_netherlands"}, *_lead(plan)
        )
        return CareOutcome(exit_day=exit_day, at_risk=False, covariates=None)
    covariates = Covariates(
        form=plan.form,
        modus_operandi=plan.modus_operandi,
        placement=placement,
        interventions=frozenset(interventions),
        minor=plan.minor,
        prior_episodes=plan.episode_no - 1,
    )
    return CareOutcome(exit_day=exit_day, at_risk=True, covariates=covariates)


def _assessment(rng: random.Random, tl: Timeline, plan: EpisodePlan, intake: int) -> None:
    """What intake establishes: the exploitation episode, vulnerabilities, the national report."""
    episode = episode_payload(
        rng,
        episode_id=f"{plan.trajectory_key}-e1",
        form=plan.form,
        mo=plan.modus_operandi,
        nationality=plan.person.nationality,
        minor=plan.minor,
        started_on=plan.exploitation_started,
        ended_on=plan.exploitation_ended,
        municipality=plan.municipality,
    )
    tl.add(intake, E.EXPLOITATION_EPISODE, episode, *_lead(plan))
    _vulnerabilities(rng, tl, plan, intake)
    if plan.signaller.type not in OBLIGED_REPORTERS and rng.random() < 0.75:
        report = {"obliged_reporter": False, "consent_given": True}
        tl.add(intake + between(rng, 0, 30), E.NATIONAL_CENTRE_REPORT, report, *_lead(plan))


def _sig(plan: EpisodePlan) -> tuple[str, str]:
    return plan.signaller.key, plan.signaller_staff


def _lead(plan: EpisodePlan) -> tuple[str, str]:
    return plan.lead.key, plan.coordinator


def _signal(rng: random.Random, tl: Timeline, plan: EpisodePlan) -> int:
    day = plan.signal_day
    signal: dict[str, Any] = {
        "observed_by_role": SIGNALLER_ROLE[plan.signaller.type],
        "minor": plan.minor,
        "indicators": [],
    }
    if rng.random() < 0.8:
        signal["suspected_form"] = plan.form.value
    tl.add(day, E.SIGNAL, signal, *_sig(plan))
    if rng.random() < 0.7:
        day += between(rng, 0, 7)
        consultation = {
            "anonymous": rng.random() < 0.5,
            "topic": rng.choice(CONSULTATION_TOPICS),
            "consulted_organisation_id": plan.lead.number,
        }
        tl.add(day, E.CONSULTATION, consultation, *_sig(plan))
    if plan.signaller.type in OBLIGED_REPORTERS and rng.random() < 0.9:
        report = {"obliged_reporter": True, "consent_given": rng.random() < 0.6}
        tl.add(day + between(rng, 0, 14), E.NATIONAL_CENTRE_REPORT, report, *_sig(plan))
    return day


def _referral_and_intake(
    rng: random.Random, tl: Timeline, plan: EpisodePlan, day: int, not_a_victim: bool
) -> int:
    sent = day + between(rng, 1, 21)
    referral_id = f"{plan.trajectory_key}-r1"
    if rng.random() < 0.04:
        tl.add(sent, E.REFERRAL_SENT, _referral(plan, referral_id), *_sig(plan))
        sent += between(rng, 0, 5)
        rejected = {"referral_id": referral_id, "reason": "incomplete information"}
        tl.add(sent, E.REFERRAL_REJECTED, rejected, *_lead(plan))
        sent, referral_id = sent + between(rng, 1, 7), f"{plan.trajectory_key}-r2"
    tl.add(sent, E.REFERRAL_SENT, _referral(plan, referral_id), *_sig(plan))
    accepted = sent + between(rng, 0, 5)
    tl.add(accepted, E.REFERRAL_ACCEPTED, {"referral_id": referral_id}, *_lead(plan))
    intake = accepted + between(rng, 0, 14)
    status = "not_a_victim" if not_a_victim else ("actual" if rng.random() < 0.35 else "possible")
    tl.add(intake, E.INTAKE, {"trafficking_status": status}, *_lead(plan))
    return intake


def _referral(plan: EpisodePlan, referral_id: str) -> dict[str, Any]:
    return {
        "referral_id": referral_id,
        "to_organisation_id": plan.lead.number,
        "purpose": "services",
        "consent_id": f"{referral_id}-consent",
    }


def _vulnerabilities(rng: random.Random, tl: Timeline, plan: EpisodePlan, day: int) -> None:
    foreign = plan.person.nationality != "NL"
    chances = {
        V.ADDICTION: 0.3 if plan.form == F.CRIMINAL else 0.15,
        V.DEBT: 0.6 if plan.modus_operandi == ModusOperandi.DEBT_BONDAGE else 0.3,
        V.INTELLECTUAL_DISABILITY: 0.2 if plan.minor else 0.1,
        V.TRAUMA: 0.4,
        V.HOMELESSNESS: 0.15,
        V.IRREGULAR_STATUS: 0.5 if needs_residence_scheme(plan.person.nationality) else 0.0,
        V.LANGUAGE_BARRIER: 0.6 if foreign else 0.0,
        V.EMOTIONAL_DEPENDENCY: 0.5 if plan.modus_operandi == ModusOperandi.LOVERBOY else 0.05,
        V.FAMILY_PROBLEMS: 0.5 if plan.minor else 0.1,
    }
    for factor in pick_each(rng, chances):
        payload = {"factor": factor.value, "addressed": rng.random() < 0.5}
        tl.add(day, E.VULNERABILITY, payload, *_lead(plan))


def _residence(
    rng: random.Random, tl: Timeline, plan: EpisodePlan, start: int
) -> tuple[int, int, bool]:
    """B8/3 milestones; returns (reflection end, last milestone, permit refused)."""
    dublin = rng.random() < 0.1
    period = 30 if dublin else 90

    def milestone(day: int, name: str, **extra: Any) -> None:
        tl.add(
            day, E.RESIDENCE_MILESTONE, {"milestone": name, "dublin": dublin, **extra}, *_lead(plan)
        )

    milestone(start, "reflection_start")
    reported = rng.random() < 0.6
    end = start + (between(rng, 5, period - 5) if reported else period)
    if reported:
        milestone(end, "police_report")
    milestone(end, "reflection_end")
    if not reported:
        return end, end, False
    decided = end + between(rng, 60, 180)
    granted = rng.random() < 0.75
    milestone(decided, "permit_decision", decision="granted" if granted else "refused")
    if not granted and rng.random() < 0.5:
        decided += between(rng, 10, 40)
        milestone(decided, "appeal")
    return end, decided, not granted


def _placements(
    rng: random.Random,
    tl: Timeline,
    plan: EpisodePlan,
    intake: int,
    reflection_end: int,
    exit_day: int,
) -> PlacementType:
    kinds = draw_placements(rng, plan.person.sex, plan.minor, plan.person.nationality)
    start = intake + between(rng, 0, 3)
    for number, kind in enumerate(kinds, start=1):
        last = number == len(kinds)
        end = exit_day if last else max(start + 1, reflection_end)
        placement_id = f"{plan.trajectory_key}-p{number}"
        opened = {"placement_id": placement_id, "placement_type": kind.value}
        tl.add(start, E.PLACEMENT_START, opened, *_lead(plan))
        fit = rng.choice(("good", "good", "partial", "poor"))
        closed = {
            "placement_id": placement_id,
            "reason": "exit" if last else "moved on",
            "fit": fit,
        }
        tl.add(end, E.PLACEMENT_END, closed, *_lead(plan))
        start = end
    return kinds[-1]


def _interventions(
    rng: random.Random, tl: Timeline, plan: EpisodePlan, intake: int, exit_day: int
) -> list[InterventionType]:
    kinds = draw_interventions(
        rng, plan.form, plan.modus_operandi, plan.minor, plan.person.nationality
    )
    for number, kind in enumerate(kinds, start=1):
        intervention_id = f"{plan.trajectory_key}-i{number}"
        start = min(exit_day - 1, intake + between(rng, 3, 60))
        end = min(exit_day, start + between(rng, 60, 300))
        opened = {"intervention_id": intervention_id, "intervention_type": kind.value}
        tl.add(start, E.INTERVENTION_START, opened, *_lead(plan))
        completed = rng.random() < 0.75
        closed: dict[str, Any] = {"intervention_id": intervention_id, "completed": completed}
        if not completed:
            closed["reason"] = "stopped early"
        tl.add(end, E.INTERVENTION_END, closed, *_lead(plan))
    return kinds


def _exit_kind(rng: random.Random, plan: EpisodePlan, refused: bool, returning: bool) -> ExitKind:
    if plan.person.nationality != "NL":
        leaving = 0.6 if (refused or returning) else 0.03
        if rng.random() < leaving:
            return ExitKind.LEFT_NETHERLANDS
    return ExitKind.OTHER if rng.random() < 0.08 else ExitKind.STABLE
