"""Who the persons are: form, nationality, age, sex, region and first-signal day, drawn at once.

Form and nationality are drawn jointly: an affinity table (Dutch victims mostly in sexual and
criminal exploitation, Polish in labour, Nigerian in sexual exploitation) is fitted by
iterative proportional fitting so that both margins match the parameters exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from schakel.engine.synth.params import RegionParameters
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import Region

FORMS = tuple(F)
REGIONS = tuple(Region)
REGION_SHARES = (0.08, 0.14, 0.10, 0.08, 0.14, 0.12, 0.14, 0.08, 0.06, 0.06)
"""Share of persons per police region, in `Region` order; rough population weights with the
large cities heavier (unverified)."""

AFFINITY: dict[str, tuple[float, float, float, float]] = {
    # relative propensity per form (sexual, labour, criminal, organ removal), unverified
    "NL": (1.5, 0.2, 4.0, 1.0),
    "PL": (0.3, 3.0, 0.5, 1.0),
    "RO": (1.2, 1.5, 1.2, 1.0),
    "BG": (1.2, 1.0, 0.8, 1.0),
    "NG": (3.0, 0.3, 0.2, 1.0),
    "UA": (0.8, 1.5, 0.5, 1.0),
    "VN": (0.5, 1.5, 2.0, 1.0),
    "ER": (0.6, 0.8, 1.0, 1.0),
    "HU": (1.5, 0.8, 0.5, 1.0),
    "MA": (0.6, 0.8, 2.0, 1.0),
    "CN": (0.7, 1.5, 0.5, 1.0),
    "BR": (1.5, 0.8, 0.3, 1.0),
    "PH": (0.6, 2.0, 0.2, 1.0),
    "UG": (1.5, 0.8, 0.3, 1.0),
}
MINOR_AGE_WEIGHTS = np.array([0.05, 0.10, 0.15, 0.20, 0.25, 0.25])  # ages 12..17
ADULT_MEAN_AGE = {F.SEXUAL: 27.0, F.LABOUR: 35.0, F.CRIMINAL: 24.0, F.ORGAN_REMOVAL: 33.0}
MAX_AGE = 75.0
IPF_ROUNDS = 200


@dataclass(frozen=True)
class Population:
    """Per-person draws, one array element per person, in person order."""

    form: npt.NDArray[np.int64]
    nationality: tuple[str, ...]
    minor: npt.NDArray[np.bool_]
    age_years: npt.NDArray[np.float64]
    female: npt.NDArray[np.bool_]
    region: npt.NDArray[np.int64]
    signal_day: npt.NDArray[np.int64]
    exploited_days: npt.NDArray[np.int64]


def joint_shares(params: RegionParameters) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    """Form x nationality probabilities whose margins equal the parameters' shares."""
    nationalities = tuple(code for code, share in params.nationality_shares.items() if share > 0)
    rows = np.array([params.form_shares.get(form, 0.0) for form in FORMS])
    columns = np.array([params.nationality_shares[code] for code in nationalities])
    affinity = np.array([AFFINITY.get(code, (1.0,) * len(FORMS)) for code in nationalities]).T
    table = np.outer(rows, columns) * affinity
    for _ in range(IPF_ROUNDS):
        row_sums = table.sum(axis=1)
        table *= np.divide(rows, row_sums, out=np.zeros_like(rows), where=row_sums > 0)[:, None]
        column_sums = table.sum(axis=0)
        ratio = np.divide(columns, column_sums, out=np.zeros_like(columns), where=column_sums > 0)
        table *= ratio[None, :]
    return nationalities, table / table.sum()


def draw_population(rng: np.random.Generator, params: RegionParameters) -> Population:
    n = params.persons
    nationalities, table = joint_shares(params)
    cells = rng.choice(table.size, size=n, p=table.ravel())
    form, nationality_index = np.divmod(cells, len(nationalities))
    minor_share = np.array([params.minor_shares.get(f, 0.0) for f in FORMS])[form]
    minor = rng.random(n) < minor_share
    minor_age = 12 + rng.choice(6, size=n, p=MINOR_AGE_WEIGHTS) + rng.random(n)
    mean = np.array([ADULT_MEAN_AGE[f] for f in FORMS])[form]
    adult_age = np.minimum(18 + rng.gamma(2.0, (mean - 18) / 2.0), MAX_AGE)
    age = np.where(minor, minor_age, adult_age)
    female = rng.random(n) < np.array([params.female_shares.get(f, 0.5) for f in FORMS])[form]
    total_days = (params.end_date - params.start_date).days + 1
    exploited = rng.gamma(2.0, 150.0, size=n)
    exploited = np.minimum(exploited, (age - 11.0) * 365.25)
    return Population(
        form=form.astype(np.int64),
        nationality=tuple(nationalities[i] for i in nationality_index),
        minor=minor,
        age_years=age,
        female=female,
        region=rng.choice(len(REGIONS), size=n, p=np.array(REGION_SHARES)).astype(np.int64),
        signal_day=rng.integers(0, total_days, size=n).astype(np.int64),
        exploited_days=np.maximum(exploited, 1.0).astype(np.int64),
    )
