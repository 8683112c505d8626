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
