"""The words of the action perspective, in Dutch and English (facts from domain.md, §5 of
indicators.md). Kept apart from the logic so that content can be reviewed on its own.

Wording rule: say what the signals mean and what to do; never that someone is a victim.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from schakel.engine.indicators.model import Text

T = Text

MEANING = MappingProxyType(
    {
        "met": T(
            "De signalen die u aangaf voldoen aan de indicatoren van mensenhandel. Dat is geen "
            "juridisch oordeel over wat deze persoon is overkomen, maar wel een sterke reden om "
            "nu te handelen: overleg en meld volgens de stappen hieronder.",
            "The signals you marked meet the indicators of human trafficking. That is not a legal "
            "finding about what happened to this person, but it is a strong reason to act now: "
            "consult and report, following the steps below.",
        ),
        "could_still_be_met": T(
            "Er zijn signalen, maar er is nog te weinig bekend om te zeggen of de indicatoren van "
            "mensenhandel zijn vervuld. U hoeft niet zeker te zijn om te overleggen: stel de "
            "open vragen en overleg, ook anoniem.",
            "There are signals, but too little is known yet to say whether the indicators of "
            "human trafficking are met. You do not have to be sure before you consult: ask the "
            "open questions and consult, anonymously if you like.",
        ),
        "not_met": T(
            "De signalen die u aangaf voldoen niet aan de indicatoren van mensenhandel. Dat "
            "betekent niet dat er niets aan de hand is. Houdt u het gevoel dat het niet klopt, "
            "overleg dan toch.",
            "The signals you marked do not meet the indicators of human trafficking. That does "
            "not mean nothing is wrong. If you still feel something is not right, consult anyway.",
        ),
    }
)

MELDCODE_STEPS = (
    T("Breng de signalen in kaart.", "Map the signals."),
    T(
        "Overleg met een collega en zo nodig met Veilig Thuis of een deskundige.",
        "Consult a colleague and, if needed, Veilig Thuis or an expert.",
    ),
    T("Ga in gesprek met de persoon.", "Talk with the person."),
    T(
        "Weeg het geweld of de uitbuiting: aard, ernst en risico.",
        "Weigh the violence or exploitation: its nature, severity and risk.",
    ),
    T("Beslis: organiseer hulp en/of meld.", "Decide: organise help and/or report."),
)

ASSESSMENT_QUESTIONS = (
    T(
        "Heb ik op basis van de stappen een vermoeden van huiselijk geweld of kindermishandeling "
        "(waaronder uitbuiting)?",
        "Do the steps give me a suspicion of domestic violence or child abuse (which includes "
        "exploitation)?",
    ),
    T(
        "Is er sprake van acute onveiligheid of structurele onveiligheid? Zo ja: melden bij "
        "Veilig Thuis.",
        "Is there acute or structural unsafety? If so: report to Veilig Thuis.",
    ),
    T(
        "Ben ik in staat om effectieve hulp te bieden of te organiseren?",
        "Can I offer or organise effective help?",
    ),
    T("Aanvaarden de betrokkenen de hulp?", "Do those involved accept the help?"),
    T(
        "Leidt de hulp binnen de gewenste termijn tot de noodzakelijke veiligheid? Zo niet: "
        "melden bij Veilig Thuis.",
        "Does the help bring the necessary safety in time? If not: report to Veilig Thuis.",
    ),
)

TRUST = (
    T(
        "Neem het gevoel dat iets niet klopt serieus, en vertel de persoon wat u ziet en waarom u "
        "zich zorgen maakt.",
        "Take the feeling that something is not right seriously, and tell the person what you "
        "see and why you are worried.",
    ),
    T(
        "Stel open vragen zonder oordeel. De persoon hoeft zich niet als slachtoffer te zien om "
        "hulp te krijgen.",
        "Ask open questions without judgement. The person does not have to see themselves as "
        "a victim to get help.",
    ),
    T(
        "Leg uit wat u wilt delen, met wie en waarom, en vraag toestemming. Leg vast wanneer en "
        "hoe de toestemming is gegeven.",
        "Explain what you want to share, with whom and why, and ask for consent. Record when "
        "and how consent was given.",
    ),
    T(
        "Moet u zonder toestemming melden, zeg dat dan vooraf, tenzij dat iemand in gevaar brengt.",
        "If you must report without consent, say so beforehand, unless that puts someone in "
        "danger.",
    ),
    T(
        "Blijf in contact na een melding of verwijzing: u bent vaak de persoon die het "
        "vertrouwen heeft.",
        "Stay in contact after a report or referral: you are often the one the person trusts.",
    ),
    T(
        "Leg feiten, uw interpretaties en uw bronnen apart vast.",
        "Record facts, your interpretations and your sources separately.",
    ),
)

StepWords = tuple[Text, Text]  # title, explanation

STEPS: Mapping[str, StepWords] = MappingProxyType(
    {
        "immediate_danger": (
            T("Direct gevaar? Bel 112", "Immediate danger? Call 112"),
            T(
                "Is iemand nu in gevaar, of dreigt dat, bel dan 112. Dat gaat voor alle andere "
                "stappen.",
                "If someone is in danger now, or about to be, call 112. That comes before every "
                "other step.",
            ),
        ),
        "ask_next_questions": (
            T("Stel de volgende vragen", "Ask the next questions"),
            T(
                "Een paar open vragen kunnen de uitkomst nog veranderen. Stel ze in een rustig "
                "gesprek, niet als verhoor, en vul de check daarna aan.",
                "A few open questions could still change the outcome. Ask them in a calm "
                "conversation, not as an interrogation, and then complete the check.",
            ),
        ),
        "keep_watch": (
            T("Blijf alert en houd contact", "Stay alert and keep in contact"),
            T(
                "Leg vast wat u zag. Komen er nieuwe signalen bij, doe de check dan opnieuw.",
                "Record what you saw. If new signals appear, do the check again.",
            ),
        ),
        "consult_colleague": (
            T("Overleg met een collega", "Consult a colleague"),
            T(
                "Bespreek de signalen met een collega of met de aandachtsfunctionaris van uw "
                "organisatie. Handel niet alleen.",
                "Discuss the signals with a colleague or your organisation's designated person "
                "(aandachtsfunctionaris). Do not act alone.",
            ),
        ),
        "care_coordinator": (
            T(
                "Overleg met de zorgcoördinator mensenhandel",
                "Consult the care coordinator for human trafficking",
            ),
            T(
                "De zorgcoördinator in uw regio denkt mee, ook anoniem (zonder naam van de "
                "persoon). Met toestemming regelt de zorgcoördinator opvang, zorg en "
                "begeleiding. Waar geen zorgcoördinator is, helpt het landelijk "
                "coördinatiecentrum.",
                "The care coordinator of your region advises, also anonymously (without the "
                "person's name). With consent, the coordinator arranges shelter, care and "
                "support. Where there is no coordinator, the national coordination centre helps.",
            ),
        ),
        "veilig_thuis": (
            T("Overleg met Veilig Thuis: 0800-2000", "Consult Veilig Thuis: 0800-2000"),
            T(
                "Seksuele en criminele uitbuiting van minderjarigen is kindermishandeling; bij elk "
                "signaal van uitbuiting van een minderjarige is Veilig Thuis het adres. Veilig "
                "Thuis adviseert (ook anoniem) en neemt meldingen aan.",
                "Sexual and criminal exploitation of minors is child abuse; for any sign of "
                "exploitation of a minor, Veilig Thuis is the place to go. Veilig Thuis advises "
                "(also anonymously) and takes reports.",
            ),
        ),
        "veilig_thuis_domestic": (
            T("Overleg met Veilig Thuis: 0800-2000", "Consult Veilig Thuis: 0800-2000"),
            T(
                "Uitbuiting binnen een gezin of relatie valt onder huiselijk geweld. Veilig Thuis "
                "adviseert (ook anoniem) en neemt meldingen aan.",
                "Exploitation within a family or relationship is domestic violence. Veilig Thuis "
                "advises (also anonymously) and takes reports.",
            ),
        ),
        "meldcode": (
            T("Volg de vijf stappen van de meldcode", "Follow the five steps of the meldcode"),
            T(
                "De meldcode huiselijk geweld en kindermishandeling geldt hier. Leg elke stap "
                "vast: wat u afwoog, wat u deed, wie u informeerde en wat de "
                "vervolgafspraken zijn.",
                "The reporting code for domestic violence and child abuse applies. Record each "
                "step: what you weighed, what you did, who you informed and what follows.",
            ),
        ),
        "assessment_framework": (
            T("Beantwoord de vijf vragen van het afwegingskader", "Answer the five questions"),
            T(
                "Stap 4 en 5 van de meldcode volgen het verplichte afwegingskader. Bij acute of "
                "structurele onveiligheid meldt u bij Veilig Thuis.",
                "Steps 4 and 5 of the meldcode follow the mandatory assessment framework. With "
                "acute or structural unsafety, you report to Veilig Thuis.",
            ),
        ),
        "police": (
            T("Politie: 0900-8844", "Police: 0900-8844"),
            T(
                "De politie kan onderzoeken en beschermen. Aangifte doen is een keuze van de "
                "persoon; ook zonder aangifte kunt u de politie om advies vragen.",
                "The police can investigate and protect. Filing a report (aangifte) is the "
                "person's choice; you can ask the police for advice without one.",
            ),
        ),
        "police_own": (
            T("Uw taak als politie of KMar", "Your task as police or KMar"),
            T(
                "Registreer de signalen, bied bij de geringste aanwijzing de bedenktijd aan als "
                "dat van toepassing is, en meld bij het landelijk coördinatiecentrum.",
                "Record the signals, offer the reflection period at the slightest indication "
                "where it applies, and report to the national coordination centre.",
            ),
        ),
        "labour_inspectorate": (
            T("Nederlandse Arbeidsinspectie", "Netherlands Labour Inspectorate"),
            T(
                "Signalen op de werkplek (loon, werktijden, huisvesting bij de werkgever, "
                "ingehouden papieren) meldt u bij de Arbeidsinspectie. Die mag werkplekken "
                "betreden en onderzoekt arbeidsuitbuiting.",
                "Workplace signals (pay, hours, housing by the employer, documents held back) go "
                "to the Labour Inspectorate. It may enter workplaces and investigates labour "
                "exploitation.",
            ),
        ),
        "labour_inspectorate_own": (
            T("Uw taak als arbeidsinspecteur", "Your task as labour inspector"),
            T(
                "Gebruik uw bevoegdheid om de werkplek te onderzoeken, leg de signalen vast en "
                "meld bij het landelijk coördinatiecentrum.",
                "Use your power to inspect the workplace, record the signals and report to the "
                "national coordination centre.",
            ),
        ),
        "national_centre": (
            T("Landelijk coördinatiecentrum", "National coordination centre"),
            T(
                "Het landelijk coördinatiecentrum registreert mogelijke slachtoffers voor "
                "landelijke cijfers en bemiddelt opvang. Politie, KMar en Arbeidsinspectie moeten "
                "melden; andere organisaties mogen melden, meestal met toestemming en via de "
                "zorgcoördinator.",
                "The national coordination centre registers presumed victims for national figures "
                "and arranges shelter. Police, KMar and the Labour Inspectorate must report; other "
                "organisations may, usually with consent and through the care coordinator.",
            ),
        ),
        "reflection_period": (
            T("Bedenktijd voor wie geen Nederlander is", "Reflection period (bedenktijd)"),
            T(
                "Iemand zonder Nederlandse nationaliteit kan bij de geringste aanwijzing van "
                "mensenhandel van politie of KMar bedenktijd krijgen: tot drie maanden (30 "
                "dagen in Dublinzaken) met opvang en begeleiding, zonder uitzetting, om te "
                "beslissen over aangifte.",
                "A person without Dutch nationality can be offered a reflection period by the "
                "police or KMar at the slightest indication of trafficking: up to three months "
                "(30 days in Dublin cases) with shelter and support, without removal, to decide "
                "about filing a report.",
            ),
        ),
        "forced_offences": (
            T("Strafbare feiten onder dwang", "Offences committed under coercion"),
            T(
                "Strafbare feiten die iemand onder dwang pleegt (dealen, stelen, rekeningen "
                "uitlenen) zijn een signaal van uitbuiting, niet alleen een reden om te straffen. "
                "Vertel dit aan de zorgcoördinator of Veilig Thuis, en aan de politie.",
                "Offences someone commits under coercion (dealing, theft, lending bank accounts) "
                "are a signal of exploitation, not only a reason to punish. Tell the care "
                "coordinator or Veilig Thuis, and the police.",
            ),
        ),
        "record_facts": (
            T("Leg vast", "Record"),
            T(
                "Leg feiten, interpretaties en bronnen apart vast, met datum. Noteer wie u "
                "raadpleegde en wat u afsprak.",
                "Record facts, interpretations and sources separately, with dates. Note whom you "
                "consulted and what was agreed.",
            ),
        ),
    }
)
