"""Fictional services for the demo's social map.

Every name says it is fictional, numbers start with 000 (no Dutch number does), addresses and
websites use example.org. The care coordinator carries the name of the demo's care-coordination
organisation of its region (an invented place), so one organisation has one name everywhere.
Only the public national lines are real: police 0900-8844 and
Veilig Thuis 0800-2000 (see docs/knowledge.md).
"""

from __future__ import annotations

from schakel.engine.synth.organisations import INVENTED_PLACES, REGIONAL_TYPES
from schakel.engine.vocabulary import OrganisationType, Region
from schakel.web.socialmap.actions import ServiceData
from schakel.web.socialmap.selectors import POLICE, VEILIG_THUIS

PLACES = {
    Region.NOORD_NEDERLAND: "Noord-Nederland",
    Region.OOST_NEDERLAND: "Oost-Nederland",
    Region.MIDDEN_NEDERLAND: "Midden-Nederland",
    Region.NOORD_HOLLAND: "Noord-Holland",
    Region.AMSTERDAM: "Amsterdam",
    Region.DEN_HAAG: "Den Haag",
    Region.ROTTERDAM: "Rotterdam",
    Region.ZEELAND_WEST_BRABANT: "Zeeland-West-Brabant",
    Region.OOST_BRABANT: "Oost-Brabant",
    Region.LIMBURG: "Limburg",
}
OFFICE_HOURS = "ma-vr 9.00-17.00"


def care_coordination_name(region: Region) -> str:
    """The name the demo gives the region's care-coordination organisation."""
    care = OrganisationType.CARE_COORDINATION
    pattern = next(p for kind, _key, p in REGIONAL_TYPES if kind is care)
    return pattern.format(place=INVENTED_PLACES[region][0])


def _phone(region_number: int, line: int) -> str:
    return f"000-{region_number:03d} {line:04d}"


def synthetic_services(region: str) -> list[ServiceData]:
    code = Region(region)
    place = PLACES[code]
    n = list(Region).index(code) + 1
    web = f"https://example.org/{code.value.replace('_', '-')}"
    mail = code.value.replace("_", "-")

    def service(kind: str, name: str, line: int, **extra: object) -> ServiceData:
        full = str(extra.pop("full_name", "")) or f"{name} {place} (fictief)"
        values: dict[str, object] = {
            "phone": _phone(n, line),
            "email": f"{kind.replace('_', '-')}.{mail}@example.org",
            "website": f"{web}/{kind.replace('_', '-')}",
            "address": f"Voorbeeldstraat {line}, {place} (fictief)",
            "opening_hours": OFFICE_HOURS,
            "is_public": True,
        }
        values.update(extra)
        return ServiceData(name=full, kind=kind, region=code.value, **values)  # type: ignore[arg-type]

    return [
        service(
            "care_coordinator",
            "Zorgcoördinatie Mensenhandel",
            1,
            full_name=care_coordination_name(code),
            description="Eerste aanspreekpunt voor (vermoedelijke) slachtoffers in de regio.",
            contact_person_name="K. Voorbeeld (fictief)",
            tags=["zorgcoördinatie"],
        ),
        service(
            "municipal_contact",
            "Aandachtsfunctionaris mensenhandel gemeente",
            2,
            description="Vangt signalen op en kent de lokale routes.",
            contact_person_name="M. Testpersoon (fictief)",
        ),
        service(
            "veilig_thuis",
            "Veilig Thuis",
            3,
            phone=VEILIG_THUIS,
            available_24_7=True,
            opening_hours="24/7",
            target_groups=["minor"],
            forms=["sexual", "criminal"],
            description="Advies en meldingen over huiselijk geweld en kindermishandeling.",
        ),
        service(
            "police",
            "Politie, team mensenhandel",
            4,
            phone=POLICE,
            available_24_7=True,
            opening_hours="24/7",
            description="Aangifte, bedenktijd en opsporing.",
        ),
        service(
            "labour_inspectorate",
            "Arbeidsinspectie, regioteam",
            5,
            forms=["labour"],
            description="Toezicht op arbeidsomstandigheden; signalen van arbeidsuitbuiting.",
        ),
        service(
            "shelter",
            "Opvang De Schuilplaats",
            6,
            target_groups=["adult"],
            available_24_7=True,
            opening_hours="24/7 via de zorgcoördinator",
            description="Opvang voor volwassen slachtoffers.",
        ),
        service(
            "residential_facility",
            "Jeugdzorginstelling De Haven",
            7,
            target_groups=["minor"],
            contact_person_name="J. de Vries (fictief)",
            contact_person_phone=_phone(n, 17),
            description="Residentiële jeugdzorg met een vast aanspreekpunt mensenhandel.",
        ),
        service(
            "specialised_care",
            "Traumazorg Centrum",
            8,
            description="Gespecialiseerde traumabehandeling.",
        ),
        service(
            "legal_aid",
            "Rechtshulp Mensenhandel",
            9,
            target_groups=["adult"],
            description="Juridisch advies over verblijf (B8/3), aangifte en schadevergoeding.",
        ),
    ]
