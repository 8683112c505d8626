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
    public_url: str = ""  # the social map page anyone may open
    email: str = ""

    @property
    def reachable(self) -> bool:
        return bool(self.phone or self.email or self.url)


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


@dataclass(frozen=True)
class SituationContacts:
    """Whom to contact in one situation, decided once for every block of a page.

    `lines` is the contacts list; `by_kind` is what each contact kind the advice names stands
    for (the same line, so a step and the list never disagree); `coordinator` is the care
    coordination that consultations and referrals go to, with the way to reach it."""

    lines: list[ContactLine]
    by_kind: dict[str, ContactLine]
    coordinator: ContactLine | None

    def for_kind(self, kind: ContactKind) -> ContactLine | None:
        return self.by_kind.get(kind.value)


def situation_contacts(
    *, region: Region | None, form: ExploitationForm | None, minor: bool
) -> SituationContacts:
    """The one decision of whom to contact for a region and situation.

    The care coordinator is the care-coordination organisation that consultations go to
    (`care_coordination_for`), reached through the social map's care-coordinator entry of its
    region; the social map's other entries follow; the national lines stand in without a region.
    A contact without a phone, e-mail or page of its own is reached through the coordinator."""
    contacts_for = _public_function("schakel.web.socialmap.service", "contacts_for")
    if region is not None and contacts_for is not None:
        found = contacts_for(region=region.value, form=form.value if form else None, minor=minor)
        lines = [_line(contact) for contact in found]
    else:
        lines = national_lines()
    organisation = care_coordination_for(region.value if region else None)
    listed = next((c for c in lines if c.kind == ContactKind.CARE_COORDINATOR), None)
    coordinator: ContactLine | None = None
    if organisation is not None:
        coordinator = _coordinator_line(organisation, listed)
    elif listed is not None:
        coordinator = listed
    lines = [c for c in lines if c.kind != ContactKind.CARE_COORDINATOR]
    if coordinator is not None:
        lines.insert(_first_regional(lines), coordinator)
    by_kind: dict[str, ContactLine] = {}
    for line in lines:
        by_kind.setdefault(line.kind, line)
    national = _national_centre(coordinator)
    if national is not None:
        by_kind.setdefault(ContactKind.NATIONAL_CENTRE.value, national)
    return SituationContacts(lines=lines, by_kind=by_kind, coordinator=coordinator)


def _first_regional(lines: list[ContactLine]) -> int:
    return next((i for i, line in enumerate(lines) if not line.national), len(lines))


def _coordinator_line(organisation: Organisation, listed: ContactLine | None) -> ContactLine:
    """The organisation in Schakel, with the social map entry's ways to reach it."""
    if listed is None:
        return ContactLine(organisation.name, ContactKind.CARE_COORDINATOR.value)
    return ContactLine(
        organisation.name,
        ContactKind.CARE_COORDINATOR.value,
        phone=listed.phone,
        note=listed.note,
        url=listed.url,
        available_24_7=listed.available_24_7,
        public_url=listed.public_url,
        email=listed.email,
    )


def _national_centre(coordinator: ContactLine | None) -> ContactLine | None:
    """The national coordination centre; without a number of its own in Schakel, professionals
    reach it through the care coordinator, who registers presumed victims there."""
    centre = (
        Organisation.objects.filter(
            is_active=True, type=OrganisationType.NATIONAL_COORDINATION_CENTRE
        )
        .order_by("name", "pk")
        .first()
    )
    name = centre.name if centre is not None else _("National coordination centre")
    if coordinator is None or not coordinator.reachable:
        return None
    note = _("Reach it through %(coordinator)s.") % {"coordinator": coordinator.name}
    return ContactLine(
        name, ContactKind.NATIONAL_CENTRE.value, coordinator.phone, note, national=True
    )


def regional_contacts(
    *, region: Region | None, form: ExploitationForm | None, minor: bool
) -> list[ContactLine]:
    """The contacts list of `situation_contacts`."""
    return situation_contacts(region=region, form=form, minor=minor).lines


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
        public_url=str(getattr(contact, "public_url", "")),
        email=str(getattr(contact, "email", "")),
    )


def articles(
    *,
    role: RoleKind,
    form: ExploitationForm | None,
    minor: bool,
    language: str,
    public: bool,
    limit: int = 5,
) -> list[Any]:
    """Knowledge-base articles for this role and situation, most specific first; with
    `public` (a visitor without an account) only those anyone may open, at their public page."""
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
            public=public,
        )
    )
