"""Cox partial likelihood for (start, stop] data with strata, case weights and Efron ties.

One vectorised engine serves the cause-specific Cox model, Andersen-Gill and PWP. It exists
because lifelines cannot give what these need: score residuals for a cluster-robust variance
that is right for (start, stop] data (lifelines' is ~30% too high against R), and speed on a
million rows (risk-set sums here are sparse matrix products and cumulative sums, not a
Python loop over event times).

Conventions follow R's coxph: a row is at risk at t when start < t <= stop; tied events use
Efron's approximation with the mean case weight of the tied events; the Newton-Raphson
iteration halves a step that lowers the log likelihood.

The information matrix needs, per slot, the risk-set sum of r x x' (p x p). It is not summed
per slot: its weighted sum over the slots equals one weighted Gram matrix of the rows,
sum_i r_i c_i x_i x_i', where c_i adds the slot weights over the slots row i is at risk in
(a cumulative sum read at its start and stop slot, as for the score residuals). So only the
first-order sums (1 and x) go through the slot maps: 1 + p columns instead of
1 + p + p(p+1)/2 (171 for the monitor's 17 interventions).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse

from schakel.engine.arrays import counted_ranks, narrow
from schakel.engine.survival._data import BoolArray, FloatArray, IntArray, SurvivalDataError

Ties = Literal["efron", "breslow"]


@dataclass(frozen=True)
class SlotMap:
    """Adds weighted rows into slots with one sparse product: row i adds sign * value_i.

    Putting the per-iteration weights into the sparse matrix (rather than scaling the dense
    feature matrix) keeps a Newton step on a million rows to a fraction of a second.
    """

    rows: IntArray
    signs: FloatArray
    indptr: IntArray
    shape: tuple[int, int]

    @classmethod
    def build(cls, size: int, *parts: tuple[IntArray, float]) -> SlotMap:
        """`parts` are (slot of each row or -1 for none, sign) pairs over the same rows."""
        n = parts[0][0].size
        slots = np.concatenate([slot[slot >= 0] for slot, _ in parts])
        rows = np.concatenate([np.flatnonzero(slot >= 0) for slot, _ in parts])
        signs = np.concatenate([np.full(np.count_nonzero(slot >= 0), sign) for slot, sign in parts])
        order = np.argsort(narrow(slots, size), kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(slots, minlength=size))])
        return cls(rows[order], signs[order], indptr.astype(np.int64), (size, n))

    def total(self, values: FloatArray, columns: FloatArray) -> FloatArray:
        matrix = sparse.csr_matrix(
            (values[self.rows] * self.signs, self.rows, self.indptr), shape=self.shape
        )
        return np.asarray(matrix @ columns)


@dataclass(frozen=True)
class Layout:
    """Where each row enters and leaves the risk sets; fixed across iterations."""

    x: FloatArray  # centred covariates, (n, p): a view of `columns`
    weights: FloatArray
    event: BoolArray
    columns: FloatArray  # columns 1, x
    risk_map: SlotMap  # +row at its stop slot, -row at its start slot (then summed from the end)
    event_map: SlotMap  # event rows at their slot
    segments: tuple[tuple[int, int], ...]  # slot ranges of each stratum
    stop_slot: IntArray  # last slot <= stop in the row's stratum, -1 if none
    start_slot: IntArray
    tie_slot: IntArray  # one entry per event, repeated d times per slot
    tie_fraction: FloatArray  # l / d for Efron, 0 for Breslow
    deaths: FloatArray  # events per slot
    mean_weight: FloatArray  # mean case weight of the events per slot
    # the terms at the last coefficients asked for: a fit's last step is where the robust
    # variance reads them again (the same arrays, not computed twice)
    last: dict[bytes, tuple[Terms, FloatArray]] = field(default_factory=dict, compare=False)

    @property
    def late_entry(self) -> bool:
        """Whether any row enters a risk set after the first slot (has a start slot)."""
        return bool(np.any(self.start_slot >= 0))


@dataclass(frozen=True)
class Terms:
    """Risk-set sums and the Efron sums over tied events, per slot."""

    s0: FloatArray
    s1: FloatArray
    e0: FloatArray
    e1: FloatArray
    inv1: FloatArray  # sum_l 1/den
    frac1: FloatArray  # sum_l f/den
    inv2: FloatArray  # sum_l 1/den^2
    frac2: FloatArray  # sum_l f/den^2
    fracsq2: FloatArray  # sum_l f^2/den^2
    logden: FloatArray  # sum_l log den


@dataclass(frozen=True)
class Fit:
    coef: FloatArray
    information: FloatArray
    log_likelihood: float
    null_log_likelihood: float
    iterations: int
    layout: Layout


def build_layout(
    start: FloatArray | None,
    stop: FloatArray,
    event: BoolArray,
    x: FloatArray,
    weights: FloatArray,
    strata: IntArray,
    ties: Ties,
) -> Layout:
    """Index rows against the distinct event times of their stratum ('slots')."""
    if not event.any():
        raise SurvivalDataError("there are no events, so the model cannot be fitted")
    n = stop.size
    ranks = _ranks(stop if start is None else np.concatenate([stop, start]))
    stop_rank = ranks[:n]
    width = int(ranks.max()) + 2
    stop_key = strata * width + stop_rank
    slot_keys = np.unique(stop_key[event])
    slot_stratum = slot_keys // width
    stop_slot = _slot_of(slot_keys, slot_stratum, stop_key, strata)
    start_slot = np.full(n, -1, dtype=np.int64)
    if start is not None:
        start_key = strata * width + ranks[n:]
        start_slot = _slot_of(slot_keys, slot_stratum, start_key, strata)
    tie_slot = np.searchsorted(slot_keys, stop_key[event])
    deaths = np.bincount(tie_slot, minlength=slot_keys.size).astype(np.float64)
    mean_weight = np.bincount(tie_slot, weights[event], minlength=slot_keys.size) / deaths
    tie_slot, fraction = _tie_positions(tie_slot, deaths)
    boundaries = np.flatnonzero(np.diff(slot_stratum)) + 1
    edges = [0, *boundaries.tolist(), slot_keys.size]
    columns = np.empty((n, 1 + x.shape[1]))
    columns[:, 0] = 1.0
    np.subtract(x, x.mean(axis=0), out=columns[:, 1:])
    event_slot = np.where(event, np.searchsorted(slot_keys, stop_key), -1)
    return Layout(
        x=columns[:, 1:],
        weights=weights,
        event=event,
        columns=columns,
        risk_map=SlotMap.build(slot_keys.size, (stop_slot, 1.0), (start_slot, -1.0)),
        event_map=SlotMap.build(slot_keys.size, (event_slot, 1.0)),
        segments=tuple(itertools.pairwise(edges)),
        stop_slot=stop_slot,
        start_slot=start_slot,
        tie_slot=tie_slot,
        tie_fraction=fraction if ties == "efron" else np.zeros_like(fraction),
        deaths=deaths,
        mean_weight=mean_weight,
    )


def _tie_positions(tie_slot: IntArray, deaths: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each of the d events tied at a slot gets its Efron fraction 0, 1/d, ..., (d-1)/d."""
    ordered = np.sort(narrow(tie_slot, deaths.size), kind="stable").astype(np.int64)
    first = np.searchsorted(ordered, ordered, side="left")
    return ordered, (np.arange(ordered.size) - first) / deaths[ordered]


def _ranks(times: FloatArray) -> IntArray:
    """`np.unique(times, return_inverse=True)[1]`: each time's rank among the distinct
    times; whole days within a modest span are ranked by counting instead of sorting."""
    lowest, highest = float(times.min()), float(times.max())
    if lowest == np.floor(lowest) and highest - lowest <= MAX_RANK_SPAN:
        days = (times - lowest).astype(np.int64)
        if np.array_equal(days, times - lowest):
            return counted_ranks(days)
    return np.unique(times, return_inverse=True)[1]


MAX_RANK_SPAN = 1_000_000
"""Whole-day times within this span are ranked by counting."""


def _slot_of(
    slot_keys: IntArray, slot_stratum: IntArray, keys: IntArray, strata: IntArray
) -> IntArray:
    """The last slot at or before each key within the same stratum, or -1."""
    index = np.searchsorted(slot_keys, keys, side="right") - 1
    valid = (index >= 0) & (slot_stratum[np.maximum(index, 0)] == strata)
    return np.where(valid, index, -1)


def features(x: FloatArray) -> FloatArray:
    """Columns 1, x and the products x_a x_b (a <= b), filled column by column (Fine-Gray's
    risk-set sums of second order)."""
    n, p = x.shape
    upper = np.triu_indices(p)
    columns = x.T.copy()
    out = np.empty((1 + p + upper[0].size, n))
    out[0] = 1.0
    out[1 : 1 + p] = columns
    for k, (a, b) in enumerate(zip(*upper, strict=True)):
        np.multiply(columns[a], columns[b], out=out[1 + p + k])
    return np.ascontiguousarray(out.T)


def unpack(columns: FloatArray, p: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Split feature sums into order 0 (slots,), 1 (slots, p) and 2 (slots, p, p)."""
    upper = np.triu_indices(p)
    second = np.zeros((columns.shape[0], p, p))
    second[:, upper[0], upper[1]] = columns[:, 1 + p :]
    second[:, upper[1], upper[0]] = columns[:, 1 + p :]
    return columns[:, 0], columns[:, 1 : 1 + p], second


def _within_strata_from_end(values: FloatArray, layout: Layout) -> FloatArray:
    """Reverse cumulative sums restarted in every stratum: risk sets shrink over time."""
    out = np.empty_like(values)
    for begin, end in layout.segments:
        out[begin:end] = np.cumsum(values[begin:end][::-1], axis=0)[::-1]
    return out


def _within_strata_from_start(values: FloatArray, layout: Layout) -> FloatArray:
    out = np.empty_like(values)
    for begin, end in layout.segments:
        out[begin:end] = np.cumsum(values[begin:end], axis=0)
    return out


def compute_terms(layout: Layout, coef: FloatArray) -> tuple[Terms, FloatArray]:
    """Everything the log likelihood, score, information and residuals need at `coef`."""
    key = np.asarray(coef, dtype=np.float64).tobytes()
    if key not in layout.last:
        layout.last.clear()
        layout.last[key] = _compute_terms(layout, coef)
    return layout.last[key]


def _compute_terms(layout: Layout, coef: FloatArray) -> tuple[Terms, FloatArray]:
    risk = layout.weights * np.exp(layout.x @ coef)
    at_risk = _within_strata_from_end(layout.risk_map.total(risk, layout.columns), layout)
    s0, s1 = at_risk[:, 0], at_risk[:, 1:]
    entering = layout.event_map.total(risk, layout.columns)
    e0, e1 = entering[:, 0], entering[:, 1:]
    slot, fraction = layout.tie_slot, layout.tie_fraction
    den = s0[slot] - fraction * e0[slot]
    if np.any(den <= 0):
        raise SurvivalDataError("an empty risk set: check the (start, stop] intervals")
    size = s0.size

    def per_slot(values: FloatArray) -> FloatArray:
        return np.bincount(slot, values, minlength=size).astype(np.float64)

    terms = Terms(
        s0=s0,
        s1=s1,
        e0=e0,
        e1=e1,
        inv1=per_slot(1.0 / den),
        frac1=per_slot(fraction / den),
        inv2=per_slot(1.0 / den**2),
        frac2=per_slot(fraction / den**2),
        fracsq2=per_slot(fraction**2 / den**2),
        logden=per_slot(np.log(den)),
    )
    return terms, risk


def second_order(
    layout: Layout, risk: FloatArray, at_risk: FloatArray, events: FloatArray
) -> FloatArray:
    """sum_j at_risk_j S2_j - sum_j events_j E2_j (p x p), where S2_j is the sum of
    r x x' over the risk set of slot j and E2_j over its events, as one Gram matrix:
    row i weighs r_i times the sum of `at_risk` over the slots it is at risk in, minus (an
    event row) r_i times `events` at its slot."""
    summed = _pad(_within_strata_from_start(at_risk, layout))
    scale = risk * _exposure(summed, layout)
    rows = np.flatnonzero(layout.event)
    scale[rows] -= risk[rows] * events[layout.stop_slot[rows]]
    columns = layout.columns  # contiguous (x is a view): the product runs in BLAS
    return np.asarray((columns * scale[:, None]).T @ columns)[1:, 1:]


def likelihood(layout: Layout, coef: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """Log partial likelihood, score vector and information matrix at `coef`."""
    terms, risk = compute_terms(layout, coef)
    w = layout.mean_weight
    observed = layout.weights[layout.event]
    x_events = layout.x[layout.event]
    loglik = float(observed @ (x_events @ coef) - w @ terms.logden)
    mean_sum = terms.s1 * terms.inv1[:, None] - terms.e1 * terms.frac1[:, None]
    score = observed @ x_events - w @ mean_sum
    s1, e1 = terms.s1, terms.e1
    outer = (
        np.einsum("j,ja,jb->ab", w * terms.inv2, s1, s1)
        - np.einsum("j,ja,jb->ab", w * terms.frac2, s1, e1)
        - np.einsum("j,ja,jb->ab", w * terms.frac2, e1, s1)
        + np.einsum("j,ja,jb->ab", w * terms.fracsq2, e1, e1)
    )
    second = second_order(layout, risk, w * terms.inv1, w * terms.frac1)
    return loglik, score, second - outer


Objective = Callable[[FloatArray], tuple[float, FloatArray, FloatArray]]


def maximise(
    objective: Objective, p: int, *, tolerance: float = 1e-10, max_iter: int = 50
) -> tuple[FloatArray, float, FloatArray, float, int]:
    """Newton-Raphson from 0, halving any step that lowers the objective (as coxph and crr).

    Returns coefficients, maximum, information there, value at 0, and iterations used.
    """
    coef = np.zeros(p)
    loglik, score, info = objective(coef)
    null = loglik
    for iteration in range(1, max_iter + 1):
        if not np.linalg.cond(info) < 1e12:
            raise SurvivalDataError("singular information matrix: collinear covariates?")
        step = np.linalg.solve(info, score)
        trial = coef + step
        new_loglik, new_score, new_info = objective(trial)
        halvings = 0
        while not new_loglik >= loglik - 1e-12 * abs(loglik) and halvings < 30:
            trial = (coef + trial) / 2.0
            new_loglik, new_score, new_info = objective(trial)
            halvings += 1
        change = abs(new_loglik - loglik)
        coef, loglik, score, info = trial, new_loglik, new_score, new_info
        if change <= tolerance * abs(loglik) and np.max(np.abs(step)) < 1e-6:
            return coef, loglik, info, null, iteration
    raise SurvivalDataError("the model did not converge (monotone likelihood?)")


def newton_raphson(layout: Layout) -> Fit:
    """Maximise the partial likelihood of `layout`."""
    coef, loglik, info, null, iterations = maximise(
        lambda beta: likelihood(layout, beta), layout.x.shape[1]
    )
    return Fit(coef, info, loglik, null, iterations, layout)


def score_residuals(layout: Layout, coef: FloatArray) -> FloatArray:
    """Per-row score residuals (R's residuals(type = "score")), Efron-exact.

    An event row gets x minus the mean of x over the tied risk sets; every row at risk loses
    its share of the expected score; tied events are only partly at risk in later Efron terms.
    """
    terms, risk = compute_terms(layout, coef)
    w = layout.mean_weight
    hazard = w * terms.inv1
    mean_hazard = w[:, None] * (terms.s1 * terms.inv2[:, None] - terms.e1 * terms.frac2[:, None])
    frac_hazard = w * terms.frac1
    frac_mean = w[:, None] * (terms.s1 * terms.frac2[:, None] - terms.e1 * terms.fracsq2[:, None])
    average = (terms.s1 * terms.inv1[:, None] - terms.e1 * terms.frac1[:, None]) / layout.deaths[
        :, None
    ]
    cum_hazard = _pad(_within_strata_from_start(hazard, layout))
    cum_mean = _pad(_within_strata_from_start(mean_hazard, layout))
    exposure = _exposure(cum_hazard, layout)
    x = layout.x
    residuals = x * exposure[:, None]  # in place: the same numbers, fewer (n, p) copies
    residuals -= _exposure(cum_mean, layout)
    residuals *= -risk[:, None]
    events = np.flatnonzero(layout.event)
    slot = layout.stop_slot[events]
    residuals[events] += x[events] - average[slot]
    residuals[events] += risk[events, None] * (
        x[events] * frac_hazard[slot, None] - frac_mean[slot]
    )
    return residuals


def _exposure(summed: FloatArray, layout: Layout) -> FloatArray:
    """A padded cumulative sum read at each row's stop slot minus at its start slot; rows
    that are at risk from the beginning read nothing at the start (minus 0: the same)."""
    at_stop = summed[layout.stop_slot + 1]
    if not layout.late_entry:
        return at_stop
    return at_stop - summed[layout.start_slot + 1]


def _pad(values: FloatArray) -> FloatArray:
    """Prepend a zero so that slot -1 (not yet at risk) reads as nothing accumulated."""
    return np.concatenate([np.zeros((1, *values.shape[1:])), values])
