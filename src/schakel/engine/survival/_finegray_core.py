"""Fine-Gray pseudo-likelihood with IPCW weights, its score, information and influence terms.

Someone who exited by a competing route stays in the risk set for the event of interest, with
weight G(t-)/G(T_i-) (G the Kaplan-Meier of censoring), because a person who exited stably
can no longer return to exploitation: that is what makes the model describe the cumulative
incidence. The weight factorises into G(t-) times 1/G(T_i-), so each risk-set sum is a reverse
cumulative sum (everyone still observed) plus G(t-) times a forward one (those exited by a
competing route), and no row is duplicated per event time.

Ties use Breslow's rule and the censoring distribution is evaluated just before each time, as
in cmprsk::crr; the robust variance follows Fine & Gray (1999): the score contribution eta_i
plus the term psi_i for having estimated G.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schakel.engine.survival._data import BoolArray, FloatArray, IntArray, SurvivalDataError
from schakel.engine.survival._partial import SlotMap, features, unpack


@dataclass(frozen=True)
class Setup:
    x: FloatArray  # centred covariates
    times: FloatArray
    failed: BoolArray  # event of interest
    competing: BoolArray
    censored: BoolArray
    slots: FloatArray  # distinct failure times of the event of interest
    slot_of: IntArray  # last slot <= T_i, -1 if none
    deaths: FloatArray  # failures per slot
    g_slot: FloatArray  # G(t-) at each slot
    g_row: FloatArray  # G(T_i-) per row
    features: FloatArray  # 1, x, x_a x_b
    observed_map: SlotMap  # everyone still observed, at their last slot
    ghost_map: SlotMap  # competing exits, from the first slot after their exit


def prepare(times: FloatArray, codes: IntArray, x: FloatArray, cause: int) -> Setup:
    failed = codes == cause
    if not failed.any():
        raise SurvivalDataError(f"there are no events of cause {cause}")
    censored = codes == 0
    slots = np.unique(times[failed])
    slot_of = np.searchsorted(slots, times, side="right") - 1
    competing = ~failed & ~censored
    ghost_slot = np.where(competing & (slot_of + 1 < slots.size), slot_of + 1, -1)
    centred = x - x.mean(axis=0)
    return Setup(
        x=centred,
        times=times,
        failed=failed,
        competing=competing,
        censored=censored,
        slots=slots,
        slot_of=slot_of,
        deaths=np.bincount(slot_of[failed], minlength=slots.size).astype(np.float64),
        g_slot=censoring_survival_before(times, censored, slots),
        g_row=censoring_survival_before(times, censored, times),
        features=features(centred),
        observed_map=SlotMap.build(slots.size, (slot_of, 1.0)),
        ghost_map=SlotMap.build(slots.size, (ghost_slot, 1.0)),
    )


def censoring_survival_before(times: FloatArray, censored: BoolArray, at: FloatArray) -> FloatArray:
    """G(t-): Kaplan-Meier of the censoring times, just before each point in `at`."""
    cut = np.unique(times[censored])
    sorted_times = np.sort(times)
    at_risk = sorted_times.size - np.searchsorted(sorted_times, cut, side="left")
    count = np.bincount(np.searchsorted(cut, times[censored]), minlength=cut.size)
    survival = np.concatenate([[1.0], np.cumprod(1.0 - count / at_risk)])
    return survival[np.searchsorted(cut, at, side="left")]


@dataclass(frozen=True)
class Sums:
    s0: FloatArray
    s1: FloatArray
    s2: FloatArray
    risk: FloatArray


def risk_sums(setup: Setup, coef: FloatArray, *, second: bool = True) -> Sums:
    """Weighted risk-set sums S0, S1, S2 at each failure time of the event of interest."""
    risk = np.exp(setup.x @ coef)
    p = setup.x.shape[1]
    columns = setup.features if second else setup.features[:, : 1 + p]
    observed = setup.observed_map.total(risk, columns)
    scale = np.divide(risk, setup.g_row, out=np.zeros_like(risk), where=setup.g_row > 0)
    ghosts = setup.ghost_map.total(scale, columns)
    total = np.cumsum(observed[::-1], axis=0)[::-1] + setup.g_slot[:, None] * np.cumsum(
        ghosts, axis=0
    )
    if second:
        s0, s1, s2 = unpack(total, p)
    else:
        s0, s1, s2 = total[:, 0], total[:, 1:], np.zeros((setup.slots.size, p, p))
    return Sums(s0, s1, s2, risk)


def pseudo_likelihood(setup: Setup, coef: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """Breslow-type log pseudo-likelihood, score and information."""
    sums = risk_sums(setup, coef)
    d = setup.deaths
    x_failed = setup.x[setup.failed]
    loglik = float((x_failed @ coef).sum() - d @ np.log(sums.s0))
    mean = sums.s1 / sums.s0[:, None]
    score = x_failed.sum(axis=0) - d @ mean
    info = np.einsum("j,jab->ab", d / sums.s0, sums.s2) - np.einsum("j,ja,jb->ab", d, mean, mean)
    return loglik, score, info


def influence(setup: Setup, coef: FloatArray) -> FloatArray:
    """eta_i + psi_i of Fine & Gray (1999), one row per subject, summing to the score."""
    sums = risk_sums(setup, coef, second=False)
    hazard = setup.deaths / sums.s0
    mean = sums.s1 / sums.s0[:, None]
    return _eta(setup, sums.risk, hazard, mean) + _psi(setup, sums.risk, hazard, mean)


def _eta(setup: Setup, risk: FloatArray, hazard: FloatArray, mean: FloatArray) -> FloatArray:
    x, idx = setup.x, setup.slot_of
    cum_h = np.concatenate([[0.0], np.cumsum(hazard)])
    cum_hm = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum(hazard[:, None] * mean, axis=0)])
    eta = -risk[:, None] * (x * cum_h[idx + 1, None] - cum_hm[idx + 1])
    g_h = setup.g_slot * hazard
    tail_h = np.concatenate([np.cumsum(g_h[::-1])[::-1], [0.0]])
    tail_hm = np.concatenate(
        [np.cumsum((g_h[:, None] * mean)[::-1], axis=0)[::-1], np.zeros((1, x.shape[1]))]
    )
    comp = setup.competing & (setup.g_row > 0)
    scale = np.where(comp, risk / np.where(comp, setup.g_row, 1.0), 0.0)
    eta -= scale[:, None] * (x * tail_h[idx + 1, None] - tail_hm[idx + 1])
    failed = setup.failed
    eta[failed] += x[failed] - mean[idx[failed]]
    return eta


def _psi(setup: Setup, risk: FloatArray, hazard: FloatArray, mean: FloatArray) -> FloatArray:
    """The cost of estimating G: integral of q(u)/pi(u) against the censoring martingale."""
    x, times = setup.x, setup.times
    cuts = np.unique(times[setup.censored])
    p = x.shape[1]
    if cuts.size == 0:
        return np.zeros_like(x)
    comp = setup.competing & (setup.g_row > 0)
    order = np.argsort(times[comp], kind="stable")
    weight = (risk[comp] / setup.g_row[comp])[order]
    comp_times = times[comp][order]
    before = np.searchsorted(comp_times, cuts, side="left")  # competing exits with T < u
    a0 = np.concatenate([[0.0], np.cumsum(weight)])[before]
    a1 = np.concatenate([np.zeros((1, p)), np.cumsum(weight[:, None] * x[comp][order], axis=0)])[
        before
    ]
    g_h = setup.g_slot * hazard
    tail_h = np.concatenate([np.cumsum(g_h[::-1])[::-1], [0.0]])
    tail_hm = np.concatenate(
        [np.cumsum((g_h[:, None] * mean)[::-1], axis=0)[::-1], np.zeros((1, p))]
    )
    first = np.searchsorted(setup.slots, cuts, side="left")  # failure times >= u
    q = a1 * tail_h[first, None] - a0[:, None] * tail_hm[first]
    sorted_times = np.sort(times)
    at_risk = sorted_times.size - np.searchsorted(sorted_times, cuts, side="left")
    count = np.bincount(np.searchsorted(cuts, times[setup.censored]), minlength=cuts.size)
    ratio = q / at_risk[:, None]
    compensator = np.concatenate(
        [np.zeros((1, p)), np.cumsum(ratio * (count / at_risk)[:, None], axis=0)]
    )
    upto = np.searchsorted(cuts, times, side="right")
    psi = -compensator[upto]
    own = np.flatnonzero(setup.censored)
    psi[own] += ratio[np.searchsorted(cuts, times[own])]
    return psi
