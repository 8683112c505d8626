"""The action perspective: what a professional does next, after a signal check.

From the outcome of the check, who the person is (minor or adult; without Dutch nationality;
within a family or relationship), the suspected form, the professional's role and region, it
lists concrete steps in order of urgency, the role's own powers and duties, and how to act
without losing the person's trust. It never says that someone is a victim: it says what the
signals mean and what to do (indicators.md §3 and §5, domain.md: meldcode, channels).

perspective = action_perspective(Situation(outcome=Outcome.MET, minor=True, form=None,
                                           role=RoleKind.EDUCATION))
[step.code for step in perspective.steps]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from schakel.engine.indicators.evaluation import Outcome
from schakel.engine.indicators.model import Text
from schakel.engine.indicators.perspective_roles import (
    MAY_REPORT_WITH_CONSENT,
    OBLIGED_TO_REPORT,
    ROLES,
    SECRECY_RIGHT,
)
from schakel.engine.indicators.perspective_texts import (
    ASSESSMENT_QUESTIONS,
    MEANING,
    MELDCODE_STEPS,
    STEPS,
    TRUST,
)
from schakel.engine.vocabulary import ExploitationForm, Region


class RoleKind(StrEnum):
    """Kinds of frontline work whose powers and duties differ."""

    YOUTH_CARE = "youth_care"
    SOCIAL_SUPPORT = "social_support"
    HEALTH_CARE = "health_care"
    EDUCATION = "education"
    POLICE = "police"  # police and Royal Military Police (KMar)
    LABOUR_INSPECTION = "labour_inspection"
    MUNICIPAL_ENFORCEMENT = "municipal_enforcement"
    OTHER = "other"


OBLIGED_REPORTERS = frozenset({RoleKind.POLICE, RoleKind.LABOUR_INSPECTION})
"""Roles that must report presumed victims to the national coordination centre."""

SECRECY_ROLES = frozenset(
    {RoleKind.YOUTH_CARE, RoleKind.SOCIAL_SUPPORT, RoleKind.HEALTH_CARE, RoleKind.EDUCATION}
)
"""Roles bound by professional secrecy and a meldcode: a right, not a duty, to report."""


class Priority(StrEnum):
    """When to take a step; steps are listed in this order."""

    IMMEDIATE = "immediate"  # only when someone is in danger: before anything else
    NOW = "now"
    NEXT = "next"
    IF_NEEDED = "if_needed"  # when a condition in the explanation holds


PRIORITY_ORDER = tuple(Priority)


class ContactKind(StrEnum):
    EMERGENCY = "emergency"
    POLICE = "police"
    VEILIG_THUIS = "veilig_thuis"
    CARE_COORDINATOR = "care_coordinator"
    NATIONAL_CENTRE = "national_coordination_centre"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    COLLEAGUE = "colleague"


PHONE_NUMBERS = MappingProxyType(
    {
        ContactKind.EMERGENCY: "112",
        ContactKind.POLICE: "0900-8844",
        ContactKind.VEILIG_THUIS: "0800-2000",
    }
)
"""National numbers from domain.md; regional contacts come from the web layer."""


class StepCode(StrEnum):
    IMMEDIATE_DANGER = "immediate_danger"
    ASK_NEXT_QUESTIONS = "ask_next_questions"
    KEEP_WATCH = "keep_watch"
    CONSULT_COLLEAGUE = "consult_colleague"
    CARE_COORDINATOR = "care_coordinator"
    VEILIG_THUIS = "veilig_thuis"
    MELDCODE = "meldcode"
    ASSESSMENT_FRAMEWORK = "assessment_framework"
    POLICE = "police"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    NATIONAL_CENTRE = "national_centre"
    REFLECTION_PERIOD = "reflection_period"
    FORCED_OFFENCES = "forced_offences"
    RECORD_FACTS = "record_facts"


@dataclass(frozen=True)
class Situation:
    """What the professional told the check. None means "don't know"."""

    outcome: Outcome
    minor: bool
    form: ExploitationForm | None = None
    role: RoleKind = RoleKind.OTHER
    region: Region | None = None
    foreign_national: bool | None = None
    domestic_setting: bool | None = None


@dataclass(frozen=True)
class Step:
    code: StepCode
    priority: Priority
    title: Text
    explanation: Text
    contacts: tuple[ContactKind, ...] = ()
    items: tuple[Text, ...] = ()  # the meldcode's five steps, the framework's five questions


@dataclass(frozen=True)
class RoleGuidance:
    role: RoleKind
    label: Text
    powers: tuple[Text, ...]
    duties: tuple[Text, ...]
    reporting: Text
    obliged_to_report: bool


@dataclass(frozen=True)
class Perspective:
    situation: Situation
    meaning: Text
    steps: tuple[Step, ...]
    role: RoleGuidance
    trust: tuple[Text, ...]
    contacts: tuple[ContactKind, ...]  # every contact the steps need, most urgent first

    @property
    def codes(self) -> tuple[StepCode, ...]:
        return tuple(step.code for step in self.steps)

    def step(self, code: StepCode) -> Step | None:
        return next((s for s in self.steps if s.code is code), None)


def _step(
    code: StepCode,
    priority: Priority,
    contacts: tuple[ContactKind, ...] = (),
    items: tuple[Text, ...] = (),
    words: str | None = None,
) -> Step:
    title, explanation = STEPS[words or code.value]
    return Step(code, priority, title, explanation, contacts, items)


def _by_outcome(outcome: Outcome, met: Priority, could: Priority, not_met: Priority) -> Priority:
    return {Outcome.MET: met, Outcome.COULD_BE_MET: could, Outcome.NOT_MET: not_met}[outcome]


def _first_steps(s: Situation) -> list[Step]:
    """Danger first, then what the outcome asks: questions, watching, consulting."""
    steps = [_step(StepCode.IMMEDIATE_DANGER, Priority.IMMEDIATE, (ContactKind.EMERGENCY,))]
    if s.outcome is Outcome.COULD_BE_MET:
        steps.append(_step(StepCode.ASK_NEXT_QUESTIONS, Priority.NOW))
    if s.outcome is Outcome.NOT_MET:
        steps.append(_step(StepCode.KEEP_WATCH, Priority.NOW))
    consult = _by_outcome(s.outcome, Priority.NOW, Priority.NOW, Priority.NEXT)
    steps.append(_step(StepCode.CONSULT_COLLEAGUE, consult, (ContactKind.COLLEAGUE,)))
    steps.append(_step(StepCode.CARE_COORDINATOR, consult, (ContactKind.CARE_COORDINATOR,)))
    return steps


def _meldcode_steps(s: Situation) -> list[Step]:
    """Minors always; adults when it happens within a family or relationship."""
    if not (s.minor or s.domestic_setting):
        return []
    priority = _by_outcome(s.outcome, Priority.NOW, Priority.NOW, Priority.NEXT)
    words = "veilig_thuis" if s.minor else "veilig_thuis_domestic"
    return [
        _step(StepCode.VEILIG_THUIS, priority, (ContactKind.VEILIG_THUIS,), words=words),
        _step(StepCode.MELDCODE, priority, items=MELDCODE_STEPS),
        _step(StepCode.ASSESSMENT_FRAMEWORK, priority, items=ASSESSMENT_QUESTIONS),
    ]


def _authority_steps(s: Situation) -> list[Step]:
    steps: list[Step] = []
    own_police = s.role is RoleKind.POLICE
    if own_police or not s.minor:
        priority = _by_outcome(s.outcome, Priority.NEXT, Priority.IF_NEEDED, Priority.IF_NEEDED)
        if own_police and s.outcome is not Outcome.NOT_MET:
            priority = Priority.NOW
        if own_police:
            steps.append(_step(StepCode.POLICE, priority, words="police_own"))
        else:
            steps.append(_step(StepCode.POLICE, priority, (ContactKind.POLICE,)))
    if s.form in (ExploitationForm.LABOUR, None):
        own = s.role is RoleKind.LABOUR_INSPECTION
        labour = s.form is ExploitationForm.LABOUR
        priority = (
            Priority.NEXT if labour and s.outcome is not Outcome.NOT_MET else Priority.IF_NEEDED
        )
        if own and labour and s.outcome is not Outcome.NOT_MET:
            priority = Priority.NOW
        if labour or s.outcome is not Outcome.NOT_MET:
            words = "labour_inspectorate_own" if own else None
            contacts = () if own else (ContactKind.LABOUR_INSPECTORATE,)
            steps.append(_step(StepCode.LABOUR_INSPECTORATE, priority, contacts, words=words))
    if s.form is ExploitationForm.CRIMINAL:
        steps.append(_step(StepCode.FORCED_OFFENCES, Priority.NEXT))
    return steps


def _registration_steps(s: Situation) -> list[Step]:
    steps: list[Step] = []
    obliged = s.role in OBLIGED_REPORTERS
    if s.outcome is Outcome.MET or (obliged and s.outcome is Outcome.COULD_BE_MET):
        priority = Priority.NOW if obliged and s.outcome is Outcome.MET else Priority.NEXT
        steps.append(_step(StepCode.NATIONAL_CENTRE, priority, (ContactKind.NATIONAL_CENTRE,)))
    if s.foreign_national or (s.foreign_national is None and s.outcome is not Outcome.NOT_MET):
        priority = (
            Priority.NEXT
            if s.foreign_national and s.outcome is not Outcome.NOT_MET
            else Priority.IF_NEEDED
        )
        contacts = () if s.role is RoleKind.POLICE else (ContactKind.POLICE,)
        steps.append(_step(StepCode.REFLECTION_PERIOD, priority, contacts))
    steps.append(_step(StepCode.RECORD_FACTS, Priority.NEXT))
    return steps


def role_guidance(role: RoleKind) -> RoleGuidance:
    label, powers, duties = ROLES[role.value]
    if role in OBLIGED_REPORTERS:
        reporting = OBLIGED_TO_REPORT
    elif role in SECRECY_ROLES:
        reporting = SECRECY_RIGHT
    else:
        reporting = MAY_REPORT_WITH_CONSENT
    return RoleGuidance(role, label, powers, duties, reporting, role in OBLIGED_REPORTERS)


def action_perspective(situation: Situation) -> Perspective:
    """The next steps for this situation, most urgent first (stable within a priority)."""
    steps = [
        *_first_steps(situation),
        *_meldcode_steps(situation),
        *_authority_steps(situation),
        *_registration_steps(situation),
    ]
    steps.sort(key=lambda step: PRIORITY_ORDER.index(step.priority))
    contacts: list[ContactKind] = []
    for step in steps:
        contacts.extend(c for c in step.contacts if c not in contacts)
    return Perspective(
        situation=situation,
        meaning=MEANING[situation.outcome.value],
        steps=tuple(steps),
        role=role_guidance(situation.role),
        trust=TRUST,
        contacts=tuple(contacts),
    )


def all_texts(perspective: Perspective) -> list[Text]:
    """Every text a perspective shows, for wording checks and for translation reviews."""
    texts = [perspective.meaning, *perspective.trust, perspective.role.label]
    texts += [*perspective.role.powers, *perspective.role.duties, perspective.role.reporting]
    for step in perspective.steps:
        texts += [step.title, step.explanation, *step.items]
    return texts
