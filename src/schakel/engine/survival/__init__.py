"""Survival estimators for the effectiveness monitor, checked against R.

Curves (`Curve`, read at fixed horizons with `.at`):
    kaplan_meier, nelson_aalen, aalen_johansen (-> CompetingRisks), mean_cumulative_function
Loss to follow-up: loss_sensitivity (standard, IPCW, best/worst case), fit_censoring_model
Hazard regressions (`HazardModel`, with `.table()`):
    cause_specific_cox, fine_gray, andersen_gill, prentice_williams_peterson

Inputs are numpy arrays, pandas Series or DataFrame columns, with integer or float times.
Event codes: 0 censored, 1..K the cause of exit. See docs/survival.md for estimands and
variances.
"""

from schakel.engine.survival._data import SurvivalDataError
from schakel.engine.survival.censoring import (
    CensoringModel,
    fit_censoring_model,
    ipcw_cumulative_incidence,
    loss_sensitivity,
)
from schakel.engine.survival.competing import CompetingRisks, aalen_johansen
from schakel.engine.survival.cox import cause_specific_cox
from schakel.engine.survival.curves import Curve
from schakel.engine.survival.finegray import fine_gray
from schakel.engine.survival.km import kaplan_meier, nelson_aalen
from schakel.engine.survival.recurrent import (
    andersen_gill,
    mean_cumulative_function,
    prentice_williams_peterson,
)
from schakel.engine.survival.results import HazardModel

__all__ = [
    "CensoringModel",
    "CompetingRisks",
    "Curve",
    "HazardModel",
    "SurvivalDataError",
    "aalen_johansen",
    "andersen_gill",
    "cause_specific_cox",
    "fine_gray",
    "fit_censoring_model",
    "ipcw_cumulative_incidence",
    "kaplan_meier",
    "loss_sensitivity",
    "mean_cumulative_function",
    "nelson_aalen",
    "prentice_williams_peterson",
]
