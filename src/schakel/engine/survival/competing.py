"""Cumulative incidence with competing events (Aalen-Johansen), exact with tied times.

Why not 1 - Kaplan-Meier: treating a competing exit (stable exit, death, leaving the country)
as censoring assumes that person could still return to exploitation later, which overstates
the risk. The Aalen-Johansen estimate F_k(t) = sum over event times s <= t of
S(s-) * d_k(s) / n(s) counts each person once, in the exit that actually happened.

lifelines' AalenJohansenFitter breaks tied times with random jitter, so its results change with
the seed on day-resolution data; this implementation treats ties exactly (everyone with time
>= t is at risk at t; censorings at t count as after the events at t), as R does.

Variance: the estimator of cmprsk::cuminc (Aalen 1978 counting-process variance with Gray's
correction for tied events), checked against cuminc on the bmt data. The interval uses the
log(-log) transform (Choudhury 2002, as recommended by Pintilie) so that it stays in (0, 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from schakel.engine.survival._data import (
    ArrayLike,
    FloatArray,
    SurvivalDataError,
    as_codes,
    as_times,
    check_alpha,
)
from schakel.engine.survival.curves import Curve, event_table, loglog_interval, normal_quantile

VARIANCE = "Aalen (1978) with tie correction, as cmprsk::cuminc"


@dataclass(frozen=True)
class CompetingRisks:
    """Cumulative incidence per cause, plus the probability of no event of any kind yet."""

    causes: tuple[int, ...]
    incidence: dict[int, Curve]
    event_free: Curve

    def at(self, horizons: ArrayLike) -> pd.DataFrame:
        """CIF of every cause at fixed horizons, one row per (cause, horizon)."""
        frames = [self.incidence[cause].at(horizons).assign(cause=cause) for cause in self.causes]
        table = pd.concat(frames, ignore_index=True)
        return table.loc[:, ["cause", "horizon", "estimate", "std_error", "lower", "upper"]]


def aalen_johansen(
    durations: ArrayLike,
    events: ArrayLike,
    *,
    causes: Sequence[int] | None = None,
    alpha: float = 0.05,
) -> CompetingRisks:
    """Cumulative incidence of each cause in `events` (0 = censored, 1..K = cause of exit).

    `causes` lists the causes to report (default: every code > 0 present); a listed cause with
    no events gets a curve that stays at 0.
    """
    times = as_times(durations)
    codes = as_codes(events, times.size)
    z = normal_quantile(check_alpha(alpha))
    present = np.flatnonzero(np.bincount(codes)) if codes.max() < 1024 else np.unique(codes)
    observed = sorted(int(code) for code in present[present > 0])  # counted, not sorted
    wanted = tuple(observed if causes is None else (int(cause) for cause in causes))
    if not observed:
        raise SurvivalDataError("there are no events, so there is nothing to estimate")
    if not wanted or min(wanted) < 1:
        raise SurvivalDataError("causes must be positive codes, and at least one is needed")
    one_hot = (codes[:, None] == np.asarray(observed)[None, :]).astype(np.float64)
    event_times, at_risk, counts = event_table(times, one_hot)
    all_events = counts.sum(axis=1)
    after = np.cumprod(1.0 - all_events / at_risk)
    before = np.concatenate(([1.0], after[:-1]))
    last_time = float(times.max())
    curves: dict[int, Curve] = {}
    for cause in wanted:
        own = counts[:, observed.index(cause)] if cause in observed else np.zeros_like(at_risk)
        incidence = np.cumsum(before * own / at_risk)
        variance = cuminc_variance(incidence, before, after, own, all_events - own, at_risk)
        std_error = np.sqrt(np.maximum(variance, 0.0))
        lower, upper = loglog_interval(incidence, std_error, z)
        curves[cause] = Curve(
            estimand=f"cumulative_incidence[{cause}]",
            times=event_times,
            estimate=incidence,
            std_error=std_error,
            lower=lower,
            upper=upper,
            at_risk=at_risk,
            events=own,
            initial=0.0,
            last_time=last_time,
            alpha=alpha,
            variance=VARIANCE,
            interval="log-log",
        )
    free = _event_free(event_times, after, at_risk, all_events, last_time)
    return CompetingRisks(wanted, curves, free)


def cuminc_variance(
    incidence: FloatArray,
    before: FloatArray,
    after: FloatArray,
    own: FloatArray,
    other: FloatArray,
    at_risk: FloatArray,
) -> FloatArray:
    """Var F(t) = sum over s <= t of v(s) * (dF(t)/d hazard(s))^2, in cumulative-sum form.

    Each event time contributes its own-cause and other-cause increments; the derivative of
    F(t) is 1 + (F(s) - F(t)) / S(s) for an own-cause event and (F(s) - F(t)) / S(s) for a
    competing one, and v(s) is S(s-)^2 d (1 - (d-1)/(n-1)) / n^2 (hypergeometric ties).
    """
    alive = after > 0
    inverse = np.divide(1.0, after, out=np.zeros_like(after), where=alive)
    sums = np.zeros((3, incidence.size))
    for deaths, offset, usable in ((other, 0.0, alive), (own, 1.0, np.ones_like(alive))):
        tie = 1.0 - np.divide(
            deaths - 1.0, at_risk - 1.0, out=np.zeros_like(deaths), where=at_risk > 1
        )
        weight = np.where(usable & (deaths > 0), before**2 * tie * deaths / at_risk**2, 0.0)
        slope = offset + inverse * incidence
        sums += np.stack([slope**2, inverse * slope, inverse**2]) * weight
    v1, v2, v3 = np.cumsum(sums, axis=1)
    return v1 + incidence**2 * v3 - 2.0 * incidence * v2


def _event_free(
    times: FloatArray,
    survival: FloatArray,
    at_risk: FloatArray,
    events: FloatArray,
    last_time: float,
) -> Curve:
    """The overall Kaplan-Meier curve (no exit of any kind), without an interval of its own."""
    return Curve(
        estimand="event_free",
        times=times,
        estimate=survival,
        std_error=np.full(times.size, np.nan),
        lower=np.full(times.size, np.nan),
        upper=np.full(times.size, np.nan),
        at_risk=at_risk,
        events=events,
        initial=1.0,
        last_time=last_time,
        alpha=float("nan"),
        variance="none (use kaplan_meier on any exit for an interval)",
        interval="none",
    )


@dataclass(frozen=True)
class GroupIncidence:
    """`aalen_johansen(...).incidence[cause].at(horizons)` of every group, one row per group:
    estimate, lower and upper (groups x horizons). `estimable` is False for a group with no
    rows or no event of any cause (its rows are NaN: `aalen_johansen` refuses such data)."""

    estimate: FloatArray
    lower: FloatArray
    upper: FloatArray
    estimable: np.ndarray


def incidence_by_group(
    durations: ArrayLike,
    events: ArrayLike,
    groups: np.ndarray,
    size: int,
    *,
    cause: int,
    horizons: ArrayLike,
    alpha: float = 0.05,
) -> GroupIncidence:
    """The cumulative incidence of `cause` at `horizons` in each of `size` groups (`groups`:
    each row's group code, 0..size-1), the same numbers as `aalen_johansen` on each group's
    rows. Whole-day times (follow-up in days) are counted for all groups in one pass over the
    rows (a day histogram per group), so a stratum with many levels costs one pass instead of
    one selection and one curve per level; other times fall back to one curve per group."""
    times = as_times(durations)
    codes = as_codes(events, times.size)
    points = as_times(horizons, "horizons")
    check_alpha(alpha)
    codes_of = np.asarray(groups, dtype=np.int64)
    if codes_of.shape != times.shape or not 0 <= codes_of.min() <= codes_of.max() < size:
        raise SurvivalDataError("groups must give every row a code from 0 to size - 1")
    shape = (size, points.size)
    result = GroupIncidence(
        np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(size, bool)
    )
    lowest, highest = float(times.min()), float(times.max())
    whole = (
        lowest == np.floor(lowest)
        and highest - lowest <= MAX_SPAN
        and size * (highest - lowest + 1) <= MAX_CELLS
        and np.array_equal(times, np.floor(times))
    )
    if not whole:  # one curve per group, as before
        for group in range(size):
            inside = codes_of == group
            if np.any(codes[inside] > 0):
                curve = aalen_johansen(times[inside], codes[inside], causes=[cause], alpha=alpha)
                found = curve.incidence[cause].at(points)
                result.estimate[group] = found["estimate"].to_numpy()
                result.lower[group] = found["lower"].to_numpy()
                result.upper[group] = found["upper"].to_numpy()
                result.estimable[group] = True
        return result
    z = normal_quantile(alpha)
    days = (times - lowest).astype(np.int64)
    span = int(days.max()) + 1
    key = codes_of * span + days
    cells = size * span
    rows = np.bincount(key, minlength=cells).reshape(size, span)
    ended = np.bincount(key[codes > 0], minlength=cells).reshape(size, span)
    own_days = np.bincount(key[codes == cause], minlength=cells).reshape(size, span)
    for group in range(size):
        present = np.flatnonzero(ended[group])
        if present.size == 0:
            continue
        counted = rows[group]
        earlier = np.concatenate([[0], np.cumsum(counted)])
        at_risk = (int(earlier[-1]) - earlier[present]).astype(np.float64)
        all_events = ended[group][present].astype(np.float64)
        own = own_days[group][present].astype(np.float64)
        after = np.cumprod(1.0 - all_events / at_risk)
        before = np.concatenate(([1.0], after[:-1]))
        incidence = np.cumsum(before * own / at_risk)
        variance = cuminc_variance(incidence, before, after, own, all_events - own, at_risk)
        std_error = np.sqrt(np.maximum(variance, 0.0))
        lower, upper = loglog_interval(incidence, std_error, z)
        event_times = present.astype(np.float64) + lowest
        last_time = float(np.flatnonzero(counted)[-1]) + lowest
        index = np.searchsorted(event_times, points, side="right") - 1
        early = index < 0
        safe = np.where(early, 0, index)
        beyond = points > last_time
        for target, values in (
            (result.estimate, incidence),
            (result.lower, lower),
            (result.upper, upper),
        ):
            target[group] = np.where(beyond, np.nan, np.where(early, 0.0, values[safe]))
        result.estimable[group] = True
    return result


MAX_SPAN = 1_000_000
"""Whole-day times within this span are counted per day (as `curves.event_table` does)."""
MAX_CELLS = 20_000_000
"""At most this many (group, day) counts at once; more groups or days: a curve per group."""
