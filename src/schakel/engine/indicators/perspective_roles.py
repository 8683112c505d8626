"""What each frontline role may and must do after a signal, in Dutch and English.

Powers and duties differ per role (indicators.md §5, domain.md: meldcode, professional secrecy,
obliged reporters). Kept as data beside `perspective_texts` so content can be reviewed alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from schakel.engine.indicators.model import Text

T = Text

SECRECY_RIGHT = T(
    "Met uw beroepsgeheim heeft u een meldrecht, geen meldplicht: u mag zonder toestemming "
    "melden bij Veilig Thuis als dat nodig is om geweld of uitbuiting te stoppen of te "
    "voorkomen. Voor andere meldingen (politie, landelijk coördinatiecentrum) is toestemming "
    "nodig, tenzij uw beroepsregels een uitzondering geven.",
    "Professional secrecy gives you a right, not a duty, to report: you may report to Veilig "
    "Thuis without consent when that is needed to stop or prevent violence or exploitation. "
    "Other reports (police, national coordination centre) need consent, unless your "
    "professional rules make an exception.",
)
OBLIGED_TO_REPORT = T(
    "U moet mogelijke slachtoffers melden bij het landelijk coördinatiecentrum; daarvoor is "
    "geen toestemming nodig.",
    "You must report presumed victims to the national coordination centre; that needs no consent.",
)
MAY_REPORT_WITH_CONSENT = T(
    "U mag melden bij het landelijk coördinatiecentrum met toestemming van de persoon, meestal "
    "via de zorgcoördinator. De politie kunt u altijd om advies vragen.",
    "You may report to the national coordination centre with the person's consent, usually "
    "through the care coordinator. You can always ask the police for advice.",
)
MELDCODE_DUTY = T(
    "De meldcode van uw organisatie geldt: volg de vijf stappen en het afwegingskader bij "
    "zorgen over een kind of over geweld in een gezin of relatie.",
    "Your organisation's meldcode applies: follow its five steps and the assessment framework "
    "when you worry about a child or about violence within a family or relationship.",
)
CONSULT_ANONYMOUSLY = T(
    "U kunt Veilig Thuis en de zorgcoördinator altijd anoniem raadplegen, zonder de naam van de "
    "persoon te noemen.",
    "You can always consult Veilig Thuis and the care coordinator anonymously, without naming "
    "the person.",
)

RoleWords = tuple[Text, tuple[Text, ...], tuple[Text, ...]]  # label, powers, duties

ROLES: Mapping[str, RoleWords] = MappingProxyType(
    {
        "youth_care": (
            T("Jeugdhulp", "Youth care"),
            (CONSULT_ANONYMOUSLY,),
            (
                MELDCODE_DUTY,
                T(
                    "Kijk verder dan het gedrag dat u ziet: vraag naar de kwetsbaarheid eronder "
                    "(schulden, afhankelijkheid, nieuwe oudere vrienden).",
                    "Look beyond the behaviour you see: ask about the vulnerability underneath "
                    "(debts, dependency, new older friends).",
                ),
            ),
        ),
        "social_support": (
            T("Wmo en sociaal wijkteam", "Social support (Wmo)"),
            (
                CONSULT_ANONYMOUSLY,
                T(
                    "U kunt de aandachtsfunctionaris mensenhandel van de gemeente en het Zorg- en "
                    "Veiligheidshuis inschakelen.",
                    "You can involve the municipality's contact person for human trafficking "
                    "(aandachtsfunctionaris) and the Zorg- en Veiligheidshuis.",
                ),
            ),
            (MELDCODE_DUTY,),
        ),
        "health_care": (
            T("Huisarts en gezondheidszorg", "GP and health care"),
            (CONSULT_ANONYMOUSLY,),
            (
                MELDCODE_DUTY,
                T(
                    "Let op wie de patiënt begeleidt, wie het woord voert en of zorg wordt "
                    "tegengehouden.",
                    "Notice who accompanies the patient, who does the talking and whether care "
                    "is being withheld.",
                ),
            ),
        ),
        "education": (
            T("Onderwijs", "Education"),
            (CONSULT_ANONYMOUSLY,),
            (
                MELDCODE_DUTY,
                T(
                    "Betrek de aandachtsfunctionaris van de school. Let op schoolsignalen: "
                    "verzuim, plots slechte resultaten, dure spullen, opgehaald worden in pauzes, "
                    "veel oudere vrienden.",
                    "Involve the school's designated person. Watch for school signals: truancy, "
                    "sudden poor results, expensive goods, being picked up at breaks, much older "
                    "friends.",
                ),
            ),
        ),
        "police": (
            T("Politie of Koninklijke Marechaussee", "Police or Royal Military Police (KMar)"),
            (
                T(
                    "U kunt onderzoeken, aangifte opnemen en beschermen.",
                    "You can investigate, take a report (aangifte) and protect.",
                ),
            ),
            (
                T(
                    "Bied iemand zonder Nederlandse nationaliteit bij de geringste aanwijzing de "
                    "bedenktijd aan.",
                    "Offer the reflection period to a person without Dutch nationality at the "
                    "slightest indication.",
                ),
            ),
        ),
        "labour_inspection": (
            T("Arbeidsinspectie", "Labour Inspectorate"),
            (
                T(
                    "U mag werkplekken betreden en administratie inzien.",
                    "You may enter workplaces and inspect records.",
                ),
            ),
            (
                T(
                    "Signalen van andere uitbuiting dan arbeid deelt u met de politie.",
                    "Share signals of other forms than labour exploitation with the police.",
                ),
            ),
        ),
        "municipal_enforcement": (
            T("Gemeentelijke handhaving", "Municipal enforcement"),
            (
                T(
                    "U kunt optreden via vergunningen en regels voor seksbedrijven en huisvesting "
                    "(controle en handhaving).",
                    "You can act on permits and rules for sex businesses and housing "
                    "(inspection and enforcement).",
                ),
                T(
                    "U kunt de aandachtsfunctionaris mensenhandel van de gemeente inschakelen.",
                    "You can involve the municipality's contact person for human trafficking.",
                ),
            ),
            (
                T(
                    "Deel signalen met de politie en de zorgcoördinator; handhaving mag de "
                    "persoon niet extra kwetsbaar maken.",
                    "Share signals with the police and the care coordinator; enforcement must "
                    "not leave the person more vulnerable.",
                ),
            ),
        ),
        "other": (
            T("Andere professional", "Other professional"),
            (
                T(
                    "Iedereen kan de politie bellen en de zorgcoördinator anoniem raadplegen.",
                    "Anyone can call the police and consult the care coordinator anonymously.",
                ),
            ),
            (
                T(
                    "Werkt u met kinderen of gezinnen, dan geldt waarschijnlijk de meldcode van "
                    "uw organisatie: vraag het uw aandachtsfunctionaris.",
                    "If you work with children or families, your organisation's meldcode "
                    "probably applies: ask your designated person.",
                ),
            ),
        ),
    }
)
