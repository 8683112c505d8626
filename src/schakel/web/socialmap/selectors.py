"""Reads of the social map that are not QuerySet methods: who to contact for a situation.

`contacts_for` is this app's public face: the signal check's action perspective asks it for a
region's services (through `socialmap.service`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.engine.vocabulary import ExploitationForm, OrganisationType, Region
from schakel.web.core.labels import choices
from schakel.web.socialmap.models import Service, ServiceKind


@dataclass(frozen=True)
class Contact:
    """Someone to call, in the reader's language; national numbers have no page of their own."""

    name: str
    kind: str
    phone: str
    note: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    opening_hours: str = ""
    available_24_7: bool = False
    contact_person: str = ""
    national: bool = False
    url: str = ""
    public_url: str = ""  # the page anyone may open, when the entry is public


EMERGENCY = "112"
POLICE = "0900-8844"
VEILIG_THUIS = "0800-2000"

KIND_ORDER = (
    "care_coordinator",
    "municipal_contact",
    "veilig_thuis",
    "police",
    "labour_inspectorate",
    "shelter",
    "residential_facility",
    "specialised_care",
    "legal_aid",
    "other",
)


def national_contacts(*, minor: bool | None) -> list[Contact]:
    """The public national numbers (from the meldcode channels), always reachable."""
    contacts = [
        Contact(
            name=_("Emergency number"),
            kind="emergency",
            phone=EMERGENCY,
            note=_("When someone is in acute danger."),
            available_24_7=True,
            national=True,
        ),
        Contact(
            name=_("Police"),
            kind="police",
            phone=POLICE,
            note=_("To report trafficking or consult the police when there is no acute danger."),
            available_24_7=True,
            national=True,
        ),
    ]
    if minor is not False:
        contacts.append(
            Contact(
                name="Veilig Thuis",
                kind="veilig_thuis",
                phone=VEILIG_THUIS,
                note=_(
                    "Advice and reports on domestic violence and child abuse, including the "
                    "sexual and criminal exploitation of minors."
                ),
                available_24_7=True,
                national=True,
            )
        )
    return contacts


def contact_of(service: Service) -> Contact:
    return Contact(
        name=service.name,
        kind=service.kind,
        phone=service.phone,
        note=service.description,
        email=service.email,
        website=service.website,
        address=service.address,
        opening_hours=service.opening_hours,
        available_24_7=service.available_24_7,
        contact_person=service.contact_person_name,
        url=reverse("socialmap-detail", args=[service.pk]),
        public_url=reverse("socialmap-public-detail", args=[service.pk])
        if service.is_public
        else "",
    )


def contacts_for(*, region: str, form: str | None, minor: bool | None) -> list[Contact]:
    """Who to contact in `region` for a situation: national 24/7 numbers first, then the
    region's active services that take on the form and age group, care coordination first.

    `form` is an ExploitationForm code or None (unknown); `minor` is None when the age is
    unknown. A regional service with the same number as a national one is not repeated.
    """
    if region not in {r.value for r in Region}:
        raise ValueError(f"Unknown region {region!r}.")
    if form is not None and form not in {f.value for f in ExploitationForm}:
        raise ValueError(f"Unknown form of exploitation {form!r}.")
    contacts = national_contacts(minor=minor)
    listed = {c.phone for c in contacts}
    services = [
        s
        for s in Service.objects.active().in_region(region)
        if s.takes_on(form=form, minor=minor) and s.phone not in listed
    ]
    services.sort(key=lambda s: (KIND_ORDER.index(s.kind), not s.available_24_7, s.name.lower()))
    return contacts + [contact_of(s) for s in services]


PLACEMENT_KINDS = frozenset({ServiceKind.SHELTER, ServiceKind.RESIDENTIAL_FACILITY})
PLACEMENT_ORGANISATIONS = frozenset({OrganisationType.SHELTER, OrganisationType.YOUTH_CARE})
"""Who can take a person in: shelters and residential facilities on the map, and any service of
a shelter or youth-care organisation. The police or a legal-aid office is no placement."""


def provider_choices(
    actor: Any, *, placement: bool = False, search: str = ""
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The services a placement (only those that take people in) or an intervention can be
    with, grouped by kind, those of the actor's own region first, names holding `search`;
    the value is the name the trajectory records."""
    home = getattr(getattr(actor, "organisation", None), "region", "")
    regions = dict(choices(Region))
    groups: dict[str, list[tuple[str, str]]] = {}
    services = Service.objects.visible_to(actor).filter(is_active=True)
    if placement:
        services = services.filter(
            Q(kind__in=PLACEMENT_KINDS) | Q(organisation__type__in=PLACEMENT_ORGANISATIONS)
        )
    if search:
        services = services.filter(name__icontains=search)
    rows = sorted(
        services.values_list("name", "kind", "region"),
        key=lambda row: (row[2] != home, row[0].casefold()),
    )
    for name, kind, region in rows:
        groups.setdefault(kind, []).append((name, f"{name} ({regions.get(region, region)})"))
    labels = dict(ServiceKind.choices)
    order = [k for k in KIND_ORDER if k in groups] + sorted(set(groups) - set(KIND_ORDER))
    return [(str(labels.get(kind, kind)), groups[kind]) for kind in order]
