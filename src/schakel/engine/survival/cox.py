"""Cause-specific Cox proportional hazards: the 'why' behind returns to exploitation.

Each cause gets its own model in which exits by other routes are censored, so a hazard ratio
says how a factor changes the rate of *that* exit among those still in follow-up. Fitted by
lifelines' CoxPHFitter (Efron ties, the reference implementation here) or, with
`engine="schakel"`, by this package's vectorised engine, which gives the same numbers (tested
against R to 4 decimals) and is several times faster on a million rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from schakel.engine.survival import _partial
from schakel.engine.survival._data import (
    FloatArray,
    IntArray,
    SurvivalDataError,
    as_codes,
    as_times,
    check_alpha,
    column,
    design_matrix,
    group_codes,
)
from schakel.engine.survival.results import HazardModel, sandwich

Engine = Literal["lifelines", "schakel"]


def cause_specific_cox(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    cause: int = 1,
    covariates: Sequence[str],
    strata: str | None = None,
    cluster: str | None = None,
    engine: Engine = "lifelines",
    alpha: float = 0.05,
) -> HazardModel:
    """Cox model for one cause; `event` holds 0 (censored) or the cause code of each exit.

    With `cluster` (e.g. a person id when people have several episodes) the intervals use the
    Lin-Wei robust variance, computed here from score residuals.
    """
    times = as_times(column(data, duration), duration)
    codes = as_codes(column(data, event), times.size, event)
    if not np.any(codes == cause):
        raise SurvivalDataError(f"there are no events of cause {cause}")
    x = design_matrix(data, covariates)
    check_alpha(alpha)
    if engine not in ("lifelines", "schakel"):
        raise SurvivalDataError("engine must be 'lifelines' or 'schakel'")
    layers = group_codes(column(data, strata), times.size, strata) if strata else None
    fitted = codes == cause
    layout, information = None, None
    if engine == "lifelines":
        coef, naive, loglik, null = _fit_lifelines(
            data, duration, fitted, covariates, strata, alpha
        )
    else:
        fit = fit_partial(None, times, fitted, x, layers)
        coef, naive = fit.coef, np.linalg.inv(fit.information)
        loglik, null = fit.log_likelihood, fit.null_log_likelihood
        layout, information = fit.layout, fit.information
    robust = None
    groups = None
    if cluster is not None:
        groups = group_codes(column(data, cluster), times.size, cluster)
        if layout is None:
            robust = robust_variance(None, times, fitted, x, layers, coef, groups)
        else:  # the layout the fit used is the one the sandwich needs: no second build,
            # and the information at `coef` is the fit's last (the same numbers)
            robust = layout_robust_variance(layout, coef, groups, information)
    return assemble(
        model=f"cause-specific Cox, cause {cause}",
        covariates=covariates,
        coef=coef,
        naive=naive,
        robust=robust,
        loglik=(loglik, null),
        counts=(times.size, int(fitted.sum())),
        clusters=groups,
        alpha=alpha,
    )


def fit_partial(
    start: FloatArray | None,
    stop: FloatArray,
    event: np.ndarray,
    x: FloatArray,
    strata: IntArray | None,
    ties: _partial.Ties = "efron",
) -> _partial.Fit:
    """The own engine on plain arrays (no weights: every row counts once)."""
    layers = np.zeros(stop.size, dtype=np.int64) if strata is None else strata
    layout = _partial.build_layout(
        start, stop, event.astype(bool), x, np.ones(stop.size), layers, ties
    )
    return _partial.newton_raphson(layout)


def robust_variance(
    start: FloatArray | None,
    stop: FloatArray,
    event: np.ndarray,
    x: FloatArray,
    strata: IntArray | None,
    coef: FloatArray,
    clusters: IntArray,
    ties: _partial.Ties = "efron",
) -> FloatArray:
    """Lin-Wei sandwich at `coef`, whichever engine found `coef`."""
    layers = np.zeros(stop.size, dtype=np.int64) if strata is None else strata
    layout = _partial.build_layout(
        start, stop, event.astype(bool), x, np.ones(stop.size), layers, ties
    )
    return layout_robust_variance(layout, coef, clusters)


def layout_robust_variance(
    layout: _partial.Layout,
    coef: FloatArray,
    clusters: IntArray,
    information: FloatArray | None = None,
) -> FloatArray:
    """Lin-Wei sandwich at `coef` on a layout already built (`information`: at `coef`, when
    the caller has it)."""
    if information is None:
        _, _, information = _partial.likelihood(layout, coef)
    residuals = _partial.score_residuals(layout, coef)
    return sandwich(information, residuals, clusters)


def _fit_lifelines(
    data: pd.DataFrame,
    duration: str,
    fitted: np.ndarray,
    covariates: Sequence[str],
    strata: str | None,
    alpha: float,
) -> tuple[FloatArray, FloatArray, float, float]:
    from lifelines import CoxPHFitter  # imported late: it pulls in matplotlib and autograd

    columns = [duration, *covariates, *([strata] if strata else [])]
    frame = data.loc[:, columns].copy()
    frame["__event__"] = fitted.astype(np.int64)
    fitter = CoxPHFitter(alpha=alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about convergence style, not results
        fitter.fit(
            frame, duration_col=duration, event_col="__event__", strata=[strata] if strata else None
        )
        ratio = fitter.log_likelihood_ratio_test().test_statistic
    coef = fitter.params_.loc[list(covariates)].to_numpy(dtype=np.float64)
    variance = fitter.variance_matrix_.loc[list(covariates), list(covariates)].to_numpy(
        dtype=np.float64
    )
    loglik = float(fitter.log_likelihood_)
    return coef, variance, loglik, loglik - float(ratio) / 2.0


def assemble(
    *,
    model: str,
    covariates: Sequence[str],
    coef: FloatArray,
    naive: FloatArray,
    robust: FloatArray | None,
    loglik: tuple[float, float],
    counts: tuple[int, int],
    clusters: IntArray | None,
    alpha: float,
    ties: str = "efron",
    variance: str | None = None,
) -> HazardModel:
    naive_se = np.sqrt(np.diag(naive))
    robust_se = None if robust is None else np.sqrt(np.diag(robust))
    label = variance or ("Lin-Wei robust, by cluster" if robust is not None else "model-based")
    return HazardModel(
        model=model,
        covariates=tuple(covariates),
        coef=np.asarray(coef, dtype=np.float64),
        std_error=naive_se if robust_se is None else robust_se,
        naive_std_error=naive_se,
        robust_std_error=robust_se,
        log_likelihood=loglik[0],
        null_log_likelihood=loglik[1],
        n_observations=counts[0],
        n_events=counts[1],
        n_clusters=None if clusters is None else int(clusters.max()) + 1,
        ties=ties,
        variance=label,
        alpha=alpha,
    )
