"""Loss to follow-up: how much could the cumulative incidence of return change if the people
who disappeared were unlike those who stayed in contact?

The standard estimate (Aalen-Johansen) treats someone lost to follow-up as censored: as if
they would have returned at the same rate as comparable people still followed. Disappearing
may be informative (people who are back in exploitation are hard to reach), so analytics.md
asks for the loss to be reported separately with a sensitivity analysis. Three answers:

- **IPCW**: inverse probability of censoring weighting. A Cox model for the hazard of being
  lost (on strata such as form, region, age group, interventions) gives each person the
  probability K_i(t) of still being followed at t; at every event time the people at risk
  and the events count with weight 1 / K_i(t-). People like those who were lost stand in
  for them, so the estimate is unbiased if loss depends only on the modelled strata. With a
  censoring model that has no covariates every weight at a given time is the same and the
  estimate equals the standard one exactly.
- **Best case** (lower bound): every lost person is counted as not returned, a competing
  exit at the moment of loss.
- **Worst case** (upper bound): every lost person is counted as returned at the moment of
  loss.

Weights are capped (`max_weight`, default 20, i.e. K at least 0.05) so that a few people with
an extreme predicted loss cannot dominate; administrative censoring (still followed at the
as-of date) stays ordinary censoring in all four.
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
)
from schakel.engine.survival.competing import aalen_johansen

MAX_WEIGHT = 20.0
CHUNK = 2048  # risk scores summed at once in the weighted risk sets
MIN_EVENTS = 5  # a covariate level needs this many lost people (and others) to get a term


@dataclass(frozen=True)
class CensoringModel:
    """A Cox model for the hazard of being lost, with its Breslow baseline.

    `terms` are (column, level) pairs: a term is 1 where the column equals the level (for a
    boolean column the level is True). `note` says why covariates were left out, if they were.
    """

    terms: tuple[tuple[str, object], ...]
    coef: FloatArray
    times: FloatArray  # distinct times at which someone was lost
    cumulative_hazard: FloatArray  # baseline cumulative hazard of loss at `times`
    max_weight: float = MAX_WEIGHT
    note: str = ""

    def design(self, data: pd.DataFrame) -> FloatArray:
        matrix = np.zeros((len(data), len(self.terms)), dtype=np.float64)
        coded: dict[str, tuple[np.ndarray, dict[object, int]]] = {}
        for j, (name, level) in enumerate(self.terms):
            if name not in coded:  # compare integer codes, not strings, once per column
                codes, uniques = pd.factorize(data[name])
                coded[name] = (codes, {value: code for code, value in enumerate(uniques)})
            codes, lookup = coded[name]
            matrix[:, j] = codes == lookup.get(level, -2)
        return matrix

    def risk(self, data: pd.DataFrame) -> FloatArray:
        """exp(x'b) of every row of `data` (1 when the model has no covariates)."""
        if not self.terms:
            return np.ones(len(data), dtype=np.float64)
        return np.exp(self.design(data) @ self.coef)

    def hazard_before(self, times: FloatArray) -> FloatArray:
        """Baseline cumulative hazard of loss just before each of `times`."""
        if self.times.size == 0:
            return np.zeros(np.shape(times))
        index = np.searchsorted(self.times, times, side="left") - 1
        return np.where(index >= 0, self.cumulative_hazard[np.maximum(index, 0)], 0.0)


def fit_censoring_model(
    data: pd.DataFrame,
    *,
    duration: str,
    lost: str,
    covariates: Sequence[str] = (),
    max_weight: float = MAX_WEIGHT,
    min_events: int = MIN_EVENTS,
) -> CensoringModel:
    """Cox model (Breslow ties) for being lost to follow-up; every other ending censors it.

    Categorical and boolean covariates become one term per level (the most common level is
    the reference); a level with fewer than `min_events` lost people, or whose complement
    has fewer, joins the reference, so the model stays estimable in small strata.
    """
    from schakel.engine.survival.cox import fit_partial  # the own engine, no lifelines

    times = as_times(data[duration].to_numpy(), duration)
    gone = data[lost].to_numpy().astype(bool)
    if max_weight < 1:
        raise SurvivalDataError("max_weight must be at least 1")
    terms = _terms(data, covariates, gone, min_events)
    coef = np.zeros(len(terms))
    note = ""
    if terms and gone.any():
        probe = CensoringModel(tuple(terms), coef, np.array([]), np.array([]), max_weight)
        try:
            fit = fit_partial(None, times, gone, probe.design(data), None, ties="breslow")
            coef = np.asarray(fit.coef, dtype=np.float64)
            if not np.all(np.isfinite(coef)):
                raise SurvivalDataError("the censoring model did not converge")
        except (SurvivalDataError, np.linalg.LinAlgError) as error:
            terms, coef, note = [], np.zeros(0), f"covariates left out: {error}"
    elif covariates and not terms:
        note = "no covariate level has enough lost people; weights do not depend on covariates"
    model = CensoringModel(tuple(terms), coef, np.array([]), np.array([]), max_weight, note)
    loss_times, cumulative = _breslow(times, gone, model.risk(data))
    return CensoringModel(tuple(terms), coef, loss_times, cumulative, max_weight, note)


def _terms(
    data: pd.DataFrame, covariates: Sequence[str], gone: np.ndarray, min_events: int
) -> list[tuple[str, object]]:
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise SurvivalDataError(f"unknown column(s): {', '.join(missing)}")
    terms: list[tuple[str, object]] = []
    total_lost = int(gone.sum())
    for name in covariates:
        values = data[name]
        if values.isna().any():
            raise SurvivalDataError(f"{name} has missing values; label them first")
        counts = values.value_counts(sort=True)
        reference = counts.index[0] if len(counts) else None
        for level in counts.index:
            if level == reference:
                continue
            inside = (values.to_numpy() == level) & gone
            if min_events <= int(inside.sum()) <= total_lost - min_events:
                terms.append((name, level))
    return terms


def _breslow(
    times: FloatArray, gone: np.ndarray, risk: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """H0(t) = sum over loss times s <= t of d(s) / sum over j at risk at s of exp(x_j b)."""
    loss_times = np.unique(times[gone])
    if loss_times.size == 0:
        return loss_times, np.zeros(0)
    order = np.argsort(times, kind="stable")
    sorted_times = times[order]
    tail = np.cumsum(risk[order][::-1])[::-1]  # risk summed over everyone with time >= t
    first = np.searchsorted(sorted_times, loss_times, side="left")
    deaths = np.bincount(np.searchsorted(loss_times, times[gone]), minlength=loss_times.size)
    return loss_times, np.cumsum(deaths / tail[first])


def ipcw_cumulative_incidence(
    durations: ArrayLike,
    events: ArrayLike,
    *,
    risk: ArrayLike,
    model: CensoringModel,
    horizons: ArrayLike,
    cause: int = 1,
) -> FloatArray:
    """Aalen-Johansen with time-varying weights 1 / K_i(t-), read at `horizons` (NaN beyond
    the last follow-up). `risk` is `model.risk(...)` of these rows."""
    times = as_times(durations)
    codes = as_codes(events, times.size)
    scores = np.asarray(risk, dtype=np.float64).ravel()
    if scores.size != times.size or not np.all(np.isfinite(scores)) or np.any(scores <= 0):
        raise SurvivalDataError("risk must hold one positive score per row")
    points = as_times(horizons, "horizons")
    grid = np.unique(times[(codes > 0) & (times <= points.max())])
    result = np.zeros(points.size)
    if grid.size:
        incidence = _weighted_incidence(times, codes, scores, model, grid, cause)
        index = np.searchsorted(grid, points, side="right") - 1
        result = np.where(index >= 0, incidence[np.maximum(index, 0)], 0.0)
    return np.where(points > times.max(), np.nan, result)


def _weighted_incidence(
    times: FloatArray,
    codes: np.ndarray,
    scores: FloatArray,
    model: CensoringModel,
    grid: FloatArray,
    cause: int,
) -> FloatArray:
    """The weighted Aalen-Johansen at each grid time. People with the same risk score share
    their weights, so the risk sets are summed per score (in chunks, to bound memory)."""
    log_cap = np.log(model.max_weight)
    hazard = model.hazard_before(grid)
    slot = np.searchsorted(grid, times, side="right")  # grid times <= t: at risk at those
    patterns, pattern = np.unique(np.round(scores, 12), return_inverse=True)
    width = grid.size + 1
    weighted_risk = np.zeros(grid.size)
    for first in range(0, patterns.size, CHUNK):
        last = min(first + CHUNK, patterns.size)
        inside = (pattern >= first) & (pattern < last)
        counts = np.bincount(
            (pattern[inside] - first) * width + slot[inside], minlength=(last - first) * width
        ).reshape(last - first, width)
        at_risk = np.cumsum(counts[:, :0:-1], axis=1)[:, ::-1]  # column j: slot > j
        weight = np.exp(np.minimum(np.outer(patterns[first:last], hazard), log_cap))
        weighted_risk += np.einsum("pj,pj->j", at_risk, weight)
    ended = (slot > 0) & (codes > 0)
    ended &= times == grid[np.maximum(slot - 1, 0)]
    moment = slot[ended] - 1
    weight = np.exp(np.minimum(hazard[moment] * scores[ended], log_cap))
    every = np.bincount(moment, weights=weight, minlength=grid.size) / weighted_risk
    own_weight = np.where(codes[ended] == cause, weight, 0.0)
    own = np.bincount(moment, weights=own_weight, minlength=grid.size) / weighted_risk
    after = np.cumprod(1.0 - every)
    before = np.concatenate(([1.0], after[:-1]))
    return np.cumsum(before * own)


def loss_sensitivity(
    durations: ArrayLike,
    events: ArrayLike,
    lost: ArrayLike,
    *,
    horizons: ArrayLike,
    cause: int = 1,
    risk: ArrayLike | None = None,
    model: CensoringModel | None = None,
) -> pd.DataFrame:
    """Cumulative incidence of `cause` at `horizons` four ways: standard (lost censored),
    IPCW (needs `model` and `risk`; without them, lost people are weighted by a censoring
    model with no covariates, which equals the standard), best case and worst case."""
    times = as_times(durations)
    codes = as_codes(events, times.size)
    gone = np.asarray(lost).astype(bool).ravel()
    if gone.size != times.size:
        raise SurvivalDataError("lost has a different length than durations")
    if np.any(gone & (codes != 0)):
        raise SurvivalDataError("a lost person must be censored (event code 0)")
    points = as_times(horizons, "horizons")
    if model is None:
        model = fit_censoring_model(
            pd.DataFrame({"t": times, "lost": gone}), duration="t", lost="lost"
        )
        risk = np.ones(times.size)
    elif risk is None:
        raise SurvivalDataError("give the risk scores of these rows with the model")
    other = int(max(codes.max(), cause)) + 1
    return pd.DataFrame(
        {
            "horizon": points,
            "standard": _aalen_johansen_at(times, codes, cause, points),
            "ipcw": ipcw_cumulative_incidence(
                times, codes, risk=risk, model=model, horizons=points, cause=cause
            ),
            "best_case": _aalen_johansen_at(times, np.where(gone, other, codes), cause, points),
            "worst_case": _aalen_johansen_at(times, np.where(gone, cause, codes), cause, points),
        }
    )


def _aalen_johansen_at(
    times: FloatArray, codes: np.ndarray, cause: int, points: FloatArray
) -> FloatArray:
    if not np.any(codes > 0):
        return np.where(points > times.max(), np.nan, 0.0)
    curve = aalen_johansen(times, codes, causes=[cause]).incidence[cause]
    return curve.at(points)["estimate"].to_numpy()
