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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.arrays import narrow
from schakel.engine.disclosure.distinct import PersonRuns
from schakel.engine.disclosure.errors import DEFAULT_K, DisclosureError, check_k
from schakel.engine.disclosure.remembered import horizon_cells
from schakel.engine.disclosure.suppression import Quantities, Status, suppress
from schakel.engine.disclosure.tables import STATUS_LABELS, TOTAL
from schakel.engine.survival import aalen_johansen
from schakel.engine.survival.competing import incidence_by_group

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
    rows = _horizon_rows(
        episodes,
        by=by,
        cause=cause,
        horizons=horizons,
        k=k,
        decimals=decimals,
        duration=duration,
        event=event,
        person=person,
        zero_is_safe=zero_is_safe,
        fixed=fixed,
        overall=overall,
    )
    return _assemble(rows, k, cause)


def cumulative_incidence_rows(episodes: pd.DataFrame, **options: Any) -> list[dict[str, Any]]:
    """`cumulative_incidence_table(episodes, **options).frame` as plain rows: level (the
    stratum's label), horizon_months, episodes, events, estimate, lower, upper (None where
    suppressed or not estimated) and status. The same values without building frames (a
    monitor release publishes hundreds of these tables)."""
    by = options.get("by")
    rows = _horizon_rows(episodes, **options)
    return [
        {
            "level": row[by or "stratum"],
            "horizon_months": row["horizon_months"],
            "episodes": None if row["episodes"] is pd.NA else int(row["episodes"]),
            "events": None if row["events"] is pd.NA else int(row["events"]),
            **{
                name: None if math.isnan(row[name]) else row[name]
                for name in ("estimate", "lower", "upper")
            },
            "status": row["status"],
        }
        for row in rows
    ]


def _horizon_rows(
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
) -> list[dict[str, Any]]:
    """The table's rows, counts and statuses (`cumulative_incidence_table`)."""
    check_k(k)
    months = _check_horizons(horizons)
    if not 0 <= decimals <= 6:
        raise DisclosureError("decimals must lie between 0 and 6")
    whole, labels, grouped = _strata(episodes, by, duration, event, person, overall)
    days = np.array([horizon_days(m) for m in months])
    counted = _level_counts(whole, grouped, len(labels), cause, days, overall)
    counts_key = ("counts", cause, tuple(days.tolist()))
    if overall is not None and counts_key in overall:
        total = overall[counts_key]  # the overall row, counted before
    else:
        total = _level_counts(whole, np.zeros(whole.durations.size, np.int64), 1, cause, days)
        if overall is not None:
            overall[counts_key] = total
    counted = (np.vstack([counted[0], total[0]]), np.vstack([counted[1], total[1]]))
    status, values, persons = _suppression([*labels, TOTAL], counted, days, k, zero_is_safe, fixed)
    curves = _level_incidence(whole, grouped, len(labels), cause, days)
    key = (cause, duration, event, tuple(days.tolist()))
    if overall is not None and key in overall:
        curves.append(overall[key])
    else:
        curves.append(_incidence(whole, cause, days))
        if overall is not None:
            overall[key] = curves[-1]
    rows = []
    for number, (label, curve) in enumerate(zip([*labels, TOTAL], curves, strict=True)):
        for j, month in enumerate(months):
            denominator, numerator = number * (len(months) + 1), number * (len(months) + 1) + 1 + j
            shown = (
                status[denominator] == Status.PUBLISHED and status[numerator] == Status.PUBLISHED
            )
            rows.append(
                {
                    by or "stratum": label,
                    "horizon_months": month,
                    "horizon_days": int(days[j]),
                    "episodes": values[denominator] if status[denominator] == 0 else pd.NA,
                    "events": values[numerator] if status[numerator] == 0 else pd.NA,
                    **_rounded(curve, j, decimals, shown),
                    "status": STATUS_LABELS[max(status[denominator], status[numerator])],
                    "_counts": (values[denominator], persons[denominator], values[numerator]),
                }
            )
    return rows


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
) -> tuple[_Stratum, list[object], np.ndarray]:
    """All episodes, the levels of `by` in order (none without `by`), and each episode's
    level as a number into them (zeros without `by`)."""
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
        return whole, [], np.zeros(durations.size, dtype=np.int64)
    column = episodes[by]
    if column.isna().any():
        raise DisclosureError(f"{by} has missing values; label them (e.g. 'unknown') first")
    if isinstance(column.dtype, pd.CategoricalDtype):  # the levels are its categories
        return whole, list(column.cat.categories), column.cat.codes.to_numpy(dtype=np.int64)
    levels = sorted(column.unique().tolist(), key=str)
    level_codes, uniques = pd.factorize(column)  # one pass instead of a comparison per level
    number = {level: position for position, level in enumerate(levels)}
    grouped = np.array([number[u] for u in uniques.tolist()], dtype=np.int64)[level_codes]
    return whole, levels, grouped


def _suppression(
    labels: list[object],
    counted: tuple[np.ndarray, np.ndarray],
    days: np.ndarray,
    k: int,
    zero_is_safe: bool,
    fixed: Mapping[object, Sequence[int]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per stratum (`labels`, the last the total): denominator, then cumulative numerators;
    `counted`: those counts and the distinct persons behind each, a row per stratum.

    Base cells are (stratum, interval of the return), with one more interval for everything
    else, so strata add up to the total and numerators nest.
    """
    levels = len(labels) - 1
    members, table, bins = horizon_cells(levels, len(days))
    counts = counted[0].astype(np.int64).ravel()
    people = counted[1].astype(np.int64).ravel()
    quantities = Quantities(
        values=counts,
        members=members,
        table=table,
        base_cells=max(levels, 1) * bins,
        persons=people,
    )
    given = None
    if fixed:
        given = np.full(counts.size, -1, dtype=np.int64)
        for number, label in enumerate(labels):
            statuses = fixed.get(label)
            if statuses is not None:
                if len(statuses) != len(days) + 1:
                    raise DisclosureError("fixed needs a status per count: episodes, each horizon")
                first = number * (len(days) + 1)
                given[first : first + len(days) + 1] = statuses
    status = suppress(quantities, k=k, zero_is_safe=zero_is_safe, fixed=given).status
    return status, counts, people


def _level_counts(
    whole: _Stratum,
    grouped: np.ndarray,
    size: int,
    cause: int,
    days: np.ndarray,
    memo: dict[object, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per level (`grouped`: each episode's level number, `size` levels): episodes and
    returns by each horizon, and the distinct persons behind each (levels x 1 + horizons),
    counted for all levels at once: the same numbers as counting each level's rows. `memo`:
    what depends only on the episodes (not the levels), kept for the next stratum."""
    horizons = len(days)
    values = np.zeros((size, 1 + horizons), dtype=np.int64)
    persons = np.zeros_like(values)
    if size == 0:
        return values, persons
    interval = _memo(memo, ("interval", tuple(days.tolist())),
                     lambda: np.searchsorted(days, whole.durations, side="left"))  # fmt: skip
    hit = _memo(memo, ("hit", cause, tuple(days.tolist())),  # a return by the last horizon
                lambda: np.flatnonzero((whole.codes == cause) & (interval < horizons)))  # fmt: skip
    group = grouped[hit]
    first = _memo(memo, ("hit interval", cause, tuple(days.tolist())), lambda: interval[hit])
    values[:, 0] = np.bincount(grouped, minlength=size)
    by_interval = np.bincount(group * horizons + first, minlength=size * horizons)
    values[:, 1:] = np.cumsum(by_interval.reshape(size, horizons), axis=1)
    if whole.persons.size == 0:
        return values, persons
    people, span = _memo(memo, ("people",), lambda: _people(whole.persons))
    runs = _memo(memo, ("runs",), lambda: PersonRuns.of(whole.persons))
    if runs is not None:
        persons[:, 0] = runs.distinct(grouped, size)
    else:
        persons[:, 0] = _distinct_per_level(grouped * span + people, span, size)
    # per (level, person) the earliest interval with a return: counted from then on. The
    # returns sorted by (person, interval) once, then stably by level: the order of sorting
    # them by (level, person, interval) for each stratum, without sorting them again.
    by_person = _memo(memo, ("by person", cause, tuple(days.tolist())),
                      lambda: hit[np.lexsort((interval[hit], people[hit]))])  # fmt: skip
    levels = grouped[by_person]
    ordered = by_person[np.argsort(narrow(levels, size), kind="stable")]
    pair, first = grouped[ordered] * span + people[ordered], interval[ordered]
    leading = np.concatenate([[True], pair[1:] != pair[:-1]]) if pair.size else pair.astype(bool)
    earliest = np.bincount(
        (pair[leading] // span) * horizons + first[leading], minlength=size * horizons
    )
    persons[:, 1:] = np.cumsum(earliest.reshape(size, horizons), axis=1)
    return values, persons


def _people(persons: np.ndarray) -> tuple[np.ndarray, int]:
    """Person codes from 0 (a missing id, -1, is one person) and how many codes there are."""
    people = persons - min(int(persons.min()), 0)
    return people, int(people.max()) + 1


def _memo(memo: dict[object, Any] | None, key: tuple[object, ...], work: Any) -> Any:
    if memo is None:
        return work()
    if key not in memo:
        memo[key] = work()
    return memo[key]


def _distinct_per_level(pairs: np.ndarray, span: int, size: int) -> np.ndarray:
    """Distinct persons per level from (level * span + person) codes."""
    if size * span <= 8 * pairs.size + 4_000_000:  # few cells: count them
        present = np.bincount(pairs, minlength=size * span).reshape(size, span)
        return np.count_nonzero(present, axis=1)
    return np.bincount(np.unique(pairs) // span, minlength=size)


Estimates = dict[str, np.ndarray]
"""estimate, lower and upper at each horizon."""


def _no_exits(days: np.ndarray) -> Estimates:
    nothing = np.full(days.size, np.nan)
    return {"estimate": np.zeros(days.size), "lower": nothing, "upper": nothing}


def _incidence(stratum: _Stratum, cause: int, days: np.ndarray) -> Estimates:
    if stratum.durations.size == 0 or not np.any(stratum.codes > 0):
        return _no_exits(days)
    curve = aalen_johansen(stratum.durations, stratum.codes, causes=[cause]).incidence[cause]
    found = curve.at(days)
    return {name: found[name].to_numpy() for name in ("estimate", "lower", "upper")}


def _level_incidence(
    whole: _Stratum, grouped: np.ndarray, size: int, cause: int, days: np.ndarray
) -> list[Estimates]:
    """The curve of every level from one pass over the episodes (`incidence_by_group`: the
    same numbers as one curve per level); a level without any exit: 0, no interval."""
    if size == 0:
        return []
    found = incidence_by_group(
        whole.durations, whole.codes, grouped, size, cause=cause, horizons=days
    )
    result = []
    for number in range(size):
        if found.estimable[number]:
            result.append(
                {
                    "estimate": found.estimate[number],
                    "lower": found.lower[number],
                    "upper": found.upper[number],
                }
            )
        else:
            result.append(_no_exits(days))
    return result


def _rounded(curve: Estimates, j: int, decimals: int, shown: bool) -> dict[str, float]:
    if not shown:
        return {"estimate": math.nan, "lower": math.nan, "upper": math.nan}
    return {name: round(float(curve[name][j]), decimals) for name in ("estimate", "lower", "upper")}


def _assemble(rows: list[dict[str, object]], k: int, cause: int) -> HorizonTable:
    frame = pd.DataFrame(rows)
    counts = pd.DataFrame(frame.pop("_counts").tolist(), columns=["episodes", "persons", "events"])
    audit = frame.drop(columns=["episodes", "events"]).join(counts)
    for name in ("episodes", "events"):
        frame[name] = pd.array(frame[name], dtype="Int64")
    frame["status"] = pd.Categorical(frame["status"], categories=STATUS_LABELS)
    return HorizonTable(frame, audit, k, cause)
