"""Upload errors of the indicator catalogue in the reader's language.

The engine reports what is wrong in English with a `kind` and parameters; editors read one
language per sentence. A kind the table knows becomes a whole sentence; any other problem gets a
sentence in the reader's language naming where it is, with the engine's own words set apart as
the technical detail (so a sentence never switches language halfway).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.engine.indicators import CatalogueError
from schakel.engine.vocabulary import ExploitationForm
from schakel.web.core.labels import LABELS
from schakel.web.signals.labels import SET_KINDS, STRENGTHS, VERIFICATIONS

FIELDS = {
    "strength": gettext_lazy("strength"),
    "dimension": gettext_lazy("dimension"),
    "kind": gettext_lazy("kind of set"),
    "population": gettext_lazy("population"),
    "form": gettext_lazy("form of exploitation"),
    "verification": gettext_lazy("verification"),
    "phase": gettext_lazy("phase"),
    "expected_counts dimension": gettext_lazy("dimension in expected_counts"),
    "label": gettext_lazy("label"),
    "explanation": gettext_lazy("explanation"),
    "name": gettext_lazy("name"),
}
CHOICES: dict[str, Mapping[str, str | Promise]] = {
    "strength": STRENGTHS,
    "verification": VERIFICATIONS,
    "kind": SET_KINDS,
    "form": LABELS[ExploitationForm],
    "population": {"adults": gettext_lazy("Adults"), "children": gettext_lazy("Minors")},
}
"""The words of the codes a bundle uses, where the reader's language has other words."""
LANGUAGE_NAMES = {"nl": gettext_lazy("in Dutch"), "en": gettext_lazy("in English")}


def catalogue_problem(error: CatalogueError) -> str:
    params = error.params
    field = str(FIELDS.get(params.get("field", ""), params.get("field", "")))
    if error.kind == "not_one_of":
        return _("In %(where)s the %(field)s “%(value)s” does not exist. Choose %(choices)s.") % {
            **params,
            "field": field,
            "choices": _choices(params.get("field", ""), params.get("allowed", "")),
        }
    if error.kind == "missing_choice":
        return _("In %(where)s the %(field)s is missing. Choose %(choices)s.") % {
            **params,
            "field": field,
            "choices": _choices(params.get("field", ""), params.get("allowed", "")),
        }
    if error.kind == "missing_text":
        language = str(LANGUAGE_NAMES.get(params.get("language", ""), params.get("language", "")))
        return _("In %(where)s the %(field)s has no text %(language)s.") % {
            **params,
            "field": field,
            "language": language,
        }
    return _("The catalogue file is not right. Technical detail (in English): %(detail)s") % {
        "detail": str(error)
    }


def _choices(field: str, allowed: str) -> str:
    """The allowed values in the reader's words, each with the code the file needs after it
    when the words differ: "sterk (strong), middel (medium) of zwak (weak)"."""
    words = CHOICES.get(field, {})
    named = []
    for code in allowed.split(", "):
        word = str(words.get(code, code))
        word = word[:1].lower() + word[1:]
        named.append(word if word.lower() == code.lower() else f"{word} ({code})")
    if len(named) < 2:
        return "".join(named)
    return _("%(items)s or %(last)s") % {"items": ", ".join(named[:-1]), "last": named[-1]}
