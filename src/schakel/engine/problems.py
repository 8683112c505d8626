"""Problems with input, each named by a stable code so a reader's language can be chosen later.

The engine knows no gettext. A problem carries the field it concerns, a code, the parameters the
message needs and an English text for logs and the command line; the web layer picks a
translated message by code (`schakel.web.core.engine_messages`). Pydantic's own error types
(`missing`, `string_too_long` ...) travel the same way: their `type` is the code and their `ctx`
the parameters. The engine's own codes are all declared here, so a test can check that every one
has a translation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError


class Code(StrEnum):
    """The engine's own problem codes (pydantic's built-in types come on top)."""

    INVALID_BSN = "invalid_bsn"
    PARTIAL_DATE = "partial_date"
    NAME_REQUIRED = "name_required"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    PAYLOAD_NOT_OBJECT = "payload_not_object"
    SUPERSEDES_REQUIRED = "supersedes_required"
    REPORT_NEEDS_CONSENT = "report_needs_consent"
    DECISION_REQUIRED = "decision_required"
    DECISION_NOT_APPLICABLE = "decision_not_applicable"
    ENDED_BEFORE_STARTED = "ended_before_started"
    SEX_TYPE_NOT_SEXUAL = "sex_type_not_sexual"
    FOLLOW_UP_MONTHS_RANGE = "follow_up_months_range"
    FOLLOW_UP_MONTHS_ORDER = "follow_up_months_order"
    REFERENCE_USED = "reference_used"
    NO_START = "no_start"
    ALREADY_ENDED = "already_ended"
    END_BEFORE_START = "end_before_start"
    REFERRAL_NOT_SENT = "referral_not_sent"
    REFERRAL_ANSWERED = "referral_answered"
    ANSWER_BEFORE_REFERRAL = "answer_before_referral"
    FOLLOW_UP_NEEDS_EXIT = "follow_up_needs_exit"
    ALREADY_EXITED = "already_exited"
    IMPOSSIBLE_DATE = "impossible_date"
    FUTURE_DATE = "future_date"
    REFLECTION_NOT_STARTED = "reflection_not_started"
    BEFORE_REFLECTION = "before_reflection"
    PERMIT_NEEDS_REPORT = "permit_needs_report"
    NEEDS_PERMIT_DECISION = "needs_permit_decision"
    NEEDS_CONTINUED_APPLICATION = "needs_continued_application"
    REFLECTION_AFTER_DECISION = "reflection_after_decision"


ENGLISH: Mapping[Code, str] = {
    Code.INVALID_BSN: "not a valid BSN (nine digits passing the eleven test)",
    Code.PARTIAL_DATE: "use YYYY, YYYY-MM or YYYY-MM-DD",
    Code.NAME_REQUIRED: "give at least a name or an alias",
    Code.UNKNOWN_EVENT_TYPE: "unknown event type; use one of {known}",
    Code.PAYLOAD_NOT_OBJECT: "must be an object",
    Code.SUPERSEDES_REQUIRED: "name the event entered in error",
    Code.REPORT_NEEDS_CONSENT: "a report needs consent unless the reporter is obliged to report",
    Code.DECISION_REQUIRED: "decision is required for {milestone}",
    Code.DECISION_NOT_APPLICABLE: "decision does not apply to {milestone}",
    Code.ENDED_BEFORE_STARTED: "ended_on lies before started_on",
    Code.SEX_TYPE_NOT_SEXUAL: "sex_exploitation_type only applies to sexual exploitation",
    Code.FOLLOW_UP_MONTHS_RANGE: "follow_up_months must lie between 1 and 120",
    Code.FOLLOW_UP_MONTHS_ORDER: "follow_up_months must be increasing and without repeats",
    Code.REFERENCE_USED: "this reference is already used in the trajectory",
    Code.NO_START: "no {start} with this reference in the trajectory",
    Code.ALREADY_ENDED: "this one has already ended",
    Code.END_BEFORE_START: "the end lies before the start",
    Code.REFERRAL_NOT_SENT: "no referral with this reference was sent",
    Code.REFERRAL_ANSWERED: "this referral was already answered",
    Code.ANSWER_BEFORE_REFERRAL: "the answer lies before the referral was sent",
    Code.FOLLOW_UP_NEEDS_EXIT: "a follow-up contact needs an exit before it",
    Code.ALREADY_EXITED: "the trajectory was already exited; record a return first",
    Code.IMPOSSIBLE_DATE: "this date does not exist",
    Code.FUTURE_DATE: "this date lies in the future",
    Code.REFLECTION_NOT_STARTED: "no reflection period started before this date",
    Code.BEFORE_REFLECTION: "this lies before the start of the reflection period",
    Code.PERMIT_NEEDS_REPORT: "a permit decision needs a police report (aangifte) before it",
    Code.NEEDS_PERMIT_DECISION: "this needs a permit decision before it",
    Code.NEEDS_CONTINUED_APPLICATION: "a continued residence decision needs an application first",
    Code.REFLECTION_AFTER_DECISION: "a decision or the end of the reflection period lies before it",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, which kind (`code`), and the words in English."""

    field: str
    code: str
    message: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def pair(self) -> tuple[str, str]:
        """The (field, English message) form the errors had before they had codes."""
        return (self.field, self.message)


def problem(field_name: str, code: Code, **params: Any) -> Problem:
    """A problem the engine finds itself, its English text filled from `ENGLISH`."""
    return Problem(field_name, code.value, ENGLISH[code].format(**params), params)


def custom_error(code: Code, **params: Any) -> PydanticCustomError:
    """Raise this in a pydantic validator: the error's `type` becomes the code."""
    return PydanticCustomError(code.value, ENGLISH[code], params)


def from_validation(error: ValidationError, default_field: str) -> list[Problem]:
    """Pydantic's errors as problems; an error on the whole model gets `default_field`."""
    return from_error_items(error.errors(include_url=False), default_field)


def from_error_items(
    items: Iterable[Mapping[str, Any]], default_field: str, *, skip: int = 0
) -> list[Problem]:
    """Pydantic-style error items as problems, the first `skip` parts of each location left
    out (Django Ninja prefixes where the value came from, such as "body")."""
    return [
        Problem(
            ".".join(str(part) for part in item["loc"][skip:]) or default_field,
            item["type"],
            item["msg"],
            dict(item.get("ctx") or {}),
        )
        for item in items
    ]
