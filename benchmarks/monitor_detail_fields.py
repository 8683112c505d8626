"""The where/when/why payload fields of `monitor_episodes.event_log`, as the app records them.

`monitor.details` reads them (municipality, country, ISIC sector, recruitment methods and
platforms of the exploitation episode; vulnerability factors, each possibly recorded again later
with `addressed` changed; how a return came to light). Without them every episode had the same
details and the benchmark timed a trivial case. Distributions follow the synthetic region
(`engine/synth/exploitation.py`): forty municipalities (most episodes in a few places of the
person's own region), mostly NL with some other countries, a sector for labour exploitation,
zero to three recruitment methods with a platform for the online ones, and some fields absent
altogether, as in payloads written before a field existed or left empty.

All JSON text is built per distinct value (a list field from a bit mask of its members) and
picked by index: no Python per event.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.synth.exploitation import PLATFORMS, SECTORS
from schakel.engine.synth.organisations import INVENTED_PLACES
from schakel.engine.vocabulary import ExploitationForm, RecruitmentMethod, Region
from schakel.engine.vocabulary import VulnerabilityFactor as V

Ints = npt.NDArray[np.int64]
COUNTRIES = {"NL": 0.8, "BE": 0.03, "DE": 0.03, "PL": 0.03, "RO": 0.03, "BG": 0.02, "NG": 0.02}
COUNTRY_MISSING = 0.04
METHODS = tuple(RecruitmentMethod)
METHOD_WEIGHTS = (0.08, 0.06, 0.1, 0.3, 0.16, 0.01, 0.02, 0.25, 0.02)
METHOD_COUNT = (0.1, 0.55, 0.25, 0.1)  # 0 to 3 methods
ONLINE = {
    METHODS.index(RecruitmentMethod.ONLINE_SOCIAL_NETWORK): RecruitmentMethod.ONLINE_SOCIAL_NETWORK,
    METHODS.index(RecruitmentMethod.ONLINE_ADVERTISEMENT): RecruitmentMethod.ONLINE_ADVERTISEMENT,
}
PLATFORM_NAMES = tuple(sorted({p for names in PLATFORMS.values() for p in names}))
FACTORS = (V.DEBT, V.TRAUMA, V.LANGUAGE_BARRIER, V.IRREGULAR_STATUS, V.ADDICTION,
           V.EMOTIONAL_DEPENDENCY, V.HOMELESSNESS, V.FAMILY_PROBLEMS,
           V.INTELLECTUAL_DISABILITY, V.OTHER)  # fmt: skip
FACTOR_WEIGHTS = (0.2, 0.2, 0.14, 0.1, 0.1, 0.08, 0.06, 0.06, 0.04, 0.02)
DETECTION = {
    '{"detected_by": "follow_up"}': 0.5,
    '{"detected_by": "report"}': 0.2,
    '{"detected_by": "linkage"}': 0.15,
    '{"detected_by": "other"}': 0.05,
    '{"form": "labour"}': 0.1,  # no detected_by: the payload's default (other)
}


def _choice(
    rng: np.random.Generator, weights: dict[str, float] | tuple[float, ...], n: int
) -> Ints:
    p = np.asarray(list(weights.values()) if isinstance(weights, dict) else weights, dtype=float)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _texts(values: list[str], index: Ints) -> pa.Array:
    return pa.array(np.array(values, dtype=object)[index], pa.string())


def _list_texts(key: str, names: tuple[str, ...]) -> list[str]:
    """`, "key": [...]` for every bit mask over `names` (bit j: names[j] is in the list)."""
    out = []
    for mask in range(2 ** len(names)):
        chosen = [f'"{n}"' for j, n in enumerate(names) if mask >> j & 1]
        out.append(f', "{key}": [{", ".join(chosen)}]')
    return out


def _masks(rng: np.random.Generator, weights: tuple[float, ...], counts: Ints) -> Ints:
    """Per row a weighted sample of `counts` distinct members without replacement, as a bit
    mask (the Gumbel top-k trick: the k largest of log weight + Gumbel noise)."""
    keys = np.log(np.asarray(weights)) + rng.gumbel(size=(counts.size, len(weights)))
    order = np.argsort(-keys, axis=1)
    taken = np.arange(len(weights))[None, :] < counts[:, None]
    bits = np.zeros_like(order)
    np.put_along_axis(bits, order, taken.astype(np.int64), axis=1)
    return bits @ (1 << np.arange(len(weights)))


def _where(rng: np.random.Generator, region: npt.NDArray[np.object_]) -> tuple[pa.Array, pa.Array]:
    """Municipality and country fragments: most episodes in the person's own region (its
    centre municipality most often), some anywhere in the country, some abroad."""
    n = region.size
    country = _choice(rng, COUNTRIES, n)
    names = list(COUNTRIES)
    country_text = [f', "country": "{c}"' for c in names]
    places = [p for r in Region for p in INVENTED_PLACES[r]]
    regions, at = np.unique(region, return_inverse=True)
    own = np.array([list(Region).index(Region(r)) for r in regions])[at] * 4
    place = np.where(
        rng.random(n) < 0.75, own + _choice(rng, (0.4, 0.25, 0.2, 0.15), n), rng.integers(0, 40, n)
    )
    place_text = [f', "municipality": "{p}"' for p in places] + [""]
    in_nl = country == names.index("NL")
    place = np.where(in_nl & (rng.random(n) < 0.92), place, len(places))
    missing = rng.random(n) < COUNTRY_MISSING
    country_text.append("")
    country = np.where(missing, len(names), country)
    return _texts(place_text, place), _texts(country_text, country)


def _how(rng: np.random.Generator, form: Ints) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Sector, recruitment method and platform fragments."""
    n = form.size
    forms = list(ExploitationForm)
    sectors = list(SECTORS)
    sector = _choice(rng, SECTORS, n)
    labour = form == forms.index(ExploitationForm.LABOUR)
    criminal = form == forms.index(ExploitationForm.CRIMINAL)
    has_sector = (labour & (rng.random(n) < 0.9)) | (criminal & (rng.random(n) < 0.15))
    sector_text = [f', "sector_isic": "{s}"' for s in sectors] + [""]
    sector = np.where(has_sector, sector, len(sectors))
    methods = _masks(rng, METHOD_WEIGHTS, _choice(rng, METHOD_COUNT, n))
    platforms = np.zeros(n, dtype=np.int64)
    for bit, method in ONLINE.items():
        online = (methods >> bit & 1).astype(bool)
        names = PLATFORMS[method]
        for _ in range(2):  # one platform, a second one for a quarter
            picked = np.array([PLATFORM_NAMES.index(p) for p in names])[
                rng.integers(0, len(names), n)
            ]
            platforms |= np.where(online, 1 << picked, 0)
            online &= rng.random(n) < 0.25
    method_text = [*_list_texts("recruitment_methods", tuple(m.value for m in METHODS)), ""]
    platform_text = [*_list_texts("recruitment_platforms", PLATFORM_NAMES), ""]
    absent = len(method_text) - 1
    methods = np.where(rng.random(n) < 0.1, absent, methods)  # recorded before the field
    platforms = np.where((platforms == 0) & (rng.random(n) < 0.5), absent, platforms)
    return (
        _texts(sector_text, sector),
        _texts(method_text, methods),
        _texts(platform_text, platforms),
    )


def episode_fields(
    rng: np.random.Generator, form: Ints, region: npt.NDArray[np.object_]
) -> pa.Array:
    """Per exploitation episode (`form`: index in ExploitationForm, `region`: Region value)
    the text to put before its closing brace: `, "key": value` per detail field it carries."""
    municipality, country = _where(rng, region)
    sector, methods, platforms = _how(rng, form)
    return pc.binary_join_element_wise(municipality, country, sector, methods, platforms, "")


def vulnerability_payloads(rng: np.random.Generator, n: int) -> pa.Array:
    """`n` vulnerability payloads: a factor, addressed or not (absent: the default, false)."""
    factor = _choice(rng, FACTOR_WEIGHTS, n)
    addressed = rng.choice(3, size=n, p=[0.45, 0.45, 0.1])
    flags = [', "addressed": true', ', "addressed": false', ""]
    texts = [f'{{"factor": "{f.value}"{a}}}' for f in FACTORS for a in flags]
    return _texts(texts, factor * len(flags) + addressed)


def later_vulnerabilities(
    rng: np.random.Generator, intake: Ints, exit_day: Ints
) -> tuple[Ints, Ints]:
    """Further vulnerability records per episode (0 to 3: a new factor, or one recorded before
    now addressed), on a day from intake to two months after exit: the rows and their days."""
    count = _choice(rng, (0.4, 0.3, 0.2, 0.1), intake.size)
    rows = np.repeat(np.arange(intake.size), count)
    span = exit_day[rows] + 60 - intake[rows]
    return rows, intake[rows] + (rng.random(rows.size) * span).astype(np.int64)


def return_payloads(rng: np.random.Generator, n: int) -> pa.Array:
    return _texts(list(DETECTION), _choice(rng, DETECTION, n))
