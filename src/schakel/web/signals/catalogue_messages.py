"""Upload errors of the indicator catalogue in the reader's language.

The engine reports what is wrong in English with a `kind` and parameters; editors read one
language per sentence. A kind the table knows becomes a whole sentence; any other problem gets a
sentence in the reader's language naming where it is, with the engine's own words set apart as
the technical detail (so a sentence never switches language halfway).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.engine.indicators import CatalogueError

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
LANGUAGE_NAMES = {"nl": gettext_lazy("in Dutch"), "en": gettext_lazy("in English")}


def catalogue_problem(error: CatalogueError) -> str:
    params = error.params
    field = str(FIELDS.get(params.get("field", ""), params.get("field", "")))
    if error.kind == "not_one_of":
        return _(
            "In %(where)s the %(field)s “%(value)s” does not exist. The file uses these codes: "
            "%(allowed)s."
        ) % {**params, "field": field}
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
