"""Cumulative incidence at fixed horizons per stratum, rounded and protected.

Event-time steps of a small group show when each person returned; fixed horizons (3, 6, 12
and 24 months) do not. Behind each estimate are two counts: the episodes in the stratum (the
denominator) and the returns by the horizon (the numerator). Both must reach k, and because
cumulative numerators are nested and strata add up to the total, they go through the same
suppression as any set of overlapping tables (a difference of two published numerators is the
number of returns between two horizons, which must not be a group below k). An estimate is
published only when its numerator and denominator are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure.errors import DEFAULT_K, DisclosureError, check_k
from schakel.engine.disclosure.suppression import Quantities, Status, suppress
from schakel.engine.disclosure.tables import STATUS_LABELS, TOTAL
from schakel.engine.survival import aalen_johansen

HORIZON_MONTHS: tuple[int, ...] = (3, 6, 12, 24)
DAYS_PER_MONTH = 365.25 / 12


def horizon_days(months: int) -> int:
    """3 -> 91, 6 -> 183, 12 -> 365, 24 -> 730."""
    return round(months * DAYS_PER_MONTH)


@dataclass(frozen=True)
class HorizonTable:
    """`frame` is publishable: stratum, horizon, episodes, events, estimate, interval, status
    (of the estimate). `audit` holds the unprotected counts, for checks only."""

    frame: pd.DataFrame
    audit: pd.DataFrame
    k: int
    cause: int


@dataclass(frozen=True)
class _Stratum:
    label: object
    durations: np.ndarray
    codes: np.ndarray
    persons: np.ndarray


def cumulative_incidence_table(
    episodes: pd.DataFrame,
    *,
    by: str | None = None,
    cause: int = 1,
    horizons: Sequence[int] = HORIZON_MONTHS,
    k: int = DEFAULT_K,
    decimals: int = 3,
    duration: str = "days",
    event: str = "exit_type",
    person: str | None = "person_id",
    zero_is_safe: bool = False,
    fixed: Mapping[object, Sequence[int]] | None = None,
    overall: dict[object, Any] | None = None,
) -> HorizonTable:
    """Aalen-Johansen CIF of `cause` at `horizons` (months) per level of `by` and overall.

    `fixed` maps a stratum label (TOTAL for the overall row) to the `Status` its denominator
    and each numerator already have in a wider release (`protect_selections`); the other
    counts are protected around them, so this table agrees with that release.
    `overall`: an empty dict kept for one set of episodes and passed to each table of it (one
    per `by`): the overall row's curve is then estimated once, not once per table.
    """
    check_k(k)
    months = _check_horizons(horizons)
    if not 0 <= decimals <= 6:
        raise DisclosureError("decimals must lie between 0 and 6")
    strata = _strata(episodes, by, duration, event, person, overall)
    days = np.array([horizon_days(m) for m in months])
    status, values, persons = _suppression(strata, cause, days, k, zero_is_safe, fixed, overall)
    rows = []
    for number, stratum in enumerate(strata):
        if overall is not None and number == len(strata) - 1:  # the overall row
            key = (cause, duration, event, tuple(days.tolist()))
            if key not in overall:
                overall[key] = _incidence(stratum, cause, days)
            curve = overall[key]
        else:
            curve = _incidence(stratum, cause, days)
        for j, month in enumerate(months):
            denominator, numerator = number * (len(months) + 1), number * (len(months) + 1) + 1 + j
            shown = (
                status[denominator] == Status.PUBLISHED and status[numerator] == Status.PUBLISHED
            )
            rows.append(
                {
                    by or "stratum": stratum.label,
                    "horizon_months": month,
                    "horizon_days": int(days[j]),
                    "episodes": values[denominator] if status[denominator] == 0 else pd.NA,
                    "events": values[numerator] if status[numerator] == 0 else pd.NA,
                    **_rounded(curve.iloc[j], decimals, shown),
                    "status": STATUS_LABELS[max(status[denominator], status[numerator])],
                    "_counts": (values[denominator], persons[denominator], values[numerator]),
                }
            )
    return _assemble(rows, k, cause)


def _check_horizons(horizons: Sequence[int]) -> list[int]:
    months = [int(m) for m in horizons]
    if not months or any(m <= 0 for m in months) or sorted(set(months)) != months:
        raise DisclosureError("horizons must be increasing positive months, e.g. (3, 6, 12, 24)")
    return months


def _strata(
    episodes: pd.DataFrame,
    by: str | None,
    duration: str,
    event: str,
    person: str | None,
    overall: dict[object, Any] | None = None,
) -> list[_Stratum]:
    needed = [c for c in (by, duration, event, person) if c is not None]
    missing = [c for c in needed if c not in episodes.columns]
    if missing:
        raise DisclosureError(f"unknown column(s): {', '.join(missing)}")
    if len(episodes) == 0:
        raise DisclosureError("there are no episodes")
    if overall is not None and person and ("people", person) in overall:
        people = overall[("people", person)]
    else:
        people = pd.factorize(episodes[person])[0] if person else np.arange(len(episodes))
        if overall is not None and person:
            overall[("people", person)] = people
    durations = episodes[duration].to_numpy(dtype=np.float64)
    codes = episodes[event].to_numpy(dtype=np.int64)
    whole = _Stratum(TOTAL, durations, codes, people)
    if by is None:
        return [whole]
    column = episodes[by]
    if column.isna().any():
        raise DisclosureError(f"{by} has missing values; label them (e.g. 'unknown') first")
    levels = (
        list(column.cat.categories)
        if isinstance(column.dtype, pd.CategoricalDtype)
        else sorted(column.unique().tolist(), key=str)
    )
    level_codes, uniques = pd.factorize(column)  # one pass instead of a comparison per level
    code_of = {value: code for code, value in enumerate(uniques.tolist())}
    found = []
    for level in levels:
        mask = level_codes == code_of.get(level, -2)
        found.append(_Stratum(level, durations[mask], codes[mask], people[mask]))
    return [*found, whole]


def _suppression(
    strata: list[_Stratum],
    cause: int,
    days: np.ndarray,
    k: int,
    zero_is_safe: bool,
    fixed: Mapping[object, Sequence[int]] | None = None,
    overall: dict[object, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per stratum: denominator, then cumulative numerators; the last stratum is the total.

    Base cells are (stratum, interval of the return), with one more interval for everything
    else, so strata add up to the total and numerators nest.
    """
    bins = len(days) + 1
    levels = len(strata) - 1
    members, values, persons, table = [], [], [], []
    for number, stratum in enumerate(strata):
        own = [number] if number < levels or levels == 0 else list(range(levels))
        cells = lambda upto, own=own: np.array(  # noqa: E731
            [s * bins + b for s in own for b in range(upto)], dtype=np.int64
        )
        key = ("counts", cause, tuple(days.tolist()))
        if overall is not None and number == len(strata) - 1 and key in overall:
            found_values, found_persons = overall[key]  # the overall row, counted before
        else:
            found_values, found_persons = _counted(stratum, cause, days)
            if overall is not None and number == len(strata) - 1:
                overall[key] = (found_values, found_persons)
        values.extend(found_values)
        persons.extend(found_persons)
        members.append(cells(bins))
        table.append(0 if number < levels else 1)
        for j in range(len(days)):
            members.append(cells(j + 1))
            table.append(2 + 2 * j + (number == levels))
    counts, people = np.array(values, dtype=np.int64), np.array(persons, dtype=np.int64)
    quantities = Quantities(
        values=counts,
        members=tuple(members),
        table=np.array(table, dtype=np.int64),
        base_cells=max(levels, 1) * bins,
        persons=people,
    )
    given = None
    if fixed:
        given = np.full(counts.size, -1, dtype=np.int64)
        for number, stratum in enumerate(strata):
            statuses = fixed.get(stratum.label)
            if statuses is not None:
                if len(statuses) != len(days) + 1:
                    raise DisclosureError("fixed needs a status per count: episodes, each horizon")
                first = number * (len(days) + 1)
                given[first : first + len(days) + 1] = statuses
    status = suppress(quantities, k=k, zero_is_safe=zero_is_safe, fixed=given).status
    return status, counts, people


def _counted(stratum: _Stratum, cause: int, days: np.ndarray) -> tuple[list[int], list[int]]:
    """Episodes and returns by each horizon in a stratum, and the persons behind each."""
    interval = np.searchsorted(days, stratum.durations, side="left")
    returned = stratum.codes == cause
    values, persons = [stratum.durations.size], [_distinct(stratum.persons)]
    for j in range(len(days)):
        hit = returned & (interval <= j)
        values.append(int(hit.sum()))
        persons.append(_distinct(stratum.persons[hit]))
    return values, persons


def _distinct(codes: np.ndarray) -> int:
    """Number of distinct person codes (codes are small non-negative integers)."""
    if codes.size == 0:
        return 0
    if codes.min() < 0 or codes.size * 16 < int(codes.max()):  # few codes: sorting is cheaper
        return int(np.unique(codes).size)
    return int(np.count_nonzero(np.bincount(codes)))


def _incidence(stratum: _Stratum, cause: int, days: np.ndarray) -> pd.DataFrame:
    if stratum.durations.size == 0 or not np.any(stratum.codes > 0):
        return pd.DataFrame({"estimate": np.zeros(days.size), "lower": np.nan, "upper": np.nan})
    curve = aalen_johansen(stratum.durations, stratum.codes, causes=[cause]).incidence[cause]
    return curve.at(days).reset_index(drop=True)


def _rounded(row: pd.Series, decimals: int, shown: bool) -> dict[str, object]:
    if not shown:
        return {"estimate": np.nan, "lower": np.nan, "upper": np.nan}
    return {name: round(float(row[name]), decimals) for name in ("estimate", "lower", "upper")}


def _assemble(rows: list[dict[str, object]], k: int, cause: int) -> HorizonTable:
    frame = pd.DataFrame(rows)
    counts = pd.DataFrame(frame.pop("_counts").tolist(), columns=["episodes", "persons", "events"])
    audit = frame.drop(columns=["episodes", "events"]).join(counts)
    for name in ("episodes", "events"):
        frame[name] = pd.array(frame[name], dtype="Int64")
    frame["status"] = pd.Categorical(frame["status"], categories=STATUS_LABELS)
    return HorizonTable(frame, audit, k, cause)
