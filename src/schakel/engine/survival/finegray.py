"""Fine-Gray subdistribution hazard model: covariate effects on the cumulative incidence.

Use it for 'does this factor change how many return to exploitation by 12 months', and the
cause-specific Cox model for 'does it change the rate of return among those still at risk';
the two can differ in sign when a factor also speeds up the competing exits. lifelines has no
Fine-Gray; this follows cmprsk::crr (IPCW weights from the Kaplan-Meier of censoring, Breslow
ties, robust sandwich variance with the term for the estimated weights) and matches it on the
bmt data to the printed digits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from schakel.engine.survival import _finegray_core as core
from schakel.engine.survival._data import (
    SurvivalDataError,
    as_codes,
    as_times,
    check_alpha,
    column,
    design_matrix,
)
from schakel.engine.survival._partial import maximise
from schakel.engine.survival.cox import assemble
from schakel.engine.survival.results import HazardModel


def fine_gray(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    cause: int = 1,
    covariates: Sequence[str],
    alpha: float = 0.05,
) -> HazardModel:
    """Subdistribution hazard ratios for `cause`; `event` holds 0 (censored) or a cause code.

    The intervals use the robust variance (the model-based one ignores that the IPCW weights
    were estimated and is kept only for comparison). The log likelihood is the pseudo one.
    """
    times = as_times(column(data, duration), duration)
    codes = as_codes(column(data, event), times.size, event)
    if cause < 1:
        raise SurvivalDataError("cause must be a positive code")
    x = design_matrix(data, covariates)
    check_alpha(alpha)
    setup = core.prepare(times, codes, x, cause)
    coef, loglik, info, null, _ = maximise(
        lambda beta: core.pseudo_likelihood(setup, beta), x.shape[1]
    )
    bread = np.linalg.inv(info)
    contributions = core.influence(setup, coef)
    robust = bread @ contributions.T @ contributions @ bread
    return assemble(
        model=f"Fine-Gray subdistribution hazard, cause {cause}",
        covariates=covariates,
        coef=coef,
        naive=bread,
        robust=robust,
        loglik=(loglik, null),
        counts=(times.size, int(setup.failed.sum())),
        clusters=None,
        alpha=alpha,
        ties="breslow",
        variance="robust sandwich (Fine & Gray 1999), as cmprsk::crr",
    )
