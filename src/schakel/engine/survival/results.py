"""The result of every hazard regression here: cause-specific Cox, Fine-Gray, AG and PWP."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from schakel.engine.survival._data import FloatArray
from schakel.engine.survival.curves import normal_quantile


@dataclass(frozen=True)
class HazardModel:
    """Coefficients (log hazard ratios) with the standard errors the intervals are built on.

    `std_error` is the robust (sandwich) one when the model has one (clustered data, Fine-Gray)
    and the model-based one otherwise; both are kept so a reader can see the difference.
    """

    model: str
    covariates: tuple[str, ...]
    coef: FloatArray
    std_error: FloatArray
    naive_std_error: FloatArray
    robust_std_error: FloatArray | None
    log_likelihood: float
    null_log_likelihood: float
    n_observations: int
    n_events: int
    n_clusters: int | None
    ties: str
    variance: str
    alpha: float

    @property
    def hazard_ratio(self) -> FloatArray:
        return np.exp(self.coef)

    @property
    def lower(self) -> FloatArray:
        return np.exp(self.coef - normal_quantile(self.alpha) * self.std_error)

    @property
    def upper(self) -> FloatArray:
        return np.exp(self.coef + normal_quantile(self.alpha) * self.std_error)

    @property
    def p_value(self) -> FloatArray:
        return 2.0 * stats.norm.sf(np.abs(self.coef / self.std_error))

    @property
    def likelihood_ratio(self) -> float:
        """Twice the log-likelihood gain over the null model (df = number of covariates)."""
        return 2.0 * (self.log_likelihood - self.null_log_likelihood)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "coef": self.coef,
                "std_error": self.std_error,
                "hazard_ratio": self.hazard_ratio,
                "lower": self.lower,
                "upper": self.upper,
                "p_value": self.p_value,
            },
            index=pd.Index(self.covariates, name="covariate"),
        )


def sandwich(
    information: FloatArray, contributions: FloatArray, clusters: np.ndarray
) -> FloatArray:
    """Lin-Wei robust variance V (sum_c U_c U_c') V, with U_c the score summed per cluster.

    R's coxph(... + cluster(id)) computes exactly this (dfbeta residuals summed by cluster, no
    small-sample scaling).
    """
    bread = np.linalg.inv(information)
    count = int(clusters.max()) + 1
    summed = np.column_stack(
        [np.bincount(clusters, column, minlength=count) for column in contributions.T]
    )
    dfbeta = summed @ bread
    return dfbeta.T @ dfbeta
