"""The decision rule against an independent oracle: truth tables and brute force.

The oracle below is written from the reference text (indicators.md, "Combination rule") and
shares no code with the engine, so a mistake in either shows up as a failure.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schakel.engine.indicators import (
    Answer,
    Catalogue,
    Dimension,
    DimensionStatus,
    Evaluation,
    Indicator,
    IndicatorSet,
    Outcome,
    Population,
    SetKind,
    Strength,
    Text,
    Verification,
    evaluate,
    is_positive,
    load_catalogue,
)

D1, D2, D3, D4, D5, D6 = Dimension
S, M, W = Strength.STRONG, Strength.MEDIUM, Strength.WEAK
RANK = {Outcome.NOT_MET: 0, Outcome.COULD_BE_MET: 1, Outcome.MET: 2}

# Every (strong, medium, weak) count up to three that does NOT make a dimension positive,
# listed by hand from rule 1: one strong alone, weak alone, one medium with any weak, two medium.
NOT_POSITIVE = {
    (0, 0, 0), (0, 0, 1), (0, 0, 2), (0, 0, 3),
    (0, 1, 0), (0, 1, 1), (0, 1, 2), (0, 1, 3),
    (0, 2, 0),
    (1, 0, 0),
}  # fmt: skip


def oracle_positive(strong: int, medium: int, weak: int) -> bool:
    """Rule 1, word for word: two strong; one strong plus one medium or weak; three medium;
    two medium plus one weak."""
    return (
        strong >= 2
        or (strong >= 1 and (medium >= 1 or weak >= 1))
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def oracle_met(rule: str, positive: set[Dimension]) -> bool:
    recruitment = D1 in positive or D2 in positive or D3 in positive
    if rule == "adult":  # rule 2
        return recruitment and D4 in positive and (D5 in positive or D6 in positive)
    return recruitment and D4 in positive  # rule 3: no means at destination for a child


Spec = Sequence[tuple[Dimension, Strength]]


def oracle_met_with(rule: str, spec: Spec, present: Iterable[int]) -> bool:
    counts = {d: [0, 0, 0] for d in Dimension}
    for i in present:
        dimension, strength = spec[i]
        counts[dimension][[S, M, W].index(strength)] += 1
    return oracle_met(rule, {d for d, c in counts.items() if oracle_positive(*c)})


def make_catalogue(spec: Spec, rule: str) -> Catalogue:
    indicators = tuple(
        Indicator(
            id=f"T-{d.value}-{n:02d}",
            set_id="test",
            label=Text("t", "t"),
            explanation=Text("t", "t"),
            source="test",
            verification=Verification.GAP,
            provisional=False,
            dimension=d,
            strength=s,
        )
        for n, (d, s) in enumerate(spec)
    )
    test_set = IndicatorSet(
        id="test",
        prefix="T",
        kind=SetKind.INDICATOR_SET,
        population=Population.ADULTS if rule == "adult" else Population.CHILDREN,
        form=None,
        rule=rule,
        label=Text("t", "t"),
        source="test",
        verification=Verification.GAP,
        provisional=False,
        note="",
        indicators=indicators,
    )
    return Catalogue(version="test", sets=(test_set,))


def ids(catalogue: Catalogue) -> list[str]:
    return [i.id for i in catalogue.indicators_of("test")]


# --- truth tables ---------------------------------------------------------------------------


@pytest.mark.parametrize("counts", list(itertools.product(range(4), repeat=3)))
def test_dimension_rule_truth_table(counts: tuple[int, int, int]) -> None:
    expected = counts not in NOT_POSITIVE
    assert oracle_positive(*counts) is expected  # the two hand readings agree
    assert is_positive(counts) is expected
    # and through evaluate: D4 gets exactly these present; D1 and D5 are made positive.
    spec = [(D1, S), (D1, S), (D5, S), (D5, S)] + [(D4, s) for s in (S, M, W) for _ in range(3)]
    catalogue = make_catalogue(spec, "adult")
    answers = {i: Answer.ABSENT for i in ids(catalogue)}
    for i in ids(catalogue)[:4]:
        answers[i] = Answer.PRESENT
    for k in range(3):
        for j in range(counts[k]):
            answers[ids(catalogue)[4 + 3 * k + j]] = Answer.PRESENT
    result = evaluate(catalogue, "test", answers)
    assert result.dimension(D4).is_positive is expected
    assert result.outcome is (Outcome.MET if expected else Outcome.NOT_MET)
    assert (result.dimension(D4).strong, result.dimension(D4).medium) == counts[:2]


def test_dimension_rule_quoted_cases() -> None:
    assert not is_positive((1, 0, 0))  # "one strong alone is not enough"
    assert not is_positive((0, 0, 9))  # "weak alone never is"
    assert not is_positive((0, 2, 0))  # "two medium alone are not"
    assert is_positive((0, 2, 1)) and is_positive((1, 0, 1)) and is_positive((0, 3, 0))


PATTERNS = list(itertools.product((False, True), repeat=6))


@pytest.mark.parametrize("rule", ["adult", "child"])
def test_combination_rule_truth_table(rule: str) -> None:
    catalogue = make_catalogue([(d, S) for d in Dimension for _ in range(2)], rule)
    met = 0
    for pattern in PATTERNS:
        positive = {d for d, on in zip(Dimension, pattern, strict=True) if on}
        answers = {
            i.id: Answer.PRESENT if i.dimension in positive else Answer.ABSENT
            for i in catalogue.indicators_of("test")
        }
        result = evaluate(catalogue, "test", answers)
        assert set(result.positive_dimensions) == positive
        expected = oracle_met(rule, positive)
        assert result.outcome is (Outcome.MET if expected else Outcome.NOT_MET), positive
        met += expected
    # adult: 7 recruitment patterns x D4 x 3 patterns of D5/D6; child: 7 x D4 x 4 (free).
    assert met == {"adult": 7 * 3, "child": 7 * 4}[rule]


@pytest.mark.parametrize("rule", ["adult", "child"])
def test_three_valued_truth_table(rule: str) -> None:
    """Each dimension positive, not positive or still open: the outcome is the exact
    three-valued combination."""
    catalogue = make_catalogue([(d, S) for d in Dimension for _ in range(2)], rule)
    for states in itertools.product(("yes", "no", "open"), repeat=6):
        answers = {}
        for d, state in zip(Dimension, states, strict=True):
            first, second = (i.id for i in catalogue.indicators_of("test") if i.dimension is d)
            answers[first] = Answer.ABSENT if state == "no" else Answer.PRESENT
            answers[second] = {"yes": Answer.PRESENT, "no": Answer.ABSENT}.get(state, "unknown")
        yes = {d for d, s in zip(Dimension, states, strict=True) if s == "yes"}
        maybe = yes | {d for d, s in zip(Dimension, states, strict=True) if s == "open"}
        expected = (
            Outcome.MET
            if oracle_met(rule, yes)
            else Outcome.COULD_BE_MET
            if oracle_met(rule, maybe)
            else Outcome.NOT_MET
        )
        result = evaluate(catalogue, "test", answers)
        assert result.outcome is expected, states
        for d, state in zip(Dimension, states, strict=True):
            status = {"yes": "positive", "no": "not_positive", "open": "could_become_positive"}
            assert result.dimension(d).status is DimensionStatus(status[state])


# --- brute force over small random catalogues ------------------------------------------------


@st.composite
def cases(draw: st.DrawFn, max_unknown: int = 8) -> tuple[str, Spec, list[Answer]]:
    rule = draw(st.sampled_from(["adult", "child"]))
    spec = draw(
        st.lists(
            st.tuples(st.sampled_from(list(Dimension)), st.sampled_from([S, M, W])),
            min_size=1,
            max_size=14,
        )
    )
    answers = draw(
        st.lists(
            st.sampled_from(list(Answer)),
            min_size=len(spec),
            max_size=len(spec),
        )
    )
    unknown = [i for i, a in enumerate(answers) if a is Answer.UNKNOWN]
    for i in unknown[max_unknown:]:
        answers[i] = Answer.ABSENT
    return rule, spec, answers


def run(rule: str, spec: Spec, answers: list[Answer]) -> tuple[Evaluation, list[int], list[int]]:
    catalogue = make_catalogue(spec, rule)
    keys = ids(catalogue)
    mapping = {k: a for k, a in zip(keys, answers, strict=True) if a is not Answer.UNKNOWN}
    result = evaluate(catalogue, "test", mapping)
    present = [i for i, a in enumerate(answers) if a is Answer.PRESENT]
    unknown = [i for i, a in enumerate(answers) if a is Answer.UNKNOWN]
    return result, present, unknown


def subsets(items: Sequence[int]) -> Iterable[tuple[int, ...]]:
    return itertools.chain.from_iterable(
        itertools.combinations(items, r) for r in range(len(items) + 1)
    )


@settings(max_examples=400, deadline=None)
@given(cases())
def test_outcome_is_exact_over_all_completions(case: tuple[str, Spec, list[Answer]]) -> None:
    rule, spec, answers = case
    result, present, unknown = run(rule, spec, answers)
    outcomes = {oracle_met_with(rule, spec, [*present, *extra]) for extra in subsets(unknown)}
    expected = (
        Outcome.COULD_BE_MET
        if outcomes == {True, False}
        else Outcome.MET
        if outcomes == {True}
        else Outcome.NOT_MET
    )
    assert result.outcome is expected


# Found by hypothesis: four unknown mediums in D4, so three remain when one is answered absent.
FOUR_UNKNOWN_MEDIUMS = (
    "adult",
    [(D1, S), (D1, S), (D4, M), (D4, M), (D4, M), (D4, M), (D5, S), (D5, S)],
    [Answer.PRESENT] * 2 + [Answer.UNKNOWN] * 4 + [Answer.PRESENT] * 2,
)


@settings(max_examples=400, deadline=None)
@given(cases())
@example(FOUR_UNKNOWN_MEDIUMS)
def test_next_questions_are_exactly_the_pivotal_unknowns(
    case: tuple[str, Spec, list[Answer]],
) -> None:
    """An unknown is a next question iff, for some answers to the other unknowns, present and
    absent for it give different outcomes. Steps and the two 'alone' flags are checked too."""
    rule, spec, answers = case
    result, present, unknown = run(rule, spec, answers)
    keys = [f"T-{d.value}-{n:02d}" for n, (d, _) in enumerate(spec)]
    expected: dict[str, tuple[int, bool, bool]] = {}
    for u in unknown:
        others = [v for v in unknown if v != u]
        steps = [
            len(extra) + 1
            for extra in subsets(others)
            if oracle_met_with(rule, spec, [*present, *extra, u])
            and not oracle_met_with(rule, spec, [*present, *extra])
        ]
        if steps:
            alone = oracle_met_with(rule, spec, [*present, u])
            rules_out = not oracle_met_with(rule, spec, [*present, *others])
            expected[keys[u]] = (min(steps), alone, rules_out)
    got = {
        q.indicator_id: (q.steps_to_met, q.completes_alone, q.rules_out_alone)
        for q in result.next_questions
    }
    assert got == expected
    assert bool(got) == (result.outcome is Outcome.COULD_BE_MET)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_questions_follow_the_documented_ranking(case: tuple[str, Spec, list[Answer]]) -> None:
    rule, spec, answers = case
    result, _, _ = run(rule, spec, answers)
    order = [i.id for i in make_catalogue(spec, rule).indicators_of("test")]
    keys = [
        (
            not (q.completes_alone or q.rules_out_alone),
            q.steps_to_met,
            not q.rules_out_alone,
            [S, M, W].index(q.strength),
            order.index(q.indicator_id),
        )
        for q in result.next_questions
    ]
    assert keys == sorted(keys)


# --- monotonicity ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(cases(max_unknown=14), st.data())
def test_monotone_in_each_answer(case: tuple[str, Spec, list[Answer]], data: st.DataObject) -> None:
    """Absent -> unknown -> present never lowers the outcome, nor any dimension's status."""
    rule, spec, answers = case
    i = data.draw(st.integers(0, len(spec) - 1))
    results = []
    for answer in (Answer.ABSENT, Answer.UNKNOWN, Answer.PRESENT):
        changed = list(answers)
        changed[i] = answer
        results.append(run(rule, spec, changed)[0])
    ranks = [RANK[r.outcome] for r in results]
    assert ranks == sorted(ranks)
    status_rank = {"not_positive": 0, "could_become_positive": 1, "positive": 2}
    for d in Dimension:
        levels = [status_rank[r.dimension(d).status.value] for r in results]
        assert levels == sorted(levels)


CATALOGUE = load_catalogue()


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(
        ["adults-labour", "children-labour", "adults-sexual", "criminal-exploitation-minors"]
    ),
    st.data(),
)
def test_monotone_on_the_real_sets(set_id: str, data: st.DataObject) -> None:
    keys = [i.id for i in CATALOGUE.indicators_of(set_id)]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(list(Answer))))
    target = data.draw(st.sampled_from(keys))
    outcomes = []
    for answer in (Answer.ABSENT, Answer.UNKNOWN, Answer.PRESENT):
        outcomes.append(evaluate(CATALOGUE, set_id, {**answers, target: answer}).outcome)
    ranks = [RANK[o] for o in outcomes]
    assert ranks == sorted(ranks)
    assert not (outcomes[0] is Outcome.MET and outcomes[2] is Outcome.NOT_MET)
