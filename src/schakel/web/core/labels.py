"""Translated labels for the engine's vocabulary codes.

The engine knows codes only; people read these labels. A test checks every code has one.
Event types are the exception: their names are part of their registry entry in the engine
(Dutch and English), and `event_type_label` picks the active language's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from schakel.engine import vocabulary as v
from schakel.engine.errors import SchakelError
from schakel.engine.indicators.loader import load_catalogue
from schakel.engine.indicators.model import Catalogue
from schakel.engine.trajectories import REGISTRY
from schakel.engine.trajectories.events import EventType


def _event_type_label(event_type: EventType) -> str:
    return REGISTRY[event_type].label.in_language(get_language())


event_type_label = lazy(_event_type_label, str)
"""An event type's name from its registry entry, in the language active when it is shown."""

LABELS: dict[type[StrEnum], dict[str, StrOrPromise]] = {
    v.ExploitationForm: {
        "sexual": _("Sexual exploitation"),
        "labour": _("Labour exploitation"),
        "criminal": _("Criminal exploitation"),
        "organ_removal": _("Forced organ removal"),
    },
    v.HtcdsExploitationType: {
        "forced_labour": _("Forced labour"),
        "sexual_exploitation": _("Sexual exploitation"),
        "child_labour": _("Child labour"),
        "forced_marriage": _("Forced marriage"),
        "servitude": _("Servitude"),
        "forced_military_service": _("Forced military service by non-state actors"),
        "organ_removal": _("Organ removal"),
        "forced_begging": _("Forced begging"),
        "forced_adoption": _("Forced adoption"),
        "surrogacy": _("Surrogacy"),
        "forced_criminality": _("Forced criminal activity"),
        "other": _("Other"),
    },
    v.SexExploitationType: {
        "prostitution": _("Prostitution"),
        "pornography": _("Pornography"),
        "remote_interactive": _("Remote interactive sexual services"),
        "private_sexual_services": _("Private sexual services"),
    },
    v.ControlMethod: {
        "physical_threats": _("Physical threats"),
        "threats_of_law_enforcement": _("Threats of law enforcement action"),
        "threats_against_family": _("Threats against children or family"),
        "debt_bondage": _("Debt bondage"),
        "false_promises": _("False promises"),
        "physical_abuse": _("Physical abuse"),
        "sexual_abuse": _("Sexual abuse"),
        "takes_earnings": _("Takes earnings"),
        "restricts_financial_access": _("Restricts financial access"),
        "restricts_medical_care": _("Restricts medical care"),
        "withholds_necessities": _("Withholds necessities"),
        "psychological_abuse": _("Psychological abuse"),
        "psychoactive_substances": _("Psychoactive substances"),
        "excessive_working_hours": _("Excessive working hours"),
        "withholds_documents": _("Withholds documents"),
        "other": _("Other"),
    },
    v.RecruitmentMethod: {
        "place_of_business": _("At a place of business"),
        "educational_institution": _("At an educational institution"),
        "at_work": _("At work"),
        "online_social_network": _("Online social network"),
        "online_advertisement": _("Online advertisement"),
        "tv_advert": _("TV advert"),
        "newspaper_advert": _("Newspaper advert"),
        "family_friends_social": _("Family, friends or social events"),
        "other": _("Other"),
    },
    v.TraffickerRelation: {
        "familial": _("Family"),
        "intimate_partner": _("Intimate partner"),
        "acquainted": _("Acquaintance"),
        "unacquainted": _("Stranger"),
    },
    v.ModusOperandi: {
        "loverboy": _("Loverboy or pimp method"),
        "debt_bondage": _("Debt bondage"),
        "fake_job_offer": _("Fake job offer"),
        "fake_marriage": _("Fake marriage"),
        "street_fine_debt": _("Street fine debt"),
        "document_retention": _("Retention of documents"),
        "housing_dependency": _("Housing dependency"),
        "other": _("Other"),
    },
    v.PlacementType: {
        "cosm": _("COSM (categorical shelter)"),
        "omm": _("OMM (shelter for multiple problems)"),
        "womens_shelter": _("Women's shelter"),
        "mens_shelter": _("Men's shelter"),
        "protected_shelter_minors": _("Protected shelter for minors"),
        "youth_care_facility": _("Youth care facility"),
        "own_home": _("Own home"),
        "other": _("Other"),
    },
    v.InterventionType: {
        "trauma_care": _("Trauma care"),
        "legal_aid": _("Legal aid"),
        "debt_support": _("Debt support"),
        "education": _("Education"),
        "work": _("Work"),
        "return_reintegration": _("Return with reintegration support"),
        "social_care": _("Social care"),
        "health_care": _("Health care"),
        "addiction_care": _("Addiction care"),
        "financial": _("Financial support"),
        "other": _("Other"),
    },
    v.VulnerabilityFactor: {
        "addiction": _("Addiction"),
        "debt": _("Debt"),
        "intellectual_disability": _("Intellectual disability"),
        "trauma": _("Trauma"),
        "homelessness": _("Homelessness"),
        "irregular_status": _("Irregular residence status"),
        "language_barrier": _("Language barrier"),
        "emotional_dependency": _("Emotional dependency"),
        "family_problems": _("Family problems"),
        "other": _("Other"),
    },
    v.ResidenceMilestone: {
        "reflection_start": _("Start of reflection period (bedenktijd)"),
        "reflection_end": _("End of reflection period"),
        "police_report": _("Police report (aangifte)"),
        "permit_decision": _("Residence permit decision"),
        "appeal": _("Appeal"),
        "continued_residence_application": _("Application for continued residence"),
        "continued_residence_decision": _("Decision on continued residence"),
    },
    v.TraffickingStatus: {
        "possible": _("Possible victim"),
        "actual": _("Victim, established"),
        "not_a_victim": _("Not a victim"),
    },
    v.CaseStatus: {
        "active": _("Active"),
        "follow_up": _("Follow-up"),
        "closed": _("Closed"),
        "closed_referred": _("Closed, referred"),
    },
    v.Stage: {
        "signalled": _("Signalled"),
        "consulting": _("Consulting"),
        "referred": _("Referred"),
        "in_care": _("In care"),
        "follow_up": _("Follow-up after exit"),
        "closed": _("Closed"),
    },
    v.ExitKind: {
        "stable": _("Stable exit"),
        "left_netherlands": _("Left the Netherlands"),
        "deceased": _("Deceased"),
        "other": _("Other"),
    },
    v.FollowUpOutcome: {
        "stable": _("Stable"),
        "concerns": _("Concerns"),
        "return_to_exploitation": _("Return to exploitation"),
        "lost_contact": _("Lost contact"),
    },
    v.ClosureReason: {
        "follow_up_completed": _("Follow-up completed"),
        "referred_elsewhere": _("Referred elsewhere"),
        "not_a_victim": _("Not a victim"),
        "no_consent": _("No consent"),
        "lost_contact": _("Lost contact"),
        "left_netherlands": _("Left the Netherlands"),
        "deceased": _("Deceased"),
        "other": _("Other"),
    },
    v.Sex: {
        "female": _("Female"),
        "male": _("Male"),
        "other": _("Other"),
        "unknown": _("Unknown"),
    },
    v.OrganisationType: {
        "municipality": _("Municipality"),
        "care_coordination": _("Care coordination"),
        "shelter": _("Shelter"),
        "youth_care": _("Youth care"),
        "social_support": _("Social support (Wmo)"),
        "health_care": _("Health care"),
        "education": _("Education"),
        "police": _("Police"),
        "labour_inspectorate": _("Labour Inspectorate"),
        "ngo": _("NGO"),
        "national_coordination_centre": _("National coordination centre"),
    },
    v.Role: {
        "frontline": _("Frontline professional"),
        "coordinator": _("Care coordinator"),
        "analyst": _("Analyst"),
        "supervisor": _("Supervisor"),
        "content_editor": _("Content editor"),
        "administrator": _("Administrator"),
        "data_steward": _("Data steward"),
    },
    v.Region: {
        "noord_nederland": "Noord-Nederland",
        "oost_nederland": "Oost-Nederland",
        "midden_nederland": "Midden-Nederland",
        "noord_holland": "Noord-Holland",
        "amsterdam": "Amsterdam",
        "den_haag": "Den Haag",
        "rotterdam": "Rotterdam",
        "zeeland_west_brabant": "Zeeland-West-Brabant",
        "oost_brabant": "Oost-Brabant",
        "limburg": "Limburg",
    },
    v.ReferralPurpose: {
        "services": _("Services"),
        "transfer": _("Transfer of the trajectory"),
        "consultation": _("Consultation"),
    },
    v.Fit: {
        "good": _("Good fit"),
        "partial": _("Partial fit"),
        "poor": _("Poor fit"),
    },
    v.ResidenceDecision: {
        "granted": _("Granted"),
        "refused": _("Refused"),
    },
    v.ReturnDetection: {
        "follow_up": _("Follow-up contact"),
        "linkage": _("Record linkage"),
        "report": _("Report"),
        "other": _("Other"),
    },
    EventType: {t.value: event_type_label(t) for t in EventType},
}


def label(enum: type[StrEnum], code: str) -> StrOrPromise:
    return LABELS[enum].get(code, code)


def choices(enum: type[StrEnum]) -> list[tuple[str, StrOrPromise]]:
    return [(member.value, LABELS[enum][member.value]) for member in enum]


FIELD_LABELS: dict[str, StrOrPromise] = {
    "addressed": _("Addressed"),
    "anonymous": _("Anonymous"),
    "assessment_id": _("Assessment"),
    "completed": _("Completed"),
    "consent_given": _("Consent given"),
    "consent_id": _("Consent"),
    "consulted_organisation_id": _("Consulted organisation"),
    "control_methods": _("Means of control"),
    "country": _("Country"),
    "decision": _("Decision"),
    "detected_by": _("Detected by"),
    "dublin": _("Dublin case"),
    "ended_on": _("Ended on"),
    "episode_id": _("Episode reference"),
    "exit_kind": _("Kind of exit"),
    "factor": _("Factor"),
    "fit": _("Fit"),
    "follow_up_months": _("Follow-up after (months)"),
    "form": _("Form of exploitation"),
    "htcds_type": _("Type of exploitation (HTCDS)"),
    "indicators": _("Indicators"),
    "intervention_id": _("Intervention reference"),
    "intervention_type": _("Type of intervention"),
    "milestone": _("Milestone"),
    "minor": _("Minor"),
    "modus_operandi": _("Modus operandi"),
    "municipality": _("Municipality"),
    "note": _("Note"),
    "obliged_reporter": _("Obliged to report"),
    "observed_by_role": _("Observed by (role)"),
    "outcome": _("Outcome"),
    "override_reason": _("Reason for override"),
    "placement_id": _("Placement reference"),
    "placement_type": _("Type of placement"),
    "provider": _("Provider"),
    "purpose": _("Purpose"),
    "reason": _("Reason"),
    "recruitment_methods": _("Method of recruitment"),
    "recruitment_platforms": _("Platforms or apps used"),
    "reference": _("Reference"),
    "referral_id": _("Referral reference"),
    "referred_to_organisation_id": _("Referred to organisation"),
    "sector_isic": _("Sector"),
    "sex_exploitation_type": _("Type of sexual exploitation"),
    "started_on": _("Started on"),
    "suspected_form": _("Suspected form"),
    "to_organisation_id": _("To organisation"),
    "topic": _("Topic"),
    "trafficker_relation": _("Relation to the trafficker"),
    "trafficking_status": _("Trafficking status"),
}

TASK_LABELS: dict[str, StrOrPromise] = {
    "follow_up": _("Follow-up contact due"),
    "reflection_period_ends": _("Reflection period ends"),
    "referral_answer": _("Referral awaits an answer"),
}

OBSERVER_ROLES: dict[str, StrOrPromise] = {
    # the signal check's kinds of frontline work (engine.indicators.perspective.RoleKind)
    "youth_care": _("Youth care worker"),
    "social_support": _("Social support consultant (Wmo)"),
    "health_care": _("Health care worker"),
    "education": _("Teacher or school staff"),
    "police": _("Police officer"),
    "labour_inspection": _("Labour inspector"),
    "municipal_enforcement": _("Municipal enforcement officer"),
    "other": _("Other professional"),
    # the synthetic region's signallers (engine.synth.care.SIGNALLER_ROLE)
    "youth_worker": _("Youth care worker"),
    "police_officer": _("Police officer"),
    "wmo_consultant": _("Social support consultant (Wmo)"),
    "municipal_contact_person": _("Municipal contact person"),
    "ngo_worker": _("NGO worker"),
    "shelter_worker": _("Shelter worker"),
    "labour_inspector": _("Labour inspector"),
}
"""Who observed a signal (the free `observed_by_role` of a signal event), by name."""

ISIC_SECTIONS: dict[str, StrOrPromise] = {
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity, gas, steam and air conditioning supply"),
    "E": _("Water supply, sewerage and waste management"),
    "F": _("Construction"),
    "G": _("Wholesale and retail trade; repair of motor vehicles"),
    "H": _("Transportation and storage"),
    "I": _("Accommodation and food service activities"),
    "J": _("Information and communication"),
    "K": _("Financial and insurance activities"),
    "L": _("Real estate activities"),
    "M": _("Professional, scientific and technical activities"),
    "N": _("Administrative and support service activities"),
    "O": _("Public administration and defence"),
    "P": _("Education"),
    "Q": _("Human health and social work activities"),
    "R": _("Arts, entertainment and recreation"),
    "S": _("Other service activities"),
    "T": _("Households as employers"),
    "U": _("Extraterritorial organisations and bodies"),
}
"""ISIC Rev. 4 sections (the Dutch SBI uses the same letters), by name."""


def country_name(code: str) -> str:
    """A country's name in the active language from its ISO 3166 code (the code if unknown)."""
    from django_countries import countries

    return str(countries.name(code.upper()) or code) if code else code


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue()


def indicator_label(indicator_id: str) -> str:
    """An indicator's question in the active language, from the bundled catalogue."""
    try:
        return _catalogue().indicator(indicator_id).label.in_language(get_language() or "nl")
    except (SchakelError, KeyError):
        return indicator_id


TEXT_VALUES: dict[str, Callable[[str], str]] = {
    "observed_by_role": lambda code: str(OBSERVER_ROLES.get(code, code)),
    "sector_isic": lambda code: str(ISIC_SECTIONS.get(code, code)),
    "country": country_name,
    "indicators": indicator_label,
}
"""Free-text payload fields that hold a code after all: how a person reads each value."""

AUDIT_OBJECTS: dict[str, StrOrPromise] = {
    "trajectory": _("Trajectory"),
    "trajectory_list": _("List of trajectories"),
    "person": _("Person"),
    "identity": _("Identity"),
    "consent": _("Consent"),
    "consent_override": _("Referral without consent"),
    "consultation": _("Consultation"),
    "signal_assessment": _("Signal check"),
    "return_candidate": _("Possible return"),
    "time_entry": _("Time registration"),
    "training": _("Training"),
    "training_record": _("Training record"),
    "service": _("Social map service"),
    "catalogue_version": _("Indicator catalogue"),
    "article": _("Article"),
    "handover": _("Handover"),
    "referral": _("Referral"),
    "event": _("Event"),
    "organisation": _("Organisation"),
    "user": _("User"),
    "membership": _("Membership"),
    "audit_trail": _("Audit trail"),
    "catalogue_draft": _("Catalogue draft"),
    "consultation_list": _("List of consultations"),
    "erasure_request": _("Erasure request"),
}
"""What an audit entry is about, by name (object types the apps write)."""

AUDIT_PURPOSES: dict[str, StrOrPromise] = {
    "view trajectory": _("view trajectory"),
    "list trajectories": _("list trajectories"),
    "list trajectories (API)": _("list trajectories (API)"),
    "open trajectory": _("open trajectory"),
    "withdraw consent": _("withdraw consent"),
    "register time": _("register time"),
    "review a possible return": _("review a possible return"),
    "register a completed training": _("register a completed training"),
    "add a training": _("add a training"),
    "change the validity period": _("change the validity period"),
    "update the social map": _("update the social map"),
    "add to the social map": _("add to the social map"),
    "referral after a signal check": _("referral after a signal check"),
    "follow referrals after signal checks": _("follow referrals after signal checks"),
    "answer anonymous consultation": _("answer anonymous consultation"),
    "anonymous consultation after a signal check": _("anonymous consultation after a signal check"),
    "disclosure": _("disclosure"),
    "services": _("services"),
    "national_registration": _("registration with the national centre"),
    "manage people and organisations": _("manage people and organisations"),
    "export audit lines": _("export audit lines"),
    "API read": _("API read"),
    "close anonymous consultation": _("close anonymous consultation"),
    "erasure requested": _("erasure requested"),
    "erasure: retention period passed": _("erasure: retention period passed"),
    "own reference for a referral": _("own reference for a referral"),
    "password change": _("password change"),
    "password reset": _("password reset"),
    "release identity reveals": _("release identity reveals"),
    "reply in anonymous consultation": _("reply in anonymous consultation"),
    "search key changed: search tokens rebuilt": _("search key changed: search tokens rebuilt"),
    "second factor": _("second factor"),
    "second factor reset": _("second factor reset"),
    "second factor set up": _("second factor set up"),
    "sign-in": _("sign-in"),
    "sign-out": _("sign-out"),
    "start a linkage run": _("start a linkage run"),
    "submit an article for approval": _("submit an article for approval"),
    "approve and publish an article": _("approve and publish an article"),
    "send an article back to its editor": _("send an article back to its editor"),
    "start a catalogue draft": _("start a catalogue draft"),
    "edit a catalogue draft": _("edit a catalogue draft"),
    "submit a catalogue draft for approval": _("submit a catalogue draft for approval"),
    "approve and publish a catalogue draft": _("approve and publish a catalogue draft"),
    "send a catalogue draft back": _("send a catalogue draft back"),
    "view coordinator dashboard": _("view coordinator dashboard"),
    "view referral inbox": _("view referral inbox"),
    "view referral inbox (API)": _("view referral inbox (API)"),
    "view tasks (API)": _("view tasks (API)"),
    "answer referral": _("answer referral"),
    "view consents": _("view consents"),
    "view consents (API)": _("view consents (API)"),
    "refer": _("refer"),
    "prepare national report": _("prepare national report"),
    "prepare an event": _("prepare an event"),
    "mark an event as entered in error": _("mark an event as entered in error"),
    "request erasure": _("request erasure"),
    "decide on erasure": _("decide on erasure"),
    "review possible returns": _("review possible returns"),
    "view consultation inbox": _("view consultation inbox"),
    "view own consultations": _("view own consultations"),
    "read consultation": _("read consultation"),
    "read audit trail": _("read audit trail"),
    "set own reference for a referral": _("set own reference for a referral"),
    "reveal limit reached": _("reveal limit reached"),
    "sign-in with the organisation's identity provider": _(
        "sign-in with the organisation's identity provider"
    ),
    "audit trail pruned: retention period passed": _("audit trail pruned: retention period passed"),
}
"""Purposes the apps write into the audit trail themselves; a purpose a person typed stays."""


def audit_purpose(purpose: str) -> str:
    """The purpose of an audit entry in the active language (what a person typed, as typed)."""
    if purpose in AUDIT_PURPOSES:
        return str(AUDIT_PURPOSES[purpose])
    if purpose.startswith("record consent for "):
        return _("record consent for %(purpose)s") % {
            "purpose": audit_purpose(purpose.removeprefix("record consent for "))
        }
    if purpose.startswith("record "):
        code = purpose.removeprefix("record ")
        if code in LABELS[EventType]:
            return _("record: %(event)s") % {"event": LABELS[EventType][code]}
    if purpose.startswith("publish indicator catalogue "):
        return _("publish indicator catalogue %(version)s") % {
            "version": purpose.removeprefix("publish indicator catalogue ")
        }
    return purpose


QUALITY_ISSUES: dict[str, StrOrPromise] = {
    "superseded": _("Replaced by a correction or withdrawn as entered in error"),
    "entered_in_error": _("Marks that withdraw another event as entered in error"),
    "dangling_correction": _("Correction of an event that is not in the trajectory (kept)"),
    "after_as_of": _("Happened after the date of the figures"),
    "exit_without_start": _("Exit before any intake or period of exploitation"),
    "repeat_exit": _("Second exit without a new start (the first one counts)"),
    "return_without_exit": _("Return to exploitation while in care (not an outcome)"),
}
"""The event log's data-quality issues (engine.trajectories.episode_quality), by name."""
