"""What a catalogue draft changes against the version in force, indicator by indicator."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from schakel.engine.indicators import Catalogue, Indicator
from schakel.web.signals.labels import STRENGTHS

FIELDS = (
    ("label.nl", _("Wording (Dutch)")),
    ("label.en", _("Wording (English)")),
    ("explanation.nl", _("Explanation (Dutch)")),
    ("explanation.en", _("Explanation (English)")),
    ("strength", _("Strength")),
)


@dataclass(frozen=True)
class Difference:
    set_label: str
    indicator_id: str
    indicator_label: str
    field: str
    before: str
    after: str


def _value(indicator: Indicator | None, path: str) -> str:
    if indicator is None:
        return ""
    if path == "strength":
        return str(STRENGTHS[indicator.strength.value]) if indicator.strength else ""
    name, language = path.split(".")
    return str(getattr(getattr(indicator, name), language))


def differences(in_force: Catalogue, draft: Catalogue, language: str) -> list[Difference]:
    """Every field the draft changes; indicators only in the draft show an empty "before"."""
    found = []
    for indicator_set in draft.sets:
        for indicator in indicator_set.indicators:
            old = in_force.indicator(indicator.id) if in_force.has_indicator(indicator.id) else None
            for path, label in FIELDS:
                before, after = _value(old, path), _value(indicator, path)
                if before != after:
                    found.append(
                        Difference(
                            set_label=indicator_set.label.in_language(language),
                            indicator_id=indicator.id,
                            indicator_label=indicator.label.in_language(language),
                            field=str(label),
                            before=before,
                            after=after,
                        )
                    )
    return found
