"""Cell suppression for any set of published counts that are sums of the same base cells.

A release publishes quantities (table cells, margins, totals, cumulative counts), each the sum
of some base cells of one underlying cross-classification. The algorithm:

1. **Primary**: a quantity with fewer than k (persons) is suppressed. With `zero_is_safe` a
   zero is published (no one is in it); by default 0 is below k like any other small count.
   A published zero inside a suppressed quantity is suppressed too (ADR 0021, amended): next
   to a hidden total it would tell that the hidden group is all in the other cells (nobody
   of those few returned, all of them came from one region).
2. **Secondary, per equation**: wherever a published quantity is exactly the sum of cells of
   another table (a row and its margin, a margin and the total ...), the equation must not have
   exactly one suppressed member (it would be its difference), and the suppressed cells under a
   published total must together hold at least k (otherwise the difference isolates a small
   group). A published quantity inside another published one must not differ from it by
   fewer than k. Each violation suppresses the smallest published cell of that equation
   (the "next smallest"); this repeats until nothing changes.
3. **Audit**: a suppressed quantity is still disclosed if it is a linear combination of
   published ones (for example through a chain of rows and columns, the "bridge" the per-row
   rule misses). This is checked exactly: is its indicator vector in the row space of the
   published ones? If so, the published quantity with a non-zero weight in that combination
   and the smallest count is suppressed, and steps 2-3 repeat.

Which published quantity is sacrificed is a choice: by default the smallest count, as above.
A release can give quantities a `priority` (the headline figures higher): then the lowest
priority is taken first and the smallest count among those, so secondary suppression falls
on detail cells before it falls on a headline. The protection (the rules and the audit) is
the same whatever the choice.

Every round suppresses at least one more quantity, so it ends; at worst everything is
suppressed. The audit proves linear protection (no suppressed value is determined exactly);
it does not compute feasibility intervals under non-negativity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import linalg, sparse

from schakel.engine.disclosure.errors import DisclosureError, check_k
from schakel.engine.disclosure.remembered import remembered

IntArray: TypeAlias = npt.NDArray[np.signedinteger[Any]]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
TOLERANCE = 1e-9


class Status(IntEnum):
    PUBLISHED = 0
    PRIMARY = 1
    SECONDARY = 2


_PUBLISHED, _SECONDARY = int(Status.PUBLISHED), int(Status.SECONDARY)  # fast in loops


@dataclass(frozen=True)
class Quantities:
    """What a release publishes: quantity i is the sum of base cells `members[i]`.

    `values` are additive counts (episodes or persons); `persons` (optional) are the distinct
    persons behind each quantity for the threshold; `table` says which table a quantity
    belongs to (cells of one table must not overlap).
    """

    values: IntArray
    members: tuple[IntArray, ...]
    table: IntArray
    base_cells: int
    persons: IntArray | None = None
    priority: IntArray | None = None
    """Optional, one per quantity: secondary suppression takes the lowest priority first."""
    hidden: tuple[IntArray, ...] = ()
    """Groups of base cells that are never published but must not be derivable either: small
    groups a release implies without publishing them, such as the units that came into a
    count since the previous release (ADR 0026). The audit treats each as a suppressed
    quantity; the per-equation rules do not see them."""


@dataclass(frozen=True)
class Suppression:
    status: npt.NDArray[np.int8]
    rounds: int

    @property
    def suppressed(self) -> BoolArray:
        return self.status != Status.PUBLISHED


@dataclass(frozen=True)
class _Structure:
    matrix: npt.NDArray[np.float64]
    hidden: npt.NDArray[np.float64]  # rows of `Quantities.hidden` over the base cells
    equations: tuple[tuple[int, IntArray], ...]
    nested: npt.NDArray[np.int64]  # rows (inner, outer): inner strictly inside outer


def suppress(
    quantities: Quantities,
    *,
    k: int,
    zero_is_safe: bool = False,
    fixed: npt.ArrayLike | None = None,
    batch: bool = False,
    publish_known: bool = False,
) -> Suppression:
    """Primary and secondary suppression of `quantities` (see the module docstring).

    `batch`: each audit round resolves every determined quantity at once (one suppression
    for each whose combination no earlier pick of the round touches) instead of the first
    only. Far fewer rounds on large releases, sometimes a few more suppressions; the final
    audit is the same, so the protection is too.

    `fixed` (optional, one int per quantity): -1 where the algorithm decides, otherwise a
    `Status` the quantity already has in an earlier release (a total published elsewhere);
    only the other quantities are suppressed to protect around them. If that is impossible
    the fixed statuses contradict the data and DisclosureError is raised.

    `publish_known` (with `fixed`): a free quantity that the fixed published ones already
    determine (the same count in the previous release, ADR 0026) is published: hiding it
    would hide nothing, and the rules could not protect around it.
    """
    check_k(k)
    values = np.asarray(quantities.values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise DisclosureError("counts must not be negative")
    persons = values if quantities.persons is None else np.asarray(quantities.persons)
    status = np.where(_below(persons, k, zero_is_safe), Status.PRIMARY, Status.PUBLISHED)
    status = status.astype(np.int8)
    free = np.ones(values.size, dtype=bool)
    if fixed is not None:
        given = np.asarray(fixed, dtype=np.int64).ravel()
        if given.size != values.size or np.any(given > max(Status)):
            raise DisclosureError("fixed needs one status (or -1) per quantity")
        free = given < 0
        status[~free] = given[~free]
    structure = remembered(quantities, _structure)  # the same members: built once
    if publish_known and fixed is not None and np.any(~free):
        known = np.where(~free & (status == Status.PUBLISHED), Status.PUBLISHED, Status.PRIMARY)
        derived = determined(known.astype(np.int8), structure.matrix) & free
        status[derived] = Status.PUBLISHED
        free &= ~derived
    cost = _costs(values, quantities.priority)
    rounds = 0
    while True:
        rounds += 1
        _secondary_until_stable(status, values, cost, structure, k, zero_is_safe, free)
        if batch:
            extras = _audit_batch(status, cost, structure.matrix, free, structure.hidden)
            if not extras:
                return Suppression(status, rounds)
            status[extras] = Status.SECONDARY
            continue
        extra = _audit(status, cost, structure.matrix, free, structure.hidden)
        if extra is None:
            return Suppression(status, rounds)
        status[extra] = Status.SECONDARY


def _costs(values: npt.NDArray[np.int64], priority: IntArray | None) -> npt.NDArray[np.float64]:
    """The order in which published quantities are given up: lowest priority, then smallest
    count."""
    if priority is None:
        return values.astype(np.float64)
    given = np.asarray(priority, dtype=np.int64).ravel()
    if given.size != values.size:
        raise DisclosureError("priority needs one number per quantity")
    step = float(values.max(initial=0)) + 1.0
    return given.astype(np.float64) * step + values.astype(np.float64)


def _below(values: npt.NDArray[Any], k: int, zero_is_safe: bool) -> BoolArray:
    small = np.asarray(values) < k
    return small & (np.asarray(values) > 0) if zero_is_safe else small


def _structure(quantities: Quantities) -> _Structure:
    """The dense quantity x base-cell matrix (for the audit) and, from the sparse overlaps,
    the margin equations and the strictly nested pairs."""
    size = len(quantities.members)
    matrix = np.zeros((size, quantities.base_cells), dtype=np.float64)
    rows, columns = [], []
    for index, members in enumerate(quantities.members):
        if len(members) == 0:
            raise DisclosureError(f"quantity {index} has no base cells")
        matrix[index, members] = 1.0
        rows.append(np.full(len(members), index, dtype=np.int64))
        columns.append(np.asarray(members, dtype=np.int64))
    incidence = sparse.csr_matrix(
        (np.ones(sum(r.size for r in rows)), (np.concatenate(rows), np.concatenate(columns))),
        shape=(size, quantities.base_cells),
    )
    incidence.sum_duplicates()
    incidence.data[:] = 1.0
    cells = np.asarray(incidence.sum(axis=1)).ravel()
    overlap = (incidence @ incidence.T).tocoo()
    first, second, shared = overlap.row, overlap.col, overlap.data
    tables = np.asarray(quantities.table)
    other = first != second
    if np.any(other & (tables[first] == tables[second])):
        raise DisclosureError("cells of one table must not overlap")
    inside = other & (shared == cells[first])  # first lies inside second
    inner, outer = first[inside], second[inside]
    _, table_codes = np.unique(tables, return_inverse=True)
    table_codes = table_codes.ravel()
    order = np.lexsort((inner, table_codes[inner], outer))  # one run per (outer, table)
    inner, outer = inner[order], outer[order]
    groups = outer * (int(table_codes.max()) + 1) + table_codes[inner]
    keys, starts = np.unique(groups, return_index=True)
    sums = np.add.reduceat(cells[inner], starts) if keys.size else np.array([])
    ends = np.append(starts[1:], inner.size)[: starts.size]
    equations = []
    for begin, end, total in zip(starts, ends, sums, strict=True):
        owner = int(outer[begin])
        if table_codes[inner[begin]] != table_codes[owner] and total == cells[owner]:
            equations.append((owner, inner[begin:end]))
    strict = cells[inner] < cells[outer]
    nested = np.column_stack([inner[strict], outer[strict]]).astype(np.int64)
    hidden = np.zeros((len(quantities.hidden), quantities.base_cells), dtype=np.float64)
    for index, members in enumerate(quantities.hidden):
        hidden[index, members] = 1.0
    hidden = hidden[hidden.any(axis=1)]
    order = np.lexsort((nested[:, 1], nested[:, 0]))
    return _Structure(matrix, hidden, tuple(equations), nested[order])


def _secondary_until_stable(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.int64],
    cost: npt.NDArray[np.float64],
    structure: _Structure,
    k: int,
    zero_is_safe: bool,
    free: BoolArray,
) -> None:
    changed = True
    inner, outer = structure.nested[:, 0], structure.nested[:, 1]
    gaps = values[outer] - values[inner]
    small_gap = _below(gaps, k, zero_is_safe)
    while changed:
        changed = False
        for owner, children in structure.equations:
            extra = _equation_fix(status, values, cost, owner, children, k, zero_is_safe, free)
            if extra is not None:
                status[extra] = _SECONDARY
                changed = True
        # A pair can only stop being a violation while this loop runs (statuses only go
        # from published to suppressed), so checking the pairs that violate now, in order,
        # is the same as checking every pair in order.
        both = (status[inner] == _PUBLISHED) & (status[outer] == _PUBLISHED)
        for pair in np.flatnonzero(both & small_gap):
            if status[inner[pair]] == _PUBLISHED and status[outer[pair]] == _PUBLISHED:
                one, two = inner[pair], outer[pair]
                chosen = one if free[one] and (not free[two] or cost[one] <= cost[two]) else two
                if not free[chosen]:
                    raise DisclosureError("the fixed statuses publish two counts a group apart")
                status[chosen] = _SECONDARY
                changed = True
        if zero_is_safe and _hide_zeros_inside_hidden(status, values, inner, outer, free):
            changed = True


def _hide_zeros_inside_hidden(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.int64],
    inner: npt.NDArray[np.int64],
    outer: npt.NDArray[np.int64],
    free: BoolArray,
) -> bool:
    """Suppress every published zero that lies inside a suppressed quantity (its total,
    margin or a wider count); whether anything changed. A fixed zero stays as published."""
    zero = (values[inner] == 0) & (status[inner] == _PUBLISHED) & (status[outer] != _PUBLISHED)
    chosen = inner[zero & free[inner]]
    status[chosen] = _SECONDARY
    return bool(chosen.size)


def _equation_fix(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.int64],
    cost: npt.NDArray[np.float64],
    outer: int,
    children: IntArray,
    k: int,
    zero_is_safe: bool,
    free: BoolArray,
) -> int | None:
    """The quantity to suppress so that this equation reveals nothing, or None."""
    hidden = status[children] != _PUBLISHED
    outer_hidden = status[outer] != _PUBLISHED
    hidden_count = int(np.count_nonzero(hidden))
    residual_small = (
        not outer_hidden
        and hidden_count > 0
        and _below(np.array([values[children[hidden]].sum()]), k, zero_is_safe)[0]
    )
    if hidden_count + int(outer_hidden) != 1 and not residual_small:
        return None
    open_children = children[~hidden & free[children]]
    if open_children.size:
        return int(open_children[np.argmin(cost[open_children])])
    if outer_hidden and not children[~hidden].size:
        return None
    if outer_hidden or not free[outer]:  # only fixed quantities could still be suppressed
        raise DisclosureError("the fixed statuses leave a suppressed count in a margin equation")
    return outer


def _audit(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.float64],
    matrix: npt.NDArray[np.float64],
    free: BoolArray,
    hidden: npt.NDArray[np.float64],
) -> int | None:
    """A published quantity to suppress because some suppressed one (or hidden group) is
    determined, or None.

    The candidates are the published quantities with a non-zero weight in the combination that
    determines it; the smallest is taken, as in the per-equation step.
    """
    extended = np.vstack([matrix, hidden])
    marks = np.r_[status, np.full(len(hidden), Status.PRIMARY, dtype=np.int8)]
    exposed = np.flatnonzero(determined(marks, extended))
    if exposed.size == 0:
        return None
    published = np.flatnonzero(status == Status.PUBLISHED)
    weights = np.linalg.lstsq(matrix[published].T, extended[exposed[0]], rcond=None)[0]
    candidates = published[(np.abs(weights) > 1e-7) & free[published]]
    if candidates.size == 0:
        raise DisclosureError("the fixed statuses determine a suppressed count")
    return int(candidates[np.argmin(values[candidates])])


def _audit_batch(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.float64],
    matrix: npt.NDArray[np.float64],
    free: BoolArray,
    hidden: npt.NDArray[np.float64],
) -> list[int]:
    """Published quantities to suppress so that no determined quantity (or hidden group) stays
    determined by the same combination. Base cells that published quantities pin down one by
    one (a published quantity with a single cell not yet known) are taken out first; one
    pivoted QR of what is left gives both the test and the weights of a determining
    combination."""
    published = np.flatnonzero(status == Status.PUBLISHED)
    full = np.vstack([matrix[status != Status.PUBLISHED], hidden])
    if published.size == 0 or len(full) == 0:
        return []
    rows = matrix[published]
    known = _known_cells(rows)
    reduced, vectors = rows[:, ~known], full[:, ~known]
    chosen: list[int] = []
    pinned = ~vectors.any(axis=1)  # every cell known: determined through the pinned cells
    for target in full[pinned]:
        weights = np.linalg.lstsq(rows.T, target, rcond=None)[0]
        _pick(published, (np.abs(weights) > 1e-7) & free[published], values, chosen)
    active = np.flatnonzero(reduced.any(axis=1))
    if active.size == 0 or pinned.all():
        return chosen
    # Pivoted QR of the active rows (as columns): Q1 spans their row space, and the pivots
    # are independent published quantities whose weights solve R11 w = Q1' v.
    q, r, pivots = linalg.qr(reduced[active].T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > TOLERANCE * max(1.0, float(diagonal[0]))))
    q1 = q[:, :rank]
    vectors = vectors[~pinned]
    coordinates = vectors @ q1
    residual = np.linalg.norm(vectors - coordinates @ q1.T, axis=1)
    exposed = residual <= 1e-7 * np.linalg.norm(vectors, axis=1)
    if not exposed.any():
        return chosen
    weights = linalg.solve_triangular(r[:rank, :rank], coordinates[exposed].T)
    candidates = published[active[pivots[:rank]]]
    for column in range(weights.shape[1]):
        involved = (np.abs(weights[:, column]) > 1e-7) & free[candidates]
        _pick(candidates, involved, values, chosen)
    return chosen


def _known_cells(rows: npt.NDArray[np.float64]) -> BoolArray:
    """Base cells whose value follows from published quantities one at a time."""
    known = np.zeros(rows.shape[1], dtype=bool)
    while True:
        open_rows = rows[:, ~known]
        single = open_rows.sum(axis=1) == 1
        if not single.any():
            return known
        columns = np.flatnonzero(~known)
        known[columns[np.argmax(open_rows[single], axis=1)]] = True


def _pick(
    published: IntArray, involved: BoolArray, values: npt.NDArray[np.float64], chosen: list[int]
) -> None:
    candidates = published[involved]
    if candidates.size == 0:
        raise DisclosureError("the fixed statuses determine a suppressed count")
    if np.isin(candidates, chosen).any():
        return  # an earlier pick already breaks this combination; the next round checks
    chosen.append(int(candidates[np.argmin(values[candidates])]))


def determined(status: npt.NDArray[np.int8], matrix: npt.NDArray[np.float64]) -> BoolArray:
    """Which suppressed quantities are linear combinations of published ones (exactly known).

    Quantity i is matrix row i (its base-cell indicator); it is determined if that row lies in
    the row space of the published rows.
    """
    published = status == Status.PUBLISHED
    result = np.zeros(status.size, dtype=bool)
    if not published.any():
        return result
    _, singular, basis = np.linalg.svd(matrix[published], full_matrices=False)
    basis = basis[: int(np.sum(singular > TOLERANCE * max(1.0, singular[0])))]
    targets = np.flatnonzero(~published)
    vectors = matrix[targets]
    residual = vectors - (vectors @ basis.T) @ basis
    norms = np.linalg.norm(vectors, axis=1)
    result[targets] = np.linalg.norm(residual, axis=1) <= 1e-7 * norms
    return result
