"""The reader's words for a problem the engine found, chosen by the problem's code.

The engine speaks English and knows no gettext (`schakel.engine.problems`); pages and the API
show these messages instead. Pydantic's built-in error types are listed too, since our forms and
API calls can produce them. An unknown code gets a general translated message, never the raw
English, so a new engine check cannot put English on a Dutch page; a test keeps every engine code
in this table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.engine.problems import Code, Problem
from schakel.web.core.labels import FIELD_LABELS
from schakel.web.core.numbers import grouped

FALLBACK = _("This value is not valid.")

ENGINE: Mapping[Code, Promise] = {
    Code.INVALID_BSN: _("Not a valid BSN: nine digits that pass the eleven test."),
    Code.PARTIAL_DATE: _("Use YYYY, YYYY-MM or YYYY-MM-DD."),
    Code.NAME_REQUIRED: _("Give at least a name or an alias."),
    Code.UNKNOWN_EVENT_TYPE: _("Unknown event type; use one of %(known)s."),
    Code.PAYLOAD_NOT_OBJECT: _("The payload must be an object."),
    Code.SUPERSEDES_REQUIRED: _("Name the event entered in error."),
    Code.REPORT_NEEDS_CONSENT: _("A report needs consent unless the reporter must report."),
    Code.DECISION_REQUIRED: _("This milestone needs a decision."),
    Code.DECISION_NOT_APPLICABLE: _("This milestone takes no decision."),
    Code.ENDED_BEFORE_STARTED: _("The end date lies before the start date."),
    Code.SEX_TYPE_NOT_SEXUAL: _("A type of sexual exploitation only fits sexual exploitation."),
    Code.FOLLOW_UP_MONTHS_RANGE: _("Follow-up months must lie between 1 and 120."),
    Code.FOLLOW_UP_MONTHS_ORDER: _("Follow-up months must increase, without repeats."),
    Code.REFERENCE_USED: _("This reference is already used in the trajectory."),
    Code.NO_START: _("Nothing in the trajectory started with this reference."),
    Code.ALREADY_ENDED: _("This one has already ended."),
    Code.END_BEFORE_START: _("The end lies before the start."),
    Code.REFERRAL_NOT_SENT: _("No referral with this reference was sent."),
    Code.REFERRAL_ANSWERED: _("This referral was already answered."),
    Code.ANSWER_BEFORE_REFERRAL: _("The answer lies before the referral was sent."),
    Code.FOLLOW_UP_NEEDS_EXIT: _("A follow-up contact needs an exit before it."),
    Code.ALREADY_EXITED: _("The trajectory was already exited; record a return first."),
    Code.IMPOSSIBLE_DATE: _("This date does not exist. Check the day and the month."),
    Code.FUTURE_DATE: _("This date lies in the future. Enter a date up to today."),
    Code.REFLECTION_NOT_STARTED: _(
        "No reflection period started before this date. Record the start of the reflection "
        "period first."
    ),
    Code.BEFORE_REFLECTION: _(
        "This date lies before the start of the reflection period. Check the date."
    ),
    Code.PERMIT_NEEDS_REPORT: _(
        "A permit decision needs a police report (aangifte) before it. Record the report first."
    ),
    Code.NEEDS_PERMIT_DECISION: _(
        "This milestone needs a permit decision before it. Record the decision first."
    ),
    Code.NEEDS_CONTINUED_APPLICATION: _(
        "A decision on continued residence needs an application before it. Record the "
        "application first."
    ),
    Code.REFLECTION_AFTER_DECISION: _(
        "A permit decision or the end of the reflection period is already recorded before this "
        "date. A reflection period starts before them."
    ),
}

PYDANTIC: Mapping[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not allowed here."),
    "string_type": _("Enter text."),
    "string_too_short": _("Enter at least %(min_length)s character(s)."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": _("This does not have the expected form."),
    "enum": _("Choose one of %(expected)s."),
    "literal_error": _("Choose one of %(expected)s."),
    "bool_type": _("Enter yes or no."),
    "bool_parsing": _("Enter yes or no."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_type": _("Enter a number."),
    "float_parsing": _("Enter a number."),
    "date_type": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a date without a time."),
    "datetime_type": _("Enter a valid date and time."),
    "datetime_parsing": _("Enter a valid date and time."),
    "datetime_from_date_parsing": _("Enter a valid date and time."),
    "greater_than": _("Enter a value greater than %(gt)s."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "less_than": _("Enter a value less than %(lt)s."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
    "list_type": _("Enter a list."),
    "dict_type": _("Enter an object."),
    "model_type": _("Enter an object."),
    "model_attributes_type": _("Enter an object."),
    "too_short": _("Give at least %(min_length)s item(s)."),
    "too_long": _("Give at most %(max_length)s items."),
    "json_invalid": _("This is not valid JSON."),
}

MESSAGES: Mapping[str, Promise] = {**{c.value: m for c, m in ENGINE.items()}, **PYDANTIC}


REQUEST_INVALID = _("The request is not valid: see the message for each field.")

PATTERN_HINTS: Mapping[str, Promise] = {
    "country": _("Use the two-letter country code, such as NL or RO."),
    "nationality": _("Use the two-letter country code, such as NL or RO."),
    "sector_isic": _("Use one letter from A to U (the ISIC section)."),
    "bsn": _("Enter nine digits."),
}
"""What a field with a fixed form expects, instead of the regular expression pydantic names."""


def field_name(path: str) -> str:
    """The field a dotted path ends in: `payload.recruitment_platforms.2` -> the platforms."""
    parts = [part for part in path.split(".") if part and not part.isdigit()]
    return parts[-1] if parts else path


def message_for(problem: Problem) -> str:
    """The problem in the active language; the general message when the code is unknown."""
    if problem.code == "string_pattern_mismatch" and field_name(problem.field) in PATTERN_HINTS:
        return str(PATTERN_HINTS[field_name(problem.field)])
    template = MESSAGES.get(problem.code)
    if template is None:
        return str(FALLBACK)
    try:
        return str(template) % _params(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(FALLBACK)


def field_messages(problems: Iterable[Problem]) -> list[tuple[str, str]]:
    """(field, message in the active language) for each problem."""
    return [(p.field, message_for(p)) for p in problems]


def sentence_for(problem: Problem) -> str:
    """The message as a sentence that names the field, for lists away from the field itself
    (an API answer, a message at the top of a page): "Soort plaatsing: dit veld is verplicht."."""
    message = message_for(problem)
    label = FIELD_LABELS.get(field_name(problem.field))
    if label is None:
        return message
    return f"{label}: {message[:1].lower()}{message[1:]}"


def named_field_messages(problems: Iterable[Problem]) -> list[tuple[str, str]]:
    """(field, sentence naming the field, in the active language) for each problem."""
    return [(p.field, sentence_for(p)) for p in problems]


COUNTS = frozenset({"max_length", "min_length"})
"""Parameters that are counts of characters: grouped ("49.500"); a bound such as a year is not."""


def _params(params: Mapping[str, Any]) -> dict[str, str]:
    return {
        key: grouped(value) if key in COUNTS and isinstance(value, int) else str(value)
        for key, value in params.items()
    }
