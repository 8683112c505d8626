"""Cell suppression for any set of published counts that are sums of the same base cells.

A release publishes quantities (table cells, margins, totals, cumulative counts), each the sum
of some base cells of one underlying cross-classification. The algorithm:

1. **Primary**: a quantity with fewer than k (persons) is suppressed. With `zero_is_safe` a
   zero is published (no one is in it); by default 0 is below k like any other small count.
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

from schakel.engine.disclosure.errors import DisclosureError, check_k

IntArray: TypeAlias = npt.NDArray[np.signedinteger[Any]]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
TOLERANCE = 1e-9


class Status(IntEnum):
    PUBLISHED = 0
    PRIMARY = 1
    SECONDARY = 2


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
    equations: tuple[tuple[int, IntArray], ...]
    nested: npt.NDArray[np.int64]  # rows (inner, outer): inner strictly inside outer


def suppress(quantities: Quantities, *, k: int, zero_is_safe: bool = False) -> Suppression:
    """Primary and secondary suppression of `quantities` (see the module docstring)."""
    check_k(k)
    values = np.asarray(quantities.values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise DisclosureError("counts must not be negative")
    persons = values if quantities.persons is None else np.asarray(quantities.persons)
    status = np.where(_below(persons, k, zero_is_safe), Status.PRIMARY, Status.PUBLISHED)
    status = status.astype(np.int8)
    structure = _structure(quantities)
    rounds = 0
    while True:
        rounds += 1
        _secondary_until_stable(status, values, structure, k, zero_is_safe)
        extra = _audit(status, values, structure.matrix)
        if extra is None:
            return Suppression(status, rounds)
        status[extra] = Status.SECONDARY


def _below(values: npt.NDArray[Any], k: int, zero_is_safe: bool) -> BoolArray:
    small = np.asarray(values) < k
    return small & (np.asarray(values) > 0) if zero_is_safe else small


def _structure(quantities: Quantities) -> _Structure:
    size = len(quantities.members)
    matrix = np.zeros((size, quantities.base_cells), dtype=np.float64)
    for index, members in enumerate(quantities.members):
        if len(members) == 0:
            raise DisclosureError(f"quantity {index} has no base cells")
        matrix[index, members] = 1.0
    overlap = matrix @ matrix.T
    cells = np.diag(overlap).copy()
    tables = np.asarray(quantities.table)
    same_table = tables[:, None] == tables[None, :]
    if np.any((overlap > 0) & same_table & ~np.eye(size, dtype=bool)):
        raise DisclosureError("cells of one table must not overlap")
    inside = (overlap == cells[:, None]) & ~np.eye(size, dtype=bool)  # row inside column
    equations = []
    for outer in range(size):
        for table in np.unique(tables):
            if table == tables[outer]:
                continue
            children = np.flatnonzero(inside[:, outer] & (tables == table))
            if children.size and cells[children].sum() == cells[outer]:
                equations.append((outer, children))
    strict = inside & (cells[:, None] < cells[None, :])
    return _Structure(matrix, tuple(equations), np.argwhere(strict))


def _secondary_until_stable(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.int64],
    structure: _Structure,
    k: int,
    zero_is_safe: bool,
) -> None:
    changed = True
    while changed:
        changed = False
        for outer, children in structure.equations:
            extra = _equation_fix(status, values, outer, children, k, zero_is_safe)
            if extra is not None:
                status[extra] = Status.SECONDARY
                changed = True
        for inner, outer in structure.nested:
            both = status[inner] == Status.PUBLISHED and status[outer] == Status.PUBLISHED
            if both and _below(np.array([values[outer] - values[inner]]), k, zero_is_safe)[0]:
                status[inner] = Status.SECONDARY
                changed = True


def _equation_fix(
    status: npt.NDArray[np.int8],
    values: npt.NDArray[np.int64],
    outer: int,
    children: IntArray,
    k: int,
    zero_is_safe: bool,
) -> int | None:
    """The quantity to suppress so that this equation reveals nothing, or None."""
    hidden = status[children] != Status.PUBLISHED
    outer_hidden = status[outer] != Status.PUBLISHED
    open_children = children[~hidden]
    residual_small = (
        not outer_hidden
        and hidden.any()
        and _below(np.array([values[children[hidden]].sum()]), k, zero_is_safe)[0]
    )
    if int(hidden.sum()) + int(outer_hidden) != 1 and not residual_small:
        return None
    if open_children.size:
        return int(open_children[np.argmin(values[open_children])])
    return None if outer_hidden else outer


def _audit(
    status: npt.NDArray[np.int8], values: npt.NDArray[np.int64], matrix: npt.NDArray[np.float64]
) -> int | None:
    """A published quantity to suppress because some suppressed one is determined, or None.

    The candidates are the published quantities with a non-zero weight in the combination that
    determines it; the smallest is taken, as in the per-equation step.
    """
    exposed = np.flatnonzero(determined(status, matrix))
    if exposed.size == 0:
        return None
    published = np.flatnonzero(status == Status.PUBLISHED)
    weights = np.linalg.lstsq(matrix[published].T, matrix[exposed[0]], rcond=None)[0]
    candidates = published[np.abs(weights) > 1e-7]
    return int(candidates[np.argmin(values[candidates])])


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
    for target in np.flatnonzero(~published):
        vector = matrix[target]
        residual = vector - (vector @ basis.T) @ basis
        result[target] = np.linalg.norm(residual) <= 1e-7 * np.linalg.norm(vector)
    return result
