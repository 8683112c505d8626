"""Translated labels for the codes of the signal check (the engine knows codes only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schakel.engine.indicators import Answer, DimensionStatus, Outcome
from schakel.engine.indicators.perspective import ContactKind, Priority, RoleKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROLE_KINDS: dict[str, StrOrPromise] = {
    RoleKind.YOUTH_CARE: _("Youth care"),
    RoleKind.SOCIAL_SUPPORT: _("Social support (Wmo) or neighbourhood team"),
    RoleKind.HEALTH_CARE: _("GP or health care"),
    RoleKind.EDUCATION: _("Teacher or education"),
    RoleKind.POLICE: _("Police or Royal Military Police (KMar)"),
    RoleKind.LABOUR_INSPECTION: _("Labour inspector"),
    RoleKind.MUNICIPAL_ENFORCEMENT: _("Municipal enforcement"),
    RoleKind.OTHER: _("Other"),
}

OUTCOMES: dict[str, StrOrPromise] = {
    Outcome.MET: _("The indicators of human trafficking are met"),
    Outcome.COULD_BE_MET: _("The indicators of human trafficking could still be met"),
    Outcome.NOT_MET: _("The indicators of human trafficking are not met"),
}

DIMENSION_STATUSES: dict[str, StrOrPromise] = {
    DimensionStatus.POSITIVE: _("Positive"),
    DimensionStatus.OPEN: _("Could become positive"),
    DimensionStatus.NOT_POSITIVE: _("Not positive"),
}

PRIORITIES: dict[str, StrOrPromise] = {
    Priority.IMMEDIATE: _("At once, if someone is in danger"),
    Priority.NOW: _("Now"),
    Priority.NEXT: pgettext_lazy("priority of an action", "Next"),
    Priority.IF_NEEDED: _("If it applies"),
}

ANSWERS: dict[str, StrOrPromise] = {
    Answer.PRESENT: _("Yes, I see this"),
    Answer.ABSENT: _("No"),
    Answer.UNKNOWN: _("I don't know"),
}

CONTACTS: dict[str, StrOrPromise] = {
    ContactKind.EMERGENCY: _("Emergency number"),
    ContactKind.POLICE: _("Police"),
    ContactKind.VEILIG_THUIS: "Veilig Thuis",
    ContactKind.CARE_COORDINATOR: _("Care coordinator for human trafficking"),
    ContactKind.NATIONAL_CENTRE: _("National coordination centre"),
    ContactKind.LABOUR_INSPECTORATE: _("Labour Inspectorate"),
    ContactKind.COLLEAGUE: _("A colleague or your designated person"),
}

RULES: dict[str, StrOrPromise] = {
    "adult": _(
        "For adults the indicators are met when three things are positive: recruitment "
        "(deceptive, coercive or by abuse of vulnerability), exploitative conditions, and "
        "coercion or abuse of vulnerability at the destination."
    ),
    "child": _(
        "For minors no means of coercion are needed: the indicators are met when recruitment "
        "(deceptive, coercive or by abuse of vulnerability) and exploitative conditions are "
        "positive."
    ),
}

DIMENSION_RULE = _(
    "A part counts as positive when the signs present in it include two strong ones, one strong "
    "and one other, three of medium weight, or two of medium weight and one weak one."
)

STRENGTHS: dict[str, StrOrPromise] = {
    "strong": _("Strong"),
    "medium": _("Medium"),
    "weak": _("Weak"),
}

VERIFICATIONS: dict[str, StrOrPromise] = {
    "verified": _("Checked against the source"),
    "secondary": _("From a secondary compilation"),
    "gap": _("Not found in the source"),
}

SET_KINDS: dict[str, StrOrPromise] = {
    "indicator-set": _("Indicator set"),
    "signal-list": _("Signal list"),
}
