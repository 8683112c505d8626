"""Who signals, where a person is placed and which interventions they receive.

Assignment depends on the person (form, age, nationality, modus operandi), as in practice.
That confounds a naive comparison of intervention groups, which is deliberate: an estimator
must adjust for it to recover the true hazard ratios.
"""

from __future__ import annotations

import random

from schakel.engine.synth.draws import pick, pick_each
from schakel.engine.synth.names import NAMES
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import InterventionType as I
from schakel.engine.vocabulary import ModusOperandi as M
from schakel.engine.vocabulary import OrganisationType as T
from schakel.engine.vocabulary import PlacementType as P
from schakel.engine.vocabulary import Sex

SIGNALLERS_MINOR = {
    T.YOUTH_CARE: 0.45,
    T.POLICE: 0.3,
    T.SOCIAL_SUPPORT: 0.1,
    T.MUNICIPALITY: 0.1,
    T.NGO: 0.05,
}
SIGNALLERS: dict[F, dict[T, float]] = {
    F.SEXUAL: {
        T.POLICE: 0.35,
        T.NGO: 0.2,
        T.SHELTER: 0.2,
        T.SOCIAL_SUPPORT: 0.15,
        T.MUNICIPALITY: 0.1,
    },
    F.LABOUR: {T.LABOUR_INSPECTORATE: 0.35, T.NGO: 0.3, T.POLICE: 0.25, T.MUNICIPALITY: 0.1},
    F.CRIMINAL: {T.POLICE: 0.5, T.SOCIAL_SUPPORT: 0.2, T.MUNICIPALITY: 0.15, T.NGO: 0.15},
    F.ORGAN_REMOVAL: {T.POLICE: 0.6, T.NGO: 0.4},
}
SIGNALLER_ROLE = {
    T.YOUTH_CARE: "youth_worker",
    T.POLICE: "police_officer",
    T.SOCIAL_SUPPORT: "wmo_consultant",
    T.MUNICIPALITY: "municipal_contact_person",
    T.NGO: "ngo_worker",
    T.SHELTER: "shelter_worker",
    T.LABOUR_INSPECTORATE: "labour_inspector",
}
OBLIGED_REPORTERS = frozenset({T.POLICE, T.LABOUR_INSPECTORATE})

PLACEMENTS_MINOR = {
    P.PROTECTED_SHELTER_MINORS: 0.28,
    P.YOUTH_CARE_FACILITY: 0.32,
    P.OWN_HOME: 0.32,
    P.OTHER: 0.08,  # foster family, family elsewhere
}
PLACEMENTS_NON_EU = {P.COSM: 0.3, P.OMM: 0.2, P.WOMENS_SHELTER: 0.3, P.OWN_HOME: 0.1, P.OTHER: 0.1}
PLACEMENTS_EU = {P.OMM: 0.2, P.WOMENS_SHELTER: 0.25, P.OWN_HOME: 0.45, P.OTHER: 0.1}
AFTER_COSM = {P.OMM: 0.4, P.WOMENS_SHELTER: 0.4, P.OTHER: 0.2}


def draw_signaller(rng: random.Random, form: F, minor: bool) -> T:
    """The kind of organisation that signals; minors are mostly seen by youth care and police."""
    return pick(rng, SIGNALLERS_MINOR if minor else SIGNALLERS[form])


def draw_placements(rng: random.Random, sex: Sex, minor: bool, nationality: str) -> list[P]:
    """One placement, or COSM during reflection followed by a second; the last is at exit."""
    if minor:
        return [pick(rng, PLACEMENTS_MINOR)]
    table = PLACEMENTS_EU if NAMES[nationality].eu else PLACEMENTS_NON_EU
    placements = [_shelter_for(pick(rng, table), sex)]
    if placements[0] == P.COSM:
        placements.append(_shelter_for(pick(rng, AFTER_COSM), sex))
    return placements


def _shelter_for(kind: P, sex: Sex) -> P:
    return P.MENS_SHELTER if kind == P.WOMENS_SHELTER and sex == Sex.MALE else kind


def draw_interventions(
    rng: random.Random, form: F, mo: M, minor: bool, nationality: str
) -> list[I]:
    """Interventions started during care; at least one."""
    non_eu = not NAMES[nationality].eu
    debt = mo in (M.DEBT_BONDAGE, M.STREET_FINE_DEBT)
    chances = {
        I.TRAUMA_CARE: {F.SEXUAL: 0.6, F.LABOUR: 0.25, F.CRIMINAL: 0.35}.get(form, 0.5),
        I.LEGAL_AID: 0.7 if non_eu else 0.3,
        I.DEBT_SUPPORT: 0.6 if debt else 0.2,
        I.EDUCATION: 0.7 if minor else 0.1,
        I.WORK: 0.05 if minor else (0.4 if form == F.LABOUR else 0.2),
        I.RETURN_REINTEGRATION: 0.0 if nationality == "NL" else 0.08,
        I.SOCIAL_CARE: 0.4,
        I.HEALTH_CARE: 0.3,
        I.ADDICTION_CARE: 0.2 if form == F.CRIMINAL else 0.1,
        I.FINANCIAL: 0.15,
    }
    return pick_each(rng, chances) or [I.SOCIAL_CARE]


def needs_residence_scheme(nationality: str) -> bool:
    """Foreign victims from outside the EU go through the B8/3 residence scheme."""
    return not NAMES[nationality].eu
