"""Count tables with margins, and sets of overlapping tables, protected together.

Tables published side by side (form x exit type, region x exit type, their margins and the
grand total) are margins of one cross-classification. They are protected in one pass, so
that no difference between them isolates a suppressed cell. A margin's label is `TOTAL`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from schakel.engine.disclosure.errors import DEFAULT_K, DisclosureError, check_k
from schakel.engine.disclosure.suppression import Quantities, Status, suppress

TOTAL = "Total"
STATUS_LABELS = [s.name.lower() for s in Status]


@dataclass(frozen=True)
class ProtectedTables:
    """Every cell of the release in long format.

    `frame` is what may be published: the dimensions (TOTAL where summed over), `published`
    (the count, or <NA> when suppressed) and `status` (published, primary, secondary).
    `audit` adds the unprotected `count` and `persons`: for checks, never for publication.
    """

    dims: tuple[str, ...]
    tables: tuple[tuple[str, ...], ...]
    frame: pd.DataFrame
    audit: pd.DataFrame
    k: int

    def table(self, *dims: str) -> pd.DataFrame:
        """The cells of one of the tables (dimensions not in `dims` are TOTAL)."""
        if tuple(dims) not in self.tables:
            raise DisclosureError(f"no table {dims}; published: {self.tables}")
        mask = np.ones(len(self.frame), dtype=bool)
        for name in self.dims:
            is_total = (self.frame[name] == TOTAL).to_numpy()
            mask &= ~is_total if name in dims else is_total
        return self.frame.loc[mask].reset_index(drop=True)

    def wide(self, rows: str, columns: str, value: str = "published") -> pd.DataFrame:
        """A two-way table with its margins as rows x columns (TOTAL row and column)."""
        cells = self.audit if value in ("count", "persons") else self.frame
        others = [d for d in self.dims if d not in (rows, columns)]
        if others:
            cells = cells.loc[(cells[others] == TOTAL).all(axis=1)]
        return cells.pivot(index=rows, columns=columns, values=value)  # keeps category order


def protect_tables(
    data: pd.DataFrame,
    *,
    tables: Sequence[Sequence[str]],
    count: str | None = None,
    person: str | None = None,
    k: int = DEFAULT_K,
    zero_is_safe: bool = False,
) -> ProtectedTables:
    """Protect several margins of `data` at once.

    `data` is either microdata (one row per episode; `person` names the person column so the
    threshold counts persons) or already counted (`count` names the count column). Each entry
    of `tables` lists the dimensions of one published table; `()` is the grand total. Levels of
    categorical columns all appear (empty cells too); other columns use the observed values.
    """
    check_k(k)
    table_dims = tuple(tuple(t) for t in tables)
    dims = tuple(dict.fromkeys(d for t in table_dims for d in t))
    missing = [c for c in (*dims, count, person) if c is not None and c not in data.columns]
    if missing:
        raise DisclosureError(f"unknown column(s): {', '.join(missing)}")
    if not table_dims:
        raise DisclosureError("name at least one table")
    if len(data) == 0:
        raise DisclosureError("there is no data to tabulate")
    levels = {d: _levels(data[d], d) for d in dims}
    quantities, labels = _quantities(data, table_dims, dims, levels, count, person)
    values = np.asarray(quantities.values)
    persons = values if quantities.persons is None else np.asarray(quantities.persons)
    status = suppress(quantities, k=k, zero_is_safe=zero_is_safe).status
    frame = pd.DataFrame(labels, columns=list(dims))
    for d in dims:
        frame[d] = pd.Categorical(frame[d], categories=[*levels[d], TOTAL])
    published = status == Status.PUBLISHED
    frame["published"] = pd.array(np.where(published, values, 0), dtype="Int64")
    frame.loc[~published, "published"] = pd.NA
    frame["status"] = pd.Categorical.from_codes(status, categories=STATUS_LABELS)
    audit = frame.assign(count=values, persons=persons)
    return ProtectedTables(dims, table_dims, frame, audit, k)


def _quantities(
    data: pd.DataFrame,
    table_dims: tuple[tuple[str, ...], ...],
    dims: tuple[str, ...],
    levels: dict[str, list[object]],
    count: str | None,
    person: str | None,
) -> tuple[Quantities, list[list[object]]]:
    """Every cell of every table as a sum of cells of the full cross-classification."""
    base = pd.MultiIndex.from_product([levels[d] for d in dims] or [[TOTAL]], names=dims or None)
    cell_of_row = (
        base.get_indexer(pd.MultiIndex.from_frame(data[list(dims)]))
        if dims
        else np.zeros(len(data), dtype=np.int64)
    )
    rows, labels = [], []
    for number, table in enumerate(table_dims):
        for key in itertools.product(*(levels[d] for d in table)):
            fixed = dict(zip(table, key, strict=True))
            rows.append((number, _members(base, dims, fixed)))
            labels.append([fixed.get(d, TOTAL) for d in dims])
    weights = whole_counts(data, count)
    base_counts = np.bincount(cell_of_row, weights=weights, minlength=len(base)).astype(np.int64)
    quantities = Quantities(
        values=np.array([base_counts[m].sum() for _, m in rows], dtype=np.int64),
        members=tuple(m for _, m in rows),
        table=np.array([n for n, _ in rows], dtype=np.int64),
        base_cells=len(base),
        persons=_persons(data, person, cell_of_row, rows) if person else None,
    )
    return quantities, labels


def protect_table(
    counts: pd.DataFrame, *, k: int = DEFAULT_K, margins: bool = True, zero_is_safe: bool = False
) -> ProtectedTables:
    """A two-way count table (rows x columns, e.g. stratum x exit type) with its margins."""
    if counts.isna().to_numpy().any():
        raise DisclosureError("counts must not be missing")
    rows = counts.index.name or "row"
    columns = counts.columns.name or "column"
    long = counts.rename_axis(index=rows, columns=columns).stack().rename("count").reset_index()
    for name, labels in ((rows, counts.index), (columns, counts.columns)):
        long[name] = pd.Categorical(long[name], categories=list(labels))
    tables = [(rows, columns), (rows,), (columns,), ()] if margins else [(rows, columns)]
    return protect_tables(long, tables=tables, count="count", k=k, zero_is_safe=zero_is_safe)


def _levels(column: pd.Series, name: str) -> list[object]:
    if column.isna().any():
        raise DisclosureError(f"{name} has missing values; give them a label first")
    if isinstance(column.dtype, pd.CategoricalDtype):
        levels = list(column.cat.categories)
    else:
        levels = sorted(column.unique().tolist(), key=str)
    if TOTAL in levels:
        raise DisclosureError(f"{name} has a level named {TOTAL!r}, which marks margins")
    return levels


def whole_counts(data: pd.DataFrame, count: str | None) -> np.ndarray:
    """Each row's weight: the `count` column (checked to hold whole counts), else 1."""
    if count is None:
        return np.ones(len(data), dtype=np.int64)
    values = pd.to_numeric(data[count], errors="coerce").to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values < 0) or np.any(values % 1):
        raise DisclosureError(f"{count} must hold non-negative whole counts")
    return values.astype(np.int64)


def _members(base: pd.MultiIndex, dims: tuple[str, ...], fixed: dict[str, object]) -> np.ndarray:
    """Base cells that agree with `fixed` (all cells for the grand total)."""
    mask = np.ones(len(base), dtype=bool)
    for level, name in enumerate(dims):
        if name in fixed:
            mask &= base.get_level_values(level) == fixed[name]
    return np.flatnonzero(mask)


def _persons(
    data: pd.DataFrame, person: str, cells: np.ndarray, rows: list[tuple[int, np.ndarray]]
) -> np.ndarray:
    """Distinct persons per published cell (not additive, so counted cell by cell)."""
    people = pd.factorize(data[person])[0]
    pairs = pd.DataFrame({"cell": cells, "person": people}).drop_duplicates()
    result = []
    for _, members in rows:
        chosen = pairs.loc[pairs["cell"].isin(members), "person"]
        result.append(chosen.nunique())
    return np.array(result, dtype=np.int64)
