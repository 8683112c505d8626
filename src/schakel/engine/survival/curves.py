"""Step-function results (survival, cumulative hazard, cumulative incidence, mean count).

A curve is only defined up to the last follow-up time; reading it beyond that would report a
number nobody observed, so `at` returns NaN there instead of carrying the last value forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from schakel.engine.survival._data import ArrayLike, FloatArray, SurvivalDataError, as_times


@dataclass(frozen=True)
class Curve:
    """A right-continuous step function with pointwise confidence limits.

    `times` are the distinct times at which the estimate can change (event times);
    `initial` is its value before the first of them (1 for survival, 0 otherwise).
    """

    estimand: str
    times: FloatArray
    estimate: FloatArray
    std_error: FloatArray
    lower: FloatArray
    upper: FloatArray
    at_risk: FloatArray
    events: FloatArray
    initial: float
    last_time: float
    alpha: float
    variance: str
    interval: str

    def at(self, horizons: ArrayLike) -> pd.DataFrame:
        """The estimate at fixed horizons (for publication, instead of event-time steps)."""
        points = as_times(horizons, "horizons")
        index = np.searchsorted(self.times, points, side="right") - 1
        before = index < 0
        safe = np.where(before, 0, index)
        beyond = points > self.last_time

        def pick(values: FloatArray, start: float) -> FloatArray:
            if values.size == 0:
                picked = np.full(points.size, start)
            else:
                picked = np.where(before, start, values[safe])
            return np.where(beyond, np.nan, picked)

        return pd.DataFrame(
            {
                "horizon": points,
                "estimate": pick(self.estimate, self.initial),
                "std_error": pick(self.std_error, 0.0),
                "lower": pick(self.lower, self.initial),
                "upper": pick(self.upper, self.initial),
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """All steps, for plotting or export by the caller (not for publication as is)."""
        return pd.DataFrame(
            {
                "time": self.times,
                "at_risk": self.at_risk,
                "events": self.events,
                "estimate": self.estimate,
                "std_error": self.std_error,
                "lower": self.lower,
                "upper": self.upper,
            }
        )


def normal_quantile(alpha: float) -> float:
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


def log_interval(
    estimate: FloatArray, std_error: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """exp(log(x) +- z se/x): for positive quantities with no upper bound (hazards, counts)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        factor = np.exp(z * np.divide(std_error, estimate))
        lower = np.where(estimate > 0, estimate / factor, 0.0)
        upper = np.where(estimate > 0, estimate * factor, 0.0)
    return lower, upper


def loglog_interval(
    estimate: FloatArray, std_error: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """x ** exp(+-z se/(x log x)): stays inside (0, 1), so fit for probabilities.

    Returns the limits in increasing order; at x = 0 or 1 the interval collapses onto x.
    """
    inside = (estimate > 0) & (estimate < 1) & (std_error > 0)
    safe = np.where(inside, estimate, 0.5)
    theta = z * np.where(inside, std_error, 0.0) / (safe * np.log(safe))
    with np.errstate(over="ignore"):  # near x = 1 the limits tend to 0 and 1, which is right
        first = safe ** np.exp(theta)
        second = safe ** np.exp(-theta)
    lower = np.where(inside, np.minimum(first, second), estimate)
    upper = np.where(inside, np.maximum(first, second), estimate)
    return lower, upper


def event_table(times: FloatArray, codes: np.ndarray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Distinct event times, the number at risk just before each, and events per code.

    Exact with ties: everyone with time >= t is at risk at t, so events and censorings at the
    same time are handled as R does (censored after the events). `codes` is (n,) or (n, k).
    """
    if times.size == 0:
        raise SurvivalDataError("no observations")
    matrix = codes.reshape(times.size, -1)
    any_event = matrix.sum(axis=1) > 0
    days = _whole_days(times)
    if days is not None:
        return _counted_event_table(times, days, matrix, any_event)
    ordered = np.sort(times[any_event])
    event_times = ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered
    sorted_times = np.sort(times)
    at_risk = sorted_times.size - np.searchsorted(sorted_times, event_times, side="left")
    index = np.searchsorted(event_times, times[any_event])
    events = matrix[any_event].astype(np.float64)
    counts = np.column_stack(
        [np.bincount(index, weights=column, minlength=event_times.size) for column in events.T]
    ).reshape(event_times.size, matrix.shape[1])
    return event_times, at_risk.astype(np.float64), counts


MAX_DAY_SPAN = 1_000_000
"""Whole-day times within this span are counted with `bincount` instead of sorted."""


def _whole_days(times: FloatArray) -> np.ndarray | None:
    """The times as whole numbers from 0 (their minimum), or None when they are not whole
    or too spread out to count them in an array."""
    lowest, highest = float(times.min()), float(times.max())
    if not (np.isfinite(lowest) and np.isfinite(highest)) or highest - lowest > MAX_DAY_SPAN:
        return None
    shifted = times - lowest
    days = shifted.astype(np.int64)
    if not np.array_equal(days, shifted) or lowest != np.floor(lowest):
        return None
    return days


def _counted_event_table(
    times: FloatArray, days: np.ndarray, matrix: np.ndarray, any_event: np.ndarray
) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """`event_table` for whole-number times (follow-up in days), by counting: the same
    arrays in one pass over the rows, without sorting a million of them per curve."""
    span = int(days.max()) + 1
    event_days = days[any_event]
    present = np.flatnonzero(np.bincount(event_days, minlength=span))
    event_times = present.astype(np.float64) + float(times.min())
    earlier = np.concatenate([[0], np.cumsum(np.bincount(days, minlength=span))])
    at_risk = times.size - earlier[present]
    position = np.zeros(span, dtype=np.int64)
    position[present] = np.arange(present.size)
    index = position[event_days]
    events = matrix[any_event].astype(np.float64)
    counts = np.column_stack(
        [np.bincount(index, weights=column, minlength=present.size) for column in events.T]
    ).reshape(present.size, matrix.shape[1])
    return event_times, at_risk.astype(np.float64), counts
