"""Evaluate one signal check: answers in, outcome, positive dimensions and next questions out.

The result says whether "the indicators of trafficking are met", never that someone is a
victim: it is a reason to consult, ask more or act (indicators.md, section 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from schakel.engine.indicators.errors import (
    InvalidAnswerError,
    NotEvaluableError,
    TooManyAnswersError,
    UnknownIndicatorError,
)
from schakel.engine.indicators.model import (
    Catalogue,
    Dimension,
    IndicatorSet,
    Strength,
)
from schakel.engine.indicators.questions import Question, Tallies, next_questions
from schakel.engine.indicators.rule import (
    COMBINATION_RULES,
    DIMENSION_ORDER,
    STRENGTH_ORDER,
    Counts,
    is_positive,
)


class Answer(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    COULD_BE_MET = "could_still_be_met"


class DimensionStatus(StrEnum):
    POSITIVE = "positive"
    OPEN = "could_become_positive"
    NOT_POSITIVE = "not_positive"


@dataclass(frozen=True)
class DimensionResult:
    """One dimension: its status, and the indicators behind it (the "why")."""

    dimension: Dimension
    status: DimensionStatus
    present: tuple[str, ...]
    absent: tuple[str, ...]
    unknown: tuple[str, ...]
    strong: int
    medium: int
    weak: int

    @property
    def is_positive(self) -> bool:
        return self.status is DimensionStatus.POSITIVE


@dataclass(frozen=True)
class SignalEvidence:
    """A signal answered present that made an indicator of the set present."""

    signal_id: str
    indicator_id: str


@dataclass(frozen=True)
class Evaluation:
    set_id: str
    catalogue_version: str
    rule: str
    provisional: bool  # the set is provisional: the interface must say so
    outcome: Outcome
    dimensions: tuple[DimensionResult, ...]
    next_questions: tuple[Question, ...]
    evidence: tuple[SignalEvidence, ...]
    observations: tuple[str, ...]  # present answers that are not counted by the rule

    @property
    def positive_dimensions(self) -> tuple[Dimension, ...]:
        return tuple(r.dimension for r in self.dimensions if r.is_positive)

    def dimension(self, dimension: Dimension) -> DimensionResult:
        return self.dimensions[DIMENSION_ORDER.index(dimension)]


def _parse(value: object) -> Answer | None:
    if not isinstance(value, str):
        return None
    try:
        return Answer(value)
    except ValueError:
        return None


def _read_answers(
    catalogue: Catalogue, indicator_set: IndicatorSet, answers: Mapping[str, Answer | str]
) -> tuple[dict[str, Answer], tuple[SignalEvidence, ...], list[str]]:
    """Check ids and values; lift present signals onto the indicators they count as.

    A present signal makes its indicator present even if that indicator was answered absent:
    the signal is an observation of the fact. Absent or unknown signals change nothing, since
    one missing sign does not rule an indicator out.
    """
    own = {i.id for i in indicator_set.indicators}
    lift = catalogue.signal_targets(indicator_set.id)
    direct: dict[str, Answer] = {}
    evidence: list[SignalEvidence] = []
    observations: list[str] = []
    unknown_ids: list[str] = []
    bad_values: list[str] = []
    for indicator_id, value in answers.items():
        answer = _parse(value)
        if answer is None:
            bad_values.append(f"{indicator_id}={value!r}")
        elif indicator_id in own:
            direct[indicator_id] = answer
        elif indicator_id in lift:
            if answer is Answer.PRESENT:
                evidence.append(SignalEvidence(indicator_id, lift[indicator_id]))
        elif _is_other_signal(catalogue, indicator_id):
            if answer is Answer.PRESENT:
                observations.append(indicator_id)
        else:
            unknown_ids.append(indicator_id)
    if unknown_ids:
        raise UnknownIndicatorError(
            f"answers name indicators that are not in set {indicator_set.id!r} "
            f"(catalogue {catalogue.version}): {', '.join(sorted(unknown_ids))}",
            items=sorted(unknown_ids),
        )
    if bad_values:
        raise InvalidAnswerError(
            "answers must be present, absent or unknown: " + ", ".join(sorted(bad_values)),
            items=sorted(v.split("=")[0] for v in bad_values),
        )
    for item in evidence:
        direct[item.indicator_id] = Answer.PRESENT
    return direct, tuple(evidence), observations


def answerable_count(catalogue: Catalogue, indicator_set: IndicatorSet) -> int:
    """How many distinct answers a request about this set can hold: its own questions and the
    signals of every signal list (signals of any list may be answered)."""
    signals = sum(len(s.indicators) for s in catalogue.sets if not s.is_evaluable)
    return len(indicator_set.indicators) + signals


def _is_other_signal(catalogue: Catalogue, indicator_id: str) -> bool:
    """Signals of any list may be answered: those that do not count here are only noted."""
    if not catalogue.has_indicator(indicator_id):
        return False
    return not catalogue.get_set(catalogue.indicator(indicator_id).set_id).is_evaluable


Unknowns = list[tuple[str, Dimension, Strength]]


def _dimension_results(
    indicator_set: IndicatorSet, answers: Mapping[str, Answer], observations: list[str]
) -> tuple[tuple[DimensionResult, ...], Unknowns, Tallies]:
    ids: dict[tuple[Dimension, Answer], list[str]] = {}
    counts = {(d, a): [0, 0, 0] for d in DIMENSION_ORDER for a in Answer}
    unknown: Unknowns = []
    for indicator in indicator_set.indicators:
        answer = answers.get(indicator.id, Answer.UNKNOWN)
        if indicator.dimension is None or indicator.strength is None:
            if answer is Answer.PRESENT:
                observations.append(indicator.id)
            continue
        key = (indicator.dimension, answer)
        ids.setdefault(key, []).append(indicator.id)
        counts[key][STRENGTH_ORDER.index(indicator.strength)] += 1
        if answer is Answer.UNKNOWN:
            unknown.append((indicator.id, indicator.dimension, indicator.strength))
    results = []
    tallies: dict[Dimension, tuple[Counts, Counts]] = {}
    for d in DIMENSION_ORDER:
        present = _counts(counts[(d, Answer.PRESENT)])
        open_ = _counts(counts[(d, Answer.UNKNOWN)])
        tallies[d] = (present, open_)
        reach = (present[0] + open_[0], present[1] + open_[1], present[2] + open_[2])
        status = (
            DimensionStatus.POSITIVE
            if is_positive(present)
            else DimensionStatus.OPEN
            if is_positive(reach)
            else DimensionStatus.NOT_POSITIVE
        )
        results.append(
            DimensionResult(
                d,
                status,
                tuple(ids.get((d, Answer.PRESENT), ())),
                tuple(ids.get((d, Answer.ABSENT), ())),
                tuple(ids.get((d, Answer.UNKNOWN), ())),
                *present,
            )
        )
    return tuple(results), unknown, tallies


def _counts(values: list[int]) -> Counts:
    return (values[0], values[1], values[2])


def _outcome(rule_name: str, results: tuple[DimensionResult, ...]) -> Outcome:
    rule = COMBINATION_RULES[rule_name]
    if rule.holds(r.dimension for r in results if r.status is DimensionStatus.POSITIVE):
        return Outcome.MET
    if rule.holds(r.dimension for r in results if r.status is not DimensionStatus.NOT_POSITIVE):
        return Outcome.COULD_BE_MET
    return Outcome.NOT_MET


def evaluate(catalogue: Catalogue, set_id: str, answers: Mapping[str, Answer | str]) -> Evaluation:
    """Apply the set's combination rule to the answers; unanswered indicators are unknown.

    Answers may also name signals from the signal lists: a present signal counts as the
    indicator it maps to when that indicator (or one derived from it) is in this set, and is
    otherwise only noted under `observations`.
    """
    indicator_set = catalogue.get_set(set_id)
    if not indicator_set.is_evaluable or indicator_set.rule is None:
        raise NotEvaluableError(_not_evaluable_message(catalogue, indicator_set), items=[set_id])
    answerable = answerable_count(catalogue, indicator_set)
    if len(answers) > answerable:
        raise TooManyAnswersError(
            f"{len(answers)} answers for set {set_id!r}, which has {answerable} questions "
            "and signals"
        )
    direct, evidence, observations = _read_answers(catalogue, indicator_set, answers)
    results, unknown, tallies = _dimension_results(indicator_set, direct, observations)
    outcome = _outcome(indicator_set.rule, results)
    questions: tuple[Question, ...] = ()
    if outcome is Outcome.COULD_BE_MET:
        questions = next_questions(COMBINATION_RULES[indicator_set.rule], tallies, unknown)
    return Evaluation(
        set_id=set_id,
        catalogue_version=catalogue.version,
        rule=indicator_set.rule,
        provisional=indicator_set.provisional,
        outcome=outcome,
        dimensions=results,
        next_questions=questions,
        evidence=evidence,
        observations=tuple(observations),
    )


def _not_evaluable_message(catalogue: Catalogue, indicator_set: IndicatorSet) -> str:
    own = {i.id for i in indicator_set.indicators}
    targets = [s.id for s in catalogue.sets if set(catalogue.signal_targets(s.id)) & own] or [
        s.id for s in catalogue.sets if s.is_evaluable
    ]
    return (
        f"set {indicator_set.id!r} is a signal list (observation aids), not evaluated on its "
        f"own; send its signals as answers when evaluating one of: {', '.join(targets)}"
    )
