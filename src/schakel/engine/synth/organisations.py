"""The organisations and professionals of a synthetic region.

Every police region gets the same set of regional organisations, named after an invented
town, so nobody mistakes them for a real service. National organisations come last.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from schakel.engine.synth.names import NAMES
from schakel.engine.vocabulary import OrganisationType as T
from schakel.engine.vocabulary import Region, Role

INVENTED_PLACES: dict[Region, tuple[str, ...]] = {
    Region.NOORD_NEDERLAND: ("Wolderveen", "Marsumerhorne", "Drieslagen", "Oldeberkum"),
    Region.OOST_NEDERLAND: ("Berkelwaarde", "Hengelveld", "Dinkelhoven", "Twentebroek"),
    Region.MIDDEN_NEDERLAND: ("Vechtwijck", "Kromhoven", "Eemlanden", "Lekkerzijl"),
    Region.NOORD_HOLLAND: ("Zaanwerf", "Duinlanden", "Kennemerveld", "Westerkoog"),
    Region.AMSTERDAM: ("Amstelwaarde", "Gaasperhoven", "Diemerhorst", "Waterkant-Oost"),
    Region.DEN_HAAG: ("Hofstede aan Zee", "Duinwijck", "Vlietzoom", "Westlandhoeve"),
    Region.ROTTERDAM: ("Maasdelta", "Rottemeer", "Schiehaven", "Lingewaard-West"),
    Region.ZEELAND_WEST_BRABANT: ("Scheldemonde", "Markwaarde", "Zoomerdijk", "Vlietkapelle"),
    Region.OOST_BRABANT: ("Dommelrode", "Aaveld", "Peelhoven", "Maaskantsveld"),
    Region.LIMBURG: ("Geuldal", "Maaskempen", "Roerhoven", "Mergelrade"),
}
"""Invented municipality names; the first one is the region's centre municipality."""

REGIONAL_TYPES: tuple[tuple[T, str, str], ...] = (
    (T.CARE_COORDINATION, "care-coordination", "Zorgcoördinatie Mensenhandel {place}"),
    (T.MUNICIPALITY, "municipality", "Gemeente {place}"),
    (T.SHELTER, "shelter", "Stichting Opvang De Lindeboom {place}"),
    (T.YOUTH_CARE, "youth-care", "Jeugdhulp Kompasroos {place}"),
    (T.SOCIAL_SUPPORT, "social-support", "Wmo-wijkteam {place}"),
    (T.POLICE, "police", "Politie-eenheid {place}"),
)
NATIONAL: tuple[tuple[T, str, str], ...] = (
    (
        T.NATIONAL_COORDINATION_CENTRE,
        "national-coordination-centre",
        "Landelijk Coördinatiecentrum Ketenzorg Mensenhandel",
    ),
    (T.LABOUR_INSPECTORATE, "labour-inspectorate", "Inspectie Eerlijk Werk"),
    (T.NGO, "ngo-vrije-wind", "Stichting Vrije Wind"),
)

STAFF: dict[T, tuple[Role, ...]] = {
    T.CARE_COORDINATION: (Role.COORDINATOR, Role.COORDINATOR, Role.COORDINATOR, Role.SUPERVISOR),
    T.MUNICIPALITY: (Role.FRONTLINE, Role.FRONTLINE, Role.ANALYST),
    T.SHELTER: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE),
    T.YOUTH_CARE: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE),
    T.SOCIAL_SUPPORT: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE),
    T.POLICE: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE),
    T.NATIONAL_COORDINATION_CENTRE: (
        Role.COORDINATOR,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.CONTENT_EDITOR,
        Role.ADMINISTRATOR,
    ),
    T.LABOUR_INSPECTORATE: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE),
    T.NGO: (Role.FRONTLINE, Role.FRONTLINE, Role.FRONTLINE, Role.CONTENT_EDITOR),
}
RECORDING_ROLES = frozenset({Role.FRONTLINE, Role.COORDINATOR})
STAFF_NATIONALITIES = ("NL", "NL", "NL", "NL", "MA", "PL", "BR", "UA", "NG")


@dataclass(frozen=True, slots=True)
class Organisation:
    """An invented organisation. `number` is the integer that payload fields holding an
    organisation id (`to_organisation_id`, ...) carry; a database seed maps it to its own key."""

    key: str
    number: int
    name: str
    type: T
    region: Region | None


@dataclass(frozen=True, slots=True)
class Professional:
    """An invented professional; names are random combinations, not real people."""

    key: str
    display_name: str
    organisation_key: str
    role: Role


@dataclass(frozen=True)
class Directory:
    """Organisations and staff, with the look-ups the trajectory generator needs."""

    organisations: tuple[Organisation, ...]
    professionals: tuple[Professional, ...]
    _by_kind: dict[tuple[Region | None, T], Organisation] = field(
        init=False, repr=False, compare=False
    )
    _recorders: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        recorders: dict[str, list[str]] = {}
        for person in self.professionals:
            if person.role in RECORDING_ROLES:
                recorders.setdefault(person.organisation_key, []).append(person.key)
        by_kind = {(o.region, o.type): o for o in self.organisations}
        object.__setattr__(self, "_by_kind", by_kind)
        object.__setattr__(self, "_recorders", {k: tuple(v) for k, v in recorders.items()})

    def find(self, kind: T, region: Region | None) -> Organisation:
        """The region's organisation of a kind, or the national one for national kinds."""
        return self._by_kind.get((region, kind)) or self._by_kind[(None, kind)]

    def recorders(self, organisation_key: str) -> tuple[str, ...]:
        """Professionals who record events for an organisation (frontline and coordinators)."""
        return self._recorders[organisation_key]


def build_directory(rng: random.Random) -> Directory:
    """All organisations (regional ones per police region, then national) and their staff."""
    organisations: list[Organisation] = []
    for region in Region:
        place = INVENTED_PLACES[region][0]
        for kind, suffix, pattern in REGIONAL_TYPES:
            organisations.append(
                Organisation(
                    key=f"{region.value}-{suffix}",
                    number=len(organisations) + 1,
                    name=pattern.format(place=place),
                    type=kind,
                    region=region,
                )
            )
    for kind, key, name in NATIONAL:
        organisations.append(Organisation(key, len(organisations) + 1, name, kind, None))
    professionals = [
        Professional(f"{org.key}-{index:02d}", _staff_name(rng), org.key, role)
        for org in organisations
        for index, role in enumerate(STAFF[org.type], start=1)
    ]
    return Directory(tuple(organisations), tuple(professionals))


def _staff_name(rng: random.Random) -> str:
    names = NAMES[rng.choice(STAFF_NATIONALITIES)]
    given = rng.choice(names.female if rng.random() < 0.6 else names.male)
    family = rng.choice(names.family)
    return f"{given} {family}"
