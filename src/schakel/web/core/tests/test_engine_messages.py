"""The engine's problems are shown in the reader's language, chosen by code, never raw English."""

from __future__ import annotations

from django.utils import translation

from schakel.engine.problems import Code, Problem, problem
from schakel.web.core.engine_messages import ENGINE, MESSAGES, field_messages, message_for


def test_every_engine_code_has_a_translation_in_both_languages() -> None:
    assert set(ENGINE) == set(Code)
    for code, message in MESSAGES.items():
        with translation.override("en"):
            english = str(message)
        with translation.override("nl"):
            dutch = str(message)
        assert dutch != english, f"{code} has no Dutch translation"


def test_parameters_fill_the_translated_message() -> None:
    too_long = Problem(
        "reason",
        "string_too_long",
        "String should have at most 200 characters",
        {"max_length": 200},
    )
    with translation.override("nl"):
        assert message_for(too_long) == "Vul ten hoogste 200 tekens in."
    with translation.override("en"):
        assert message_for(too_long) == "Enter at most 200 characters."
        unknown = problem("event_type", Code.UNKNOWN_EVENT_TYPE, known="intake, exit")
        assert message_for(unknown) == "Unknown event type; use one of intake, exit."


def test_an_unknown_code_or_missing_parameter_gets_the_general_message_not_english() -> None:
    strange = Problem("x", "some_new_pydantic_type", "Input should be strange", {})
    lacking = Problem("x", "string_too_long", "String should have at most 3 characters", {})
    with translation.override("nl"):
        assert field_messages([strange, lacking]) == [
            ("x", "Deze waarde is niet geldig."),
            ("x", "Deze waarde is niet geldig."),
        ]
