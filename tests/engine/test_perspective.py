"""The action perspective over every situation: required steps, order, roles and wording."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest

from schakel.engine.indicators import Outcome
from schakel.engine.indicators.perspective import (
    PHONE_NUMBERS,
    PRIORITY_ORDER,
    ContactKind,
    Priority,
    RoleKind,
    Situation,
    StepCode,
    action_perspective,
    all_texts,
    role_guidance,
)
from schakel.engine.vocabulary import ExploitationForm

FORMS: list[ExploitationForm | None] = [*ExploitationForm, None]
UNSURE: list[bool | None] = [True, False, None]
SITUATIONS = [
    Situation(outcome, minor, form, role, None, foreign, domestic)
    for outcome, minor, form, role, foreign, domestic in itertools.product(
        Outcome, (True, False), FORMS, RoleKind, UNSURE, UNSURE
    )
]
FORBIDDEN = re.compile(
    r"\bis (a|the) victim\b|\bare victims\b|\bis (een |het )?slachtoffer\b|\bzijn slachtoffers\b",
    re.IGNORECASE,
)


def test_every_combination_is_covered() -> None:
    assert len(SITUATIONS) == 3 * 2 * 5 * 8 * 3 * 3


def _check_required(situation: Situation) -> None:
    perspective = action_perspective(situation)
    codes = set(perspective.codes)
    assert StepCode.IMMEDIATE_DANGER in codes, "112 is always offered"
    assert perspective.steps[0].code is StepCode.IMMEDIATE_DANGER
    assert ContactKind.EMERGENCY in perspective.contacts
    assert StepCode.CARE_COORDINATOR in codes
    assert StepCode.RECORD_FACTS in codes
    if situation.minor:
        assert {StepCode.VEILIG_THUIS, StepCode.MELDCODE, StepCode.ASSESSMENT_FRAMEWORK} <= codes
        assert ContactKind.VEILIG_THUIS in perspective.contacts
        framework = perspective.step(StepCode.ASSESSMENT_FRAMEWORK)
        assert framework is not None and len(framework.items) == 5
        meldcode = perspective.step(StepCode.MELDCODE)
        assert meldcode is not None and len(meldcode.items) == 5
    if situation.form is ExploitationForm.LABOUR:
        assert StepCode.LABOUR_INSPECTORATE in codes
    if situation.foreign_national:
        assert StepCode.REFLECTION_PERIOD in codes
    if situation.outcome is Outcome.COULD_BE_MET:
        assert StepCode.ASK_NEXT_QUESTIONS in codes
    if situation.outcome is Outcome.MET:
        assert StepCode.NATIONAL_CENTRE in codes


def _check_left_out(situation: Situation) -> None:
    codes = set(action_perspective(situation).codes)
    if not situation.minor and not situation.domestic_setting:
        assert not {StepCode.MELDCODE, StepCode.ASSESSMENT_FRAMEWORK} & codes
    if situation.foreign_national is False:
        assert StepCode.REFLECTION_PERIOD not in codes
    if situation.form not in (ExploitationForm.LABOUR, None):
        assert StepCode.LABOUR_INSPECTORATE not in codes
    if situation.form is not ExploitationForm.CRIMINAL:
        assert StepCode.FORCED_OFFENCES not in codes
    if situation.outcome is not Outcome.COULD_BE_MET:
        assert StepCode.ASK_NEXT_QUESTIONS not in codes
    assert len(codes) == len(action_perspective(situation).steps), "no step twice"


def _check_order(situation: Situation) -> None:
    perspective = action_perspective(situation)
    ranks = [PRIORITY_ORDER.index(step.priority) for step in perspective.steps]
    assert ranks == sorted(ranks)
    needed = [c for step in perspective.steps for c in step.contacts]
    assert set(perspective.contacts) == set(needed)
    assert len(perspective.contacts) == len(set(perspective.contacts))


def _check_wording(situation: Situation) -> None:
    for text in all_texts(action_perspective(situation)):
        for words in (text.nl, text.en):
            assert words.strip()
            assert not FORBIDDEN.search(words), words


def test_the_forbidden_pattern_catches_the_phrases() -> None:
    for phrase in ("This person is a victim", "Zij is slachtoffer", "hij is een slachtoffer"):
        assert FORBIDDEN.search(phrase)
    assert not FORBIDDEN.search("registers presumed victims")


def test_obliged_reporters_must_report_and_others_may() -> None:
    assert role_guidance(RoleKind.POLICE).obliged_to_report
    assert role_guidance(RoleKind.LABOUR_INSPECTION).obliged_to_report
    gp = role_guidance(RoleKind.HEALTH_CARE)
    assert not gp.obliged_to_report
    assert "right, not a duty" in gp.reporting.en and "meldrecht" in gp.reporting.nl
    enforcement = role_guidance(RoleKind.MUNICIPAL_ENFORCEMENT)
    assert "consent" in enforcement.reporting.en
    assert any("permits" in p.en for p in enforcement.powers)
    assert any("enter workplaces" in p.en for p in role_guidance(RoleKind.LABOUR_INSPECTION).powers)


def test_each_role_sees_its_own_guidance() -> None:
    labels = {role_guidance(role).label.en for role in RoleKind}
    assert len(labels) == len(RoleKind)


def test_obliged_reporter_registers_also_when_the_outcome_is_open() -> None:
    police = Situation(Outcome.COULD_BE_MET, minor=False, role=RoleKind.POLICE)
    teacher = Situation(Outcome.COULD_BE_MET, minor=False, role=RoleKind.EDUCATION)
    assert StepCode.NATIONAL_CENTRE in action_perspective(police).codes
    assert StepCode.NATIONAL_CENTRE not in action_perspective(teacher).codes


def test_urgency_follows_the_outcome() -> None:
    met = action_perspective(Situation(Outcome.MET, minor=True))
    not_met = action_perspective(Situation(Outcome.NOT_MET, minor=True))
    met_step = met.step(StepCode.VEILIG_THUIS)
    not_met_step = not_met.step(StepCode.VEILIG_THUIS)
    assert met_step is not None and met_step.priority is Priority.NOW
    assert not_met_step is not None and not_met_step.priority is Priority.NEXT
    assert met.meaning.en.startswith("The signals you marked meet")
    assert "does not mean nothing is wrong" in not_met.meaning.en


def test_labour_inspector_gets_their_own_task_not_a_referral_to_themselves() -> None:
    own = action_perspective(
        Situation(Outcome.MET, False, ExploitationForm.LABOUR, RoleKind.LABOUR_INSPECTION)
    )
    step = own.step(StepCode.LABOUR_INSPECTORATE)
    assert step is not None and step.priority is Priority.NOW
    assert ContactKind.LABOUR_INSPECTORATE not in own.contacts


def test_phone_numbers_are_the_national_channels() -> None:
    assert PHONE_NUMBERS[ContactKind.EMERGENCY] == "112"
    assert PHONE_NUMBERS[ContactKind.POLICE] == "0900-8844"
    assert PHONE_NUMBERS[ContactKind.VEILIG_THUIS] == "0800-2000"


def _failures(check: Callable[[Situation], None]) -> list[str]:
    failed = []
    for situation in SITUATIONS:
        try:
            check(situation)
        except AssertionError as error:
            failed.append(f"{situation}: {error}")
    return failed


@pytest.mark.parametrize(
    "check",
    [_check_required, _check_left_out, _check_order, _check_wording],
    ids=lambda c: c.__name__,
)
def test_every_situation(check: Callable[[Situation], None]) -> None:
    """Each check over all 2,160 situations (outcome x minor x form x role x foreign x domestic)."""
    failed = _failures(check)
    assert not failed, f"{len(failed)} situations fail, e.g.\n" + "\n".join(failed[:5])


def test_police_get_their_own_task_and_the_reflection_period_to_offer() -> None:
    police = action_perspective(
        Situation(Outcome.COULD_BE_MET, False, None, RoleKind.POLICE, foreign_national=True)
    )
    own = police.step(StepCode.POLICE)
    assert own is not None and own.priority is Priority.NOW and not own.contacts
    assert "Your task" in own.title.en
    reflection = police.step(StepCode.REFLECTION_PERIOD)
    assert reflection is not None and not reflection.contacts
    assert ContactKind.POLICE not in police.contacts


def test_adults_within_a_family_follow_the_meldcode() -> None:
    domestic = action_perspective(Situation(Outcome.MET, minor=False, domestic_setting=True))
    assert {StepCode.MELDCODE, StepCode.ASSESSMENT_FRAMEWORK} <= set(domestic.codes)
    step = domestic.step(StepCode.VEILIG_THUIS)
    assert step is not None and "domestic violence" in step.explanation.en
