"""Evaluating against the shipped catalogue: bad input, signals, what a result carries."""

from __future__ import annotations

import pytest

from schakel.engine.indicators import (
    Answer,
    Dimension,
    InvalidAnswerError,
    NotEvaluableError,
    Outcome,
    UnknownIndicatorError,
    UnknownSetError,
    evaluate,
    load_catalogue,
)

CATALOGUE = load_catalogue()


def test_unknown_ids_are_all_named() -> None:
    with pytest.raises(UnknownIndicatorError) as error:
        evaluate(CATALOGUE, "adults-labour", {"AL-D9-01": "present", "ZZ": "absent"})
    assert error.value.items == ("AL-D9-01", "ZZ")
    assert "AL-D9-01, ZZ" in str(error.value)


def test_indicator_of_another_set_is_refused() -> None:
    with pytest.raises(UnknownIndicatorError, match=r"not in set 'adults-labour'.*CL-D1-01"):
        evaluate(CATALOGUE, "adults-labour", {"CL-D1-01": Answer.PRESENT})


def test_unknown_set() -> None:
    with pytest.raises(UnknownSetError, match=r"children-organ"):
        evaluate(CATALOGUE, "children-organ", {})


def test_bad_answer_value_is_named() -> None:
    with pytest.raises(InvalidAnswerError, match=r"AL-D1-01='yes'") as error:
        evaluate(CATALOGUE, "adults-labour", {"AL-D1-01": "yes", "AL-D1-02": "present"})
    assert error.value.items == ("AL-D1-01",)


def test_signal_list_is_not_evaluated_on_its_own() -> None:
    with pytest.raises(NotEvaluableError, match=r"adults-labour, adults-sexual"):
        evaluate(CATALOGUE, "nl-generic", {})
    with pytest.raises(NotEvaluableError, match=r"nl-school"):
        evaluate(CATALOGUE, "nl-school", {})


def test_present_signal_overrides_an_absent_indicator() -> None:
    result = evaluate(
        CATALOGUE, "adults-labour", {"AL-D4-01": "absent", "NLG-04": "present", "NLG-05": "absent"}
    )
    assert result.dimension(Dimension.D4).present == ("AL-D4-01",)
    assert [(e.signal_id, e.indicator_id) for e in result.evidence] == [("NLG-04", "AL-D4-01")]
    assert (
        "AL-D4-02" in result.dimension(Dimension.D4).unknown
    )  # an absent signal rules nothing out


def test_signals_of_another_population_are_only_noted() -> None:
    result = evaluate(CATALOGUE, "children-labour", {"NLG-04": "present", "NLSCH-01": "present"})
    assert result.observations == ("NLG-04", "NLSCH-01")
    assert result.dimension(Dimension.D4).present == ()


def test_result_carries_version_rule_and_provisional_flag() -> None:
    labour = evaluate(CATALOGUE, "adults-labour", {})
    sexual = evaluate(CATALOGUE, "children-sexual", {})
    assert (labour.catalogue_version, labour.rule, labour.provisional) == ("2026.1", "adult", False)
    assert (sexual.rule, sexual.provisional) == ("child", True)
    assert labour.outcome is Outcome.COULD_BE_MET and len(labour.next_questions) == 67


def test_met_has_no_questions_and_explains_itself() -> None:
    answers = {i: "present" for i in ("AL-D2-01", "AL-D2-02", "AL-D4-01", "AL-D4-02",
                                      "AL-D6-01", "AL-D6-02", "AL-D6-03")}  # fmt: skip
    result = evaluate(CATALOGUE, "adults-labour", answers)
    assert result.outcome is Outcome.MET and result.next_questions == ()
    assert result.positive_dimensions == (Dimension.D2, Dimension.D4, Dimension.D6)
    assert result.dimension(Dimension.D6).present == ("AL-D6-01", "AL-D6-02", "AL-D6-03")
    assert (result.dimension(Dimension.D2).strong, result.dimension(Dimension.D2).medium) == (1, 1)
