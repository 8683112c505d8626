"""What an article can be tagged with: form of exploitation, role, target group and topic.

Roles are the system's roles (a coordinator, a supervisor) and, beside them, the frontline
professions whose powers differ (a GP, a teacher, a labour inspector). A profession is a kind
of frontline work, so an article for frontline professionals is also shown to each profession.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import ExploitationForm, OrganisationType, Role
from schakel.web.core.labels import choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TagKind(models.TextChoices):
    FORM = "form", _("Form of exploitation")
    ROLE = "role", _("Role")
    TARGET_GROUP = "target_group", _("Target group")
    TOPIC = "topic", _("Topic")


class Profession(models.TextChoices):
    YOUTH_CARE_WORKER = "youth_care_worker", _("Youth care worker")
    SOCIAL_SUPPORT_CONSULTANT = "social_support_consultant", _("Social support (Wmo) consultant")
    GENERAL_PRACTITIONER = "general_practitioner", _("General practitioner")
    TEACHER = "teacher", _("Teacher")
    POLICE_OFFICER = "police_officer", _("Police officer")
    LABOUR_INSPECTOR = "labour_inspector", _("Labour inspector")
    MUNICIPAL_ENFORCEMENT = "municipal_enforcement", _("Municipal enforcement officer")
    RESIDENTIAL_CARE_WORKER = "residential_care_worker", _("Staff of a residential facility")


class TargetGroup(models.TextChoices):
    MINOR = "minor", _("Minors")
    ADULT = "adult", _("Adults")


class Topic(models.TextChoices):
    FORMS_OF_EXPLOITATION = "forms_of_exploitation", _("Forms of exploitation")
    SIGNALS = "signals", _("Signals")
    POWERS_AND_DUTIES = "powers_and_duties", _("Powers and duties")
    MELDCODE = "meldcode", _("Meldcode and assessment framework")
    REFLECTION_PERIOD = "reflection_period", _("Reflection period (bedenktijd)")
    AFTER_DISCLOSURE = "after_disclosure", _("After a disclosure")
    REFERRAL = "referral", _("Referral and cooperation")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment")
    PREVENTION = "prevention", _("Prevention")
    ENFORCEMENT = "enforcement", _("Municipal enforcement")
    CARE_COORDINATION = "care_coordination", _("Care coordination")


def form_choices() -> list[tuple[str, StrOrPromise]]:
    return choices(ExploitationForm)


def role_choices() -> list[tuple[str, StrOrPromise]]:
    return [*choices(Role), *Profession.choices]


TAG_CHOICES: dict[str, list[tuple[str, StrOrPromise]]] = {
    TagKind.FORM: form_choices(),
    TagKind.ROLE: role_choices(),
    TagKind.TARGET_GROUP: list(TargetGroup.choices),
    TagKind.TOPIC: list(Topic.choices),
}

ROLE_CODES = frozenset(value for value, _label in role_choices())

PROFESSION_BY_ORGANISATION_TYPE: dict[str, str] = {
    OrganisationType.YOUTH_CARE: Profession.YOUTH_CARE_WORKER,
    OrganisationType.SOCIAL_SUPPORT: Profession.SOCIAL_SUPPORT_CONSULTANT,
    OrganisationType.HEALTH_CARE: Profession.GENERAL_PRACTITIONER,
    OrganisationType.EDUCATION: Profession.TEACHER,
    OrganisationType.POLICE: Profession.POLICE_OFFICER,
    OrganisationType.LABOUR_INSPECTORATE: Profession.LABOUR_INSPECTOR,
    OrganisationType.MUNICIPALITY: Profession.MUNICIPAL_ENFORCEMENT,
    OrganisationType.SHELTER: Profession.RESIDENTIAL_CARE_WORKER,
}


def roles_covering(role: str) -> tuple[str, ...]:
    """The role tags that apply to someone in `role`: a profession is also frontline work."""
    if role in Profession.values:
        return (role, Role.FRONTLINE.value)
    return (role,)


def audience_of(*, role: str, organisation_type: str) -> str:
    """The most specific role code for a member: their profession when they work frontline."""
    if role == Role.FRONTLINE:
        return PROFESSION_BY_ORGANISATION_TYPE.get(organisation_type, role)
    return role


def tag_label(kind: str, value: str) -> StrOrPromise:
    return dict(TAG_CHOICES.get(kind, [])).get(value, value)
