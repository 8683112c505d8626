"""Differentially private release of the (exit interval x exit type x stratum) histogram.

Each episode falls in exactly one cell, so adding or removing one person changes at most K
cells by one when every person contributes at most K episodes: the L1 sensitivity is K.
Episodes beyond a person's first K (by exit date) are left out before counting (contribution
bounding). Noise comes from OpenDP (`make_laplace`: on integer counts the discrete Laplace,
i.e. two-sided geometric, mechanism; on floats the Laplace mechanism), with scale K / epsilon.
Everything derived from the noisy histogram (life tables, rates) is post-processing and costs
no extra privacy. Every release is charged to an `EpsilonLedger`, which refuses releases
beyond its total budget.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from schakel.engine.disclosure.errors import DisclosureError, PrivacyBudgetExceeded

Mechanism = Literal["geometric", "laplace"]
INTERVAL_EDGES: tuple[int, ...] = (91, 183, 365, 730)
"""Upper ends (days, inclusive) of the exit intervals, the same horizons as the CIF tables."""
INTERVAL_LABELS: tuple[str, ...] = ("0-3m", "3-6m", "6-12m", "12-24m", "24m+")
EXIT_TYPES: tuple[int, ...] = (0, 1, 2, 3)


def check_epsilon(epsilon: float) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise DisclosureError(f"epsilon must be a number, got {epsilon!r}")
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise DisclosureError(f"epsilon must be positive and finite, got {epsilon}")
    return float(epsilon)


@dataclass(frozen=True)
class LedgerEntry:
    """One release: how much privacy it spent, how, and what it covered."""

    release_id: str
    epsilon: float
    mechanism: str
    sensitivity: int
    scale: float
    covers: str
    released_on: str


@dataclass(frozen=True)
class EpsilonLedger:
    """The privacy budget of a data source and every release charged against it."""

    total_budget: float
    entries: tuple[LedgerEntry, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        check_epsilon(self.total_budget)

    @property
    def spent(self) -> float:
        return math.fsum(entry.epsilon for entry in self.entries)

    @property
    def remaining(self) -> float:
        return self.total_budget - self.spent

    def charge(self, entry: LedgerEntry) -> EpsilonLedger:
        """The ledger with `entry` added; refuses to go over budget or reuse a release id."""
        check_epsilon(entry.epsilon)
        if any(e.release_id == entry.release_id for e in self.entries):
            raise DisclosureError(f"release {entry.release_id!r} is already in the ledger")
        if self.spent + entry.epsilon > self.total_budget * (1 + 1e-12):
            raise PrivacyBudgetExceeded(
                f"release {entry.release_id!r} needs epsilon {entry.epsilon:g}; "
                f"{self.remaining:g} of {self.total_budget:g} is left"
            )
        return replace(self, entries=(*self.entries, entry))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EpsilonLedger:
        data = json.loads(text)
        entries = tuple(LedgerEntry(**entry) for entry in data["entries"])
        return cls(total_budget=float(data["total_budget"]), entries=entries)


@dataclass(frozen=True)
class PrivateRelease:
    """The noisy histogram (`noisy_count` per cell) and the ledger that paid for it.

    `bounded_episodes` (episodes left out by contribution bounding) is not private: it belongs
    in the internal data-quality report, not in the release.
    """

    histogram: pd.DataFrame
    entry: LedgerEntry
    ledger: EpsilonLedger
    noise_variance: float
    bounded_episodes: int


def noise_variance(mechanism: Mechanism, scale: float) -> float:
    """Variance of one cell's noise: 2 s^2 (Laplace); 2 e^(-1/s) / (1 - e^(-1/s))^2 (discrete)."""
    if mechanism == "laplace":
        return 2.0 * scale**2
    q = math.exp(-1.0 / scale)
    return 2.0 * q / (1.0 - q) ** 2


def release_histogram(
    episodes: pd.DataFrame,
    *,
    strata: Sequence[str],
    epsilon: float,
    ledger: EpsilonLedger,
    release_id: str,
    covers: str = "",
    max_episodes_per_person: int = 1,
    mechanism: Mechanism = "geometric",
    person: str = "person_id",
    days: str = "days",
    exit_type: str = "exit_type",
    order_by: str = "exit_date",
    released_on: dt.date | None = None,
) -> PrivateRelease:
    """Release the histogram with noise calibrated to epsilon, and charge the ledger."""
    epsilon = check_epsilon(epsilon)
    bound = _check_bound(max_episodes_per_person)
    if mechanism not in ("geometric", "laplace"):
        raise DisclosureError("mechanism must be 'geometric' or 'laplace'")
    kept, dropped = _bounded(episodes, bound, person, order_by)
    cells, counts = _histogram(kept, list(strata), days, exit_type)
    scale = bound / epsilon
    entry = LedgerEntry(
        release_id=release_id,
        epsilon=epsilon,
        mechanism=mechanism,
        sensitivity=bound,
        scale=scale,
        covers=covers or f"exit interval x exit type x {' x '.join(strata) or 'all'}",
        released_on=(released_on or dt.date.today()).isoformat(),
    )
    charged = ledger.charge(entry)  # refuse before any noise is drawn
    noisy = _noisy(counts, scale, bound, epsilon, mechanism)
    histogram = cells.assign(noisy_count=noisy)
    return PrivateRelease(histogram, entry, charged, noise_variance(mechanism, scale), dropped)


def _check_bound(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DisclosureError("max_episodes_per_person must be a positive integer")
    return value


def _bounded(
    episodes: pd.DataFrame, bound: int, person: str, order_by: str
) -> tuple[pd.DataFrame, int]:
    for name in (person, order_by):
        if name not in episodes.columns:
            raise DisclosureError(f"unknown column: {name}")
    order = episodes.sort_values([person, order_by], kind="stable")
    rank = order.groupby(person, sort=False, observed=True).cumcount()
    kept = order.loc[rank < bound]
    return kept, len(episodes) - len(kept)


def _histogram(
    episodes: pd.DataFrame, strata: list[str], days: str, exit_type: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Counts for every cell of a data-independent domain (declared category levels)."""
    domains: list[list[object]] = []
    for name in strata:
        column = episodes[name] if name in episodes.columns else None
        if column is None or not isinstance(column.dtype, pd.CategoricalDtype):
            raise DisclosureError(
                f"{name} must be a categorical column whose categories declare every level "
                "(the set of cells may not depend on the data)"
            )
        if column.isna().any():
            raise DisclosureError(f"{name} has missing values; label them first")
        domains.append(list(column.cat.categories))
    codes = episodes[exit_type].to_numpy()
    if not np.isin(codes, EXIT_TYPES).all():
        raise DisclosureError(f"{exit_type} must hold the codes {EXIT_TYPES}")
    interval = np.searchsorted(INTERVAL_EDGES, episodes[days].to_numpy(), side="left")
    index = pd.MultiIndex.from_product(
        [*domains, list(INTERVAL_LABELS), list(EXIT_TYPES)],
        names=[*strata, "exit_interval", "exit_type"],
    )
    keys = pd.MultiIndex.from_arrays(
        [*(episodes[s].to_numpy() for s in strata), np.array(INTERVAL_LABELS)[interval], codes],
        names=index.names,
    )
    counts = np.bincount(index.get_indexer(keys), minlength=len(index))
    return index.to_frame(index=False), counts.astype(np.int64)


def _noisy(
    counts: np.ndarray, scale: float, bound: int, epsilon: float, mechanism: Mechanism
) -> np.ndarray:
    # the modules the mechanism needs, not `opendp.prelude` (which imports scikit-learn
    # for its extras: about a second of CPU per process)
    from opendp.domains import atom_domain, vector_domain
    from opendp.measurements import make_laplace
    from opendp.metrics import l1_distance
    from opendp.mod import enable_features

    enable_features("contrib")
    if mechanism == "geometric":
        space = vector_domain(atom_domain(T=int), size=counts.size), l1_distance(T=int)
        d_in: int | float = bound
        data: list[int] | list[float] = counts.tolist()
    else:
        atom = atom_domain(T=float, nan=False)
        space = vector_domain(atom, size=counts.size), l1_distance(T=float)
        d_in, data = float(bound), counts.astype(float).tolist()
    measurement = make_laplace(*space, scale=scale)
    if measurement.map(d_in) > epsilon * (1 + 1e-9):
        raise DisclosureError("the mechanism would spend more than epsilon")  # pragma: no cover
    return np.asarray(measurement(data))


def life_table(release: PrivateRelease, *, by: Sequence[str] = (), cause: int = 1) -> pd.DataFrame:
    """Actuarial cumulative incidence of `cause` at the end of each exit interval, from the
    noisy histogram only (post-processing: no privacy cost). Negative noisy counts count as 0;
    censorings count half in their interval, the classic life-table correction."""
    counts = release.histogram.assign(n=np.maximum(release.histogram["noisy_count"], 0))
    wide = counts.pivot_table(
        index=[*by, "exit_interval"],
        columns="exit_type",
        values="n",
        aggfunc="sum",
        observed=False,
        sort=False,
    ).reindex(columns=list(EXIT_TYPES), fill_value=0)
    rows = []
    groups = wide.groupby(level=list(by) if len(by) > 1 else by[0], sort=False) if by else None
    for key, group in groups if groups is not None else [((), wide)]:
        at_risk = float(group.to_numpy().sum())
        survival, incidence = 1.0, 0.0
        for label, cell in zip(INTERVAL_LABELS, group.to_numpy(), strict=True):
            exposed = at_risk - cell[0] / 2.0
            hazard = cell[cause] / exposed if exposed > 0 else 0.0
            incidence += survival * hazard
            survival *= 1.0 - (cell[1:].sum() / exposed if exposed > 0 else 0.0)
            at_risk -= cell.sum()
            labels = key if isinstance(key, tuple) else (key,)
            rows.append((*labels, label, min(max(incidence, 0.0), 1.0)))
    return pd.DataFrame(rows, columns=[*by, "exit_interval", "cumulative_incidence"])
