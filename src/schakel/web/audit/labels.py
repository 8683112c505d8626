"""Dutch and English names for what the audit trail stores as codes and English purposes."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

OBJECT_LABELS = {
    "person": _("person"),
    "identity": _("identity"),
    "trajectory": _("trajectory"),
    "trajectory_list": _("list of trajectories"),
    "consent": _("consent"),
    "consent_override": _("referral without consent"),
    "time_entry": _("time registration"),
    "consultation": _("consultation"),
    "signal_assessment": _("signal check"),
    "catalogue_version": _("indicator catalogue"),
    "return_candidate": _("possible return"),
    "service": _("social map service"),
    "training": _("training"),
    "training_record": _("training record"),
    "organisation": _("organisation"),
    "user": _("user"),
    "membership": _("membership"),
    "audit_trail": _("audit trail"),
    "consultation_list": _("list of consultations"),
    "erasure_request": _("erasure request"),
}

KNOWN_PURPOSES = (
    gettext_noop("view trajectory"),
    gettext_noop("manage people and organisations"),
    gettext_noop("export audit lines"),
    gettext_noop("review a possible return"),
    gettext_noop("add a training"),
    gettext_noop("change the validity period"),
    gettext_noop("register a completed training"),
    gettext_noop("referral after a signal check"),
    gettext_noop("disclosure"),
    gettext_noop("anonymous consultation after a signal check"),
    gettext_noop("answer anonymous consultation"),
    gettext_noop("follow referrals after signal checks"),
    gettext_noop("view coordinator dashboard"),
    gettext_noop("view referral inbox"),
    gettext_noop("view referral inbox (API)"),
    gettext_noop("view tasks (API)"),
    gettext_noop("answer referral"),
    gettext_noop("view consents"),
    gettext_noop("view consents (API)"),
    gettext_noop("refer"),
    gettext_noop("prepare national report"),
    gettext_noop("prepare an event"),
    gettext_noop("mark an event as entered in error"),
    gettext_noop("request erasure"),
    gettext_noop("decide on erasure"),
    gettext_noop("review possible returns"),
    gettext_noop("view consultation inbox"),
    gettext_noop("view own consultations"),
    gettext_noop("read consultation"),
    gettext_noop("read audit trail"),
    gettext_noop("set own reference for a referral"),
)
"""Purposes the code states (in English); what a person typed is shown as typed."""


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type.replace("_", " ")))


def purpose_label(purpose: str) -> str:
    return gettext(purpose) if purpose in KNOWN_PURPOSES else purpose
