"""Who to contact in a region, which coordinator a consultation goes to, what to read.

The social map (`socialmap.service.contacts_for`) knows the region's services; the knowledge
base (`knowledge.service.articles_for`) the articles. Both are other apps' public functions,
imported when used. Without a social map, the region's care-coordination organisations stand in.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from schakel.engine.indicators.perspective import PHONE_NUMBERS, ContactKind, RoleKind
from schakel.engine.vocabulary import ExploitationForm, OrganisationType, Region
from schakel.web.organisations.models import Organisation

PROFESSION_BY_ROLE_KIND: dict[RoleKind, str] = {
    RoleKind.YOUTH_CARE: "youth_care_worker",
    RoleKind.SOCIAL_SUPPORT: "social_support_consultant",
    RoleKind.HEALTH_CARE: "general_practitioner",
    RoleKind.EDUCATION: "teacher",
    RoleKind.POLICE: "police_officer",
    RoleKind.LABOUR_INSPECTION: "labour_inspector",
    RoleKind.MUNICIPAL_ENFORCEMENT: "municipal_enforcement",
    RoleKind.OTHER: "frontline",
}
"""Role kinds of the check as the knowledge base's role tags (knowledge.tags.Profession)."""


@dataclass(frozen=True)
class ContactLine:
    name: str
    kind: str
    phone: str = ""
    note: str = ""
    url: str = ""
    available_24_7: bool = False
    national: bool = False


def care_coordination_for(region: str | None) -> Organisation | None:
    """The region's care-coordination organisation; where there is none, the national
    coordination centre, which then coordinates remotely."""
    active = Organisation.objects.filter(is_active=True)
    if region:
        regional = active.filter(type=OrganisationType.CARE_COORDINATION, region=region)
        found = regional.order_by("name", "pk").first()
        if found is not None:
            return found
    national = active.filter(type=OrganisationType.NATIONAL_COORDINATION_CENTRE)
    return national.order_by("name", "pk").first()


def national_lines() -> list[ContactLine]:
    names = {
        ContactKind.EMERGENCY: _("Emergency number"),
        ContactKind.POLICE: _("Police"),
        ContactKind.VEILIG_THUIS: "Veilig Thuis",
    }
    return [
        ContactLine(names[kind], kind.value, phone, available_24_7=True, national=True)
        for kind, phone in PHONE_NUMBERS.items()
    ]


def regional_contacts(
    *, region: Region | None, form: ExploitationForm | None, minor: bool
) -> list[ContactLine]:
    """The social map's contacts for the region (else the national numbers), and the region's
    care-coordination organisation when the social map lists no care coordinator."""
    contacts_for = _public_function("schakel.web.socialmap.service", "contacts_for")
    if region is not None and contacts_for is not None:
        found = contacts_for(region=region.value, form=form.value if form else None, minor=minor)
        lines = [_line(contact) for contact in found]
    else:
        lines = national_lines()
    if not any(line.kind == ContactKind.CARE_COORDINATOR for line in lines):
        coordination = care_coordination_for(region.value if region else None)
        if coordination is not None:
            lines.append(ContactLine(coordination.name, ContactKind.CARE_COORDINATOR.value))
    return lines


def _public_function(module: str, name: str) -> Any:
    """Another app's public function, or None only while that app's module does not exist."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name == module:
            return None
        raise
    return getattr(found, name)


def _line(contact: Any) -> ContactLine:
    return ContactLine(
        name=str(contact.name),
        kind=str(contact.kind),
        phone=str(getattr(contact, "phone", "")),
        note=str(getattr(contact, "note", "")),
        url=str(getattr(contact, "url", "")),
        available_24_7=bool(getattr(contact, "available_24_7", False)),
        national=bool(getattr(contact, "national", False)),
    )


def articles(
    *, role: RoleKind, form: ExploitationForm | None, minor: bool, language: str, limit: int = 5
) -> list[Any]:
    """Knowledge-base articles for this role and situation, most specific first."""
    articles_for = _public_function("schakel.web.knowledge.service", "articles_for")
    if articles_for is None:
        return []
    return list(
        articles_for(
            role=PROFESSION_BY_ROLE_KIND[role],
            form=form.value if form else None,
            minor=minor,
            topic=None,
            language=language,
            limit=limit,
        )
    )
