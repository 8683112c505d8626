"""Parameters of a synthetic region, checked before anything is drawn.

Defaults follow published Dutch figures where they exist (see docs/synthetic-region.md); values
marked *(unverified)* are plausible guesses that make the data look like practice, not facts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schakel.engine.errors import SchakelError
from schakel.engine.synth.names import NAMES
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import InterventionType as I
from schakel.engine.vocabulary import ModusOperandi as M
from schakel.engine.vocabulary import PlacementType as P

REGISTRATIONS_PER_YEAR = 1_050
"""CoMensha registrations: 1,013 (2020), about 1,044 (2023) and 1,062 (2024)."""
DEFAULT_YEARS = 5
MAX_PERSONS = 5_000_000
SHARE_TOLERANCE = 1e-6
MAX_ABS_LOG_HR = 5.0

DEFAULT_FORM_SHARES: dict[F, float] = {
    F.SEXUAL: 0.41,  # CoMensha 2020: 41% sexual exploitation
    F.LABOUR: 0.41,  # 41% exploitation in other work
    F.CRIMINAL: 0.175,  # the rest, mostly minors
    F.ORGAN_REMOVAL: 0.005,  # rare; a handful a year (unverified)
}

DEFAULT_NATIONALITY_SHARES: dict[str, float] = {
    # Basis: CoMensha 2020, 1,013 registrations, top three Polish 190 (19%), Nigerian 185 (18%),
    # Dutch 155 (15%). The remaining 48% is spread over nationalities that recur in the
    # Rapporteur's reports; that spread is a plausible guess (unverified).
    "PL": 0.19,
    "NG": 0.18,
    "NL": 0.15,
    "RO": 0.08,
    "BG": 0.06,
    "UA": 0.06,
    "HU": 0.05,
    "VN": 0.04,
    "ER": 0.04,
    "MA": 0.03,
    "CN": 0.03,
    "BR": 0.03,
    "PH": 0.03,
    "UG": 0.03,
}

DEFAULT_MINOR_SHARES: dict[F, float] = {
    # Criminal exploitation is mostly minors (Rapporteur); others are guesses (unverified).
    F.SEXUAL: 0.22,
    F.LABOUR: 0.03,
    F.CRIMINAL: 0.65,
    F.ORGAN_REMOVAL: 0.0,
}

DEFAULT_FEMALE_SHARES: dict[F, float] = {
    F.SEXUAL: 0.93,
    F.LABOUR: 0.30,
    F.CRIMINAL: 0.30,
    F.ORGAN_REMOVAL: 0.40,
}


class InvalidParameters(SchakelError):
    """A parameter that cannot produce a region; `field` names it."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class WeibullBaseline:
    """Baseline hazard of return after exit: h0(t) = (k/s) (t/s)^(k-1), t in days since exit.

    A shape below 1 makes the risk highest soon after exit, as IOM reports (most re-trafficking
    within two years). The default gives the reference group a cumulative hazard of about 0.12
    in the first year.
    """

    shape: float = 0.8
    scale_days: float = 5_200.0

    def cumulative(self, days: float) -> float:
        return (days / self.scale_days) ** self.shape


def _default_form_effects() -> dict[F, float]:
    return {F.SEXUAL: 0.0, F.LABOUR: -0.2, F.CRIMINAL: 0.4, F.ORGAN_REMOVAL: -0.5}


def _default_mo_effects() -> dict[M, float]:
    return {
        M.LOVERBOY: 0.5,  # emotional dependency keeps the tie to the trafficker
        M.DEBT_BONDAGE: 0.3,
        M.STREET_FINE_DEBT: 0.35,
        M.FAKE_JOB_OFFER: 0.0,
        M.FAKE_MARRIAGE: 0.1,
        M.DOCUMENT_RETENTION: 0.0,
        M.HOUSING_DEPENDENCY: 0.2,
        M.OTHER: 0.0,
    }


def _default_placement_effects() -> dict[P, float]:
    return {
        P.COSM: -0.1,
        P.OMM: -0.2,
        P.WOMENS_SHELTER: -0.1,
        P.MENS_SHELTER: -0.1,
        P.PROTECTED_SHELTER_MINORS: -0.3,
        P.YOUTH_CARE_FACILITY: 0.0,
        P.OWN_HOME: 0.2,
        P.OTHER: 0.0,
    }


def _default_intervention_effects() -> dict[I, float]:
    return {
        I.TRAUMA_CARE: -0.5,  # treats the vulnerability, not only behaviour
        I.LEGAL_AID: -0.1,
        I.DEBT_SUPPORT: -0.3,
        I.EDUCATION: -0.2,
        I.WORK: -0.35,
        I.RETURN_REINTEGRATION: 0.0,
        I.SOCIAL_CARE: -0.1,
        I.HEALTH_CARE: 0.0,
        I.ADDICTION_CARE: -0.25,
        I.FINANCIAL: -0.1,
        I.OTHER: 0.0,
    }


@dataclass(frozen=True)
class HazardCoefficients:
    """True log hazard ratios of return to exploitation after exit.

    Reference person: adult, sexual exploitation, modus operandi `other`, placement `other`, no
    intervention, first episode. The linear predictor adds the form, the primary modus
    operandi, the placement at exit, every intervention started, `minor` if the person was a
    minor at the episode, `own_home_minor` for a minor placed at home, and `prior_episode`
    per earlier episode (counted up to three).
    """

    form: Mapping[F, float] = field(default_factory=_default_form_effects)
    modus_operandi: Mapping[M, float] = field(default_factory=_default_mo_effects)
    placement: Mapping[P, float] = field(default_factory=_default_placement_effects)
    intervention: Mapping[I, float] = field(default_factory=_default_intervention_effects)
    minor: float = 0.4
    own_home_minor: float = 0.6
    prior_episode: float = 0.3


@dataclass(frozen=True)
class RegionParameters:
    """Everything that shapes a synthetic region; the same values and seed give the same region.

    Rates are per year. `persons` counts true persons first signalled in the region's years;
    returns to exploitation add trajectories on top.
    """

    seed: int = 2024
    persons: int = REGISTRATIONS_PER_YEAR * DEFAULT_YEARS
    start_year: int = 2020
    years: int = DEFAULT_YEARS
    form_shares: Mapping[F, float] = field(default_factory=lambda: dict(DEFAULT_FORM_SHARES))
    nationality_shares: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_NATIONALITY_SHARES)
    )
    minor_shares: Mapping[F, float] = field(default_factory=lambda: dict(DEFAULT_MINOR_SHARES))
    female_shares: Mapping[F, float] = field(default_factory=lambda: dict(DEFAULT_FEMALE_SHARES))
    baseline: WeibullBaseline = field(default_factory=WeibullBaseline)
    coefficients: HazardCoefficients = field(default_factory=HazardCoefficients)
    stable_rate: float = 0.6
    left_netherlands_rate: float = 0.08
    death_rate: float = 0.004
    loss_to_follow_up_rate: float = 0.15
    return_observed_probability: float = 0.6
    return_registered_probability: float = 0.75
    same_region_probability: float = 0.5
    early_closure_probability: float = 0.08
    max_trajectories_per_person: int = 4

    def __post_init__(self) -> None:
        _check_int("seed", self.seed, 0, 2**63 - 1)
        _check_int("persons", self.persons, 1, MAX_PERSONS)
        _check_int("years", self.years, 1, 50)
        _check_int("start_year", self.start_year, 1990, 2100 - self.years + 1)
        _check_int("max_trajectories_per_person", self.max_trajectories_per_person, 1, 20)
        _check_shares("form_shares", self.form_shares, set(F))
        _check_shares("nationality_shares", self.nationality_shares, set(NAMES))
        for name in ("minor_shares", "female_shares"):
            mapping: Mapping[F, float] = getattr(self, name)
            _check_keys(name, mapping, set(F))
            for key, value in mapping.items():
                _check_probability(f"{name}[{key!s}]", value)
        for name in (
            "return_observed_probability",
            "return_registered_probability",
            "same_region_probability",
            "early_closure_probability",
        ):
            _check_probability(name, getattr(self, name))
        for name in ("stable_rate", "left_netherlands_rate", "death_rate"):
            _check_rate(name, getattr(self, name))
        _check_rate("loss_to_follow_up_rate", self.loss_to_follow_up_rate)
        _check_baseline(self.baseline)
        _check_coefficients(self.coefficients)

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)

    @property
    def end_date(self) -> dt.date:
        """The region's "today": the last day of the last year; later events are censored."""
        return dt.date(self.start_year + self.years - 1, 12, 31)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidParameters(name, "must be an integer")
    if not low <= value <= high:
        raise InvalidParameters(name, f"must lie between {low} and {high}, got {value}")


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidParameters(name, "must be a finite number")
    return float(value)


def _check_probability(name: str, value: object) -> None:
    if not 0.0 <= _check_number(name, value) <= 1.0:
        raise InvalidParameters(name, f"must be a probability in [0, 1], got {value}")


def _check_rate(name: str, value: object) -> None:
    if _check_number(name, value) < 0.0:
        raise InvalidParameters(name, f"must be a rate per year >= 0, got {value}")


def _check_keys(name: str, mapping: Mapping[Any, float], known: set[Any]) -> None:
    if not isinstance(mapping, Mapping):
        raise InvalidParameters(name, "must be a mapping")
    unknown = sorted(str(key) for key in mapping if key not in known)
    if unknown:
        raise InvalidParameters(name, f"unknown keys {unknown}; use some of {sorted(known)}")


def _check_shares(name: str, shares: Mapping[Any, float], known: set[Any]) -> None:
    _check_keys(name, shares, known)
    for key, value in shares.items():
        if _check_number(f"{name}[{key!s}]", value) < 0:
            raise InvalidParameters(f"{name}[{key!s}]", "must not be negative")
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise InvalidParameters(name, f"shares must sum to 1, got {total:.6f}")


def _check_baseline(baseline: WeibullBaseline) -> None:
    for name in ("shape", "scale_days"):
        value = _check_number(f"baseline.{name}", getattr(baseline, name))
        if value <= 0:
            raise InvalidParameters(f"baseline.{name}", f"must be positive, got {value}")


def _check_coefficients(coefficients: HazardCoefficients) -> None:
    groups: dict[str, tuple[Mapping[Any, float], set[Any]]] = {
        "form": (coefficients.form, set(F)),
        "modus_operandi": (coefficients.modus_operandi, set(M)),
        "placement": (coefficients.placement, set(P)),
        "intervention": (coefficients.intervention, set(I)),
    }
    values: dict[str, object] = {
        "minor": coefficients.minor,
        "own_home_minor": coefficients.own_home_minor,
        "prior_episode": coefficients.prior_episode,
    }
    for group, (mapping, known) in groups.items():
        _check_keys(f"coefficients.{group}", mapping, known)
        values.update({f"{group}[{key!s}]": value for key, value in mapping.items()})
    for name, value in values.items():
        if abs(_check_number(f"coefficients.{name}", value)) > MAX_ABS_LOG_HR:
            raise InvalidParameters(f"coefficients.{name}", f"|log HR| must be <= {MAX_ABS_LOG_HR}")
