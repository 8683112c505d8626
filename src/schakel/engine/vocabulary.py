"""Controlled vocabularies, aligned with IOM's HTCDS 2.0 and Dutch practice.

Codes are stable English identifiers stored in the database and in exports; the web layer
gives each code a translated label. Dutch legal terms keep their Dutch name (see
docs/glossary.md).
"""

from __future__ import annotations

from enum import StrEnum


class ExploitationForm(StrEnum):
    """The four forms Dutch practice distinguishes under art. 273f Sr."""

    SEXUAL = "sexual"
    LABOUR = "labour"
    CRIMINAL = "criminal"
    ORGAN_REMOVAL = "organ_removal"


class HtcdsExploitationType(StrEnum):
    FORCED_LABOUR = "forced_labour"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    CHILD_LABOUR = "child_labour"
    FORCED_MARRIAGE = "forced_marriage"
    SERVITUDE = "servitude"
    FORCED_MILITARY_SERVICE = "forced_military_service"
    ORGAN_REMOVAL = "organ_removal"
    FORCED_BEGGING = "forced_begging"
    FORCED_ADOPTION = "forced_adoption"
    SURROGACY = "surrogacy"
    FORCED_CRIMINALITY = "forced_criminality"
    OTHER = "other"


class SexExploitationType(StrEnum):
    PROSTITUTION = "prostitution"
    PORNOGRAPHY = "pornography"
    REMOTE_INTERACTIVE = "remote_interactive"
    PRIVATE_SEXUAL_SERVICES = "private_sexual_services"


class ControlMethod(StrEnum):
    PHYSICAL_THREATS = "physical_threats"
    THREATS_OF_LAW_ENFORCEMENT = "threats_of_law_enforcement"
    THREATS_AGAINST_FAMILY = "threats_against_family"
    DEBT_BONDAGE = "debt_bondage"
    FALSE_PROMISES = "false_promises"
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    TAKES_EARNINGS = "takes_earnings"
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access"
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care"
    WITHHOLDS_NECESSITIES = "withholds_necessities"
    PSYCHOLOGICAL_ABUSE = "psychological_abuse"
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances"
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours"
    WITHHOLDS_DOCUMENTS = "withholds_documents"
    OTHER = "other"


class RecruitmentMethod(StrEnum):
    PLACE_OF_BUSINESS = "place_of_business"
    EDUCATIONAL_INSTITUTION = "educational_institution"
    AT_WORK = "at_work"
    ONLINE_SOCIAL_NETWORK = "online_social_network"
    ONLINE_ADVERTISEMENT = "online_advertisement"
    TV_ADVERT = "tv_advert"
    NEWSPAPER_ADVERT = "newspaper_advert"
    FAMILY_FRIENDS_SOCIAL = "family_friends_social"
    OTHER = "other"


class TraffickerRelation(StrEnum):
    FAMILIAL = "familial"
    INTIMATE_PARTNER = "intimate_partner"
    ACQUAINTED = "acquainted"
    UNACQUAINTED = "unacquainted"


class ModusOperandi(StrEnum):
    """Dutch modus operandi names, recorded beside the HTCDS fields."""

    LOVERBOY = "loverboy"
    DEBT_BONDAGE = "debt_bondage"
    FAKE_JOB_OFFER = "fake_job_offer"
    FAKE_MARRIAGE = "fake_marriage"
    STREET_FINE_DEBT = "street_fine_debt"
    DOCUMENT_RETENTION = "document_retention"
    HOUSING_DEPENDENCY = "housing_dependency"
    OTHER = "other"


class PlacementType(StrEnum):
    COSM = "cosm"
    OMM = "omm"
    WOMENS_SHELTER = "womens_shelter"
    MENS_SHELTER = "mens_shelter"
    PROTECTED_SHELTER_MINORS = "protected_shelter_minors"
    YOUTH_CARE_FACILITY = "youth_care_facility"
    OWN_HOME = "own_home"
    OTHER = "other"


class InterventionType(StrEnum):
    TRAUMA_CARE = "trauma_care"
    LEGAL_AID = "legal_aid"
    DEBT_SUPPORT = "debt_support"
    EDUCATION = "education"
    WORK = "work"
    RETURN_REINTEGRATION = "return_reintegration"
    SOCIAL_CARE = "social_care"
    HEALTH_CARE = "health_care"
    ADDICTION_CARE = "addiction_care"
    FINANCIAL = "financial"
    OTHER = "other"


class VulnerabilityFactor(StrEnum):
    ADDICTION = "addiction"
    DEBT = "debt"
    INTELLECTUAL_DISABILITY = "intellectual_disability"
    TRAUMA = "trauma"
    HOMELESSNESS = "homelessness"
    IRREGULAR_STATUS = "irregular_status"
    LANGUAGE_BARRIER = "language_barrier"
    EMOTIONAL_DEPENDENCY = "emotional_dependency"
    FAMILY_PROBLEMS = "family_problems"
    OTHER = "other"


class ResidenceMilestone(StrEnum):
    REFLECTION_START = "reflection_start"
    REFLECTION_END = "reflection_end"
    POLICE_REPORT = "police_report"
    PERMIT_DECISION = "permit_decision"
    APPEAL = "appeal"
    CONTINUED_RESIDENCE_APPLICATION = "continued_residence_application"
    CONTINUED_RESIDENCE_DECISION = "continued_residence_decision"


class TraffickingStatus(StrEnum):
    POSSIBLE = "possible"
    ACTUAL = "actual"
    NOT_A_VICTIM = "not_a_victim"


class CaseStatus(StrEnum):
    """HTCDS case status."""

    ACTIVE = "active"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    CLOSED_REFERRED = "closed_referred"


class Stage(StrEnum):
    """Where a trajectory is, derived from its events."""

    SIGNALLED = "signalled"
    CONSULTING = "consulting"
    REFERRED = "referred"
    IN_CARE = "in_care"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class ExitKind(StrEnum):
    STABLE = "stable"
    LEFT_NETHERLANDS = "left_netherlands"
    DECEASED = "deceased"
    OTHER = "other"


class FollowUpOutcome(StrEnum):
    STABLE = "stable"
    CONCERNS = "concerns"
    RETURN_TO_EXPLOITATION = "return_to_exploitation"
    LOST_CONTACT = "lost_contact"


class ClosureReason(StrEnum):
    FOLLOW_UP_COMPLETED = "follow_up_completed"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    NOT_A_VICTIM = "not_a_victim"
    NO_CONSENT = "no_consent"
    LOST_CONTACT = "lost_contact"
    LEFT_NETHERLANDS = "left_netherlands"
    DECEASED = "deceased"
    OTHER = "other"


class ReferralPurpose(StrEnum):
    SERVICES = "services"
    TRANSFER = "transfer"
    CONSULTATION = "consultation"


class ReferralStatus(StrEnum):
    """Where a referral stands, derived from its events."""

    IN_PROGRESS = "in_progress"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVOKED = "revoked"


class Fit(StrEnum):
    """How well a placement or intervention suited the person, judged when it ends."""

    GOOD = "good"
    PARTIAL = "partial"
    POOR = "poor"


class ResidenceDecision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ReturnDetection(StrEnum):
    """How a return to exploitation came to light."""

    FOLLOW_UP = "follow_up"
    LINKAGE = "linkage"
    REPORT = "report"
    OTHER = "other"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class OrganisationType(StrEnum):
    MUNICIPALITY = "municipality"
    CARE_COORDINATION = "care_coordination"
    SHELTER = "shelter"
    YOUTH_CARE = "youth_care"
    SOCIAL_SUPPORT = "social_support"
    HEALTH_CARE = "health_care"
    EDUCATION = "education"
    POLICE = "police"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    NGO = "ngo"
    NATIONAL_COORDINATION_CENTRE = "national_coordination_centre"


class Role(StrEnum):
    FRONTLINE = "frontline"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    CONTENT_EDITOR = "content_editor"
    ADMINISTRATOR = "administrator"
    DATA_STEWARD = "data_steward"


class Region(StrEnum):
    """The ten Dutch police regions, which the regional care coordination follows."""

    NOORD_NEDERLAND = "noord_nederland"
    OOST_NEDERLAND = "oost_nederland"
    MIDDEN_NEDERLAND = "midden_nederland"
    NOORD_HOLLAND = "noord_holland"
    AMSTERDAM = "amsterdam"
    DEN_HAAG = "den_haag"
    ROTTERDAM = "rotterdam"
    ZEELAND_WEST_BRABANT = "zeeland_west_brabant"
    OOST_BRABANT = "oost_brabant"
    LIMBURG = "limburg"


HTCDS_TYPE_TO_FORM: dict[HtcdsExploitationType, ExploitationForm] = {
    HtcdsExploitationType.SEXUAL_EXPLOITATION: ExploitationForm.SEXUAL,
    HtcdsExploitationType.FORCED_LABOUR: ExploitationForm.LABOUR,
    HtcdsExploitationType.CHILD_LABOUR: ExploitationForm.LABOUR,
    HtcdsExploitationType.SERVITUDE: ExploitationForm.LABOUR,
    HtcdsExploitationType.FORCED_MILITARY_SERVICE: ExploitationForm.LABOUR,
    HtcdsExploitationType.FORCED_BEGGING: ExploitationForm.CRIMINAL,
    HtcdsExploitationType.FORCED_CRIMINALITY: ExploitationForm.CRIMINAL,
    HtcdsExploitationType.ORGAN_REMOVAL: ExploitationForm.ORGAN_REMOVAL,
}
"""Where an HTCDS type maps onto one Dutch form; forced marriage, adoption and surrogacy are
recorded as such and need the coordinator's choice of form."""
