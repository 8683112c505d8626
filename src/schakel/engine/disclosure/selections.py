"""One consistent release for every selection a set of filters can produce.

A page that lets the reader filter (form x region x cohort, each "all" or one level) and
protects each selection on its own leaks by differencing: the count for all regions minus the
published counts of the other regions is the suppressed region. Here every selection (every
combination of a level or TOTAL per filter dimension) and every measure (episodes, returns by
3 months, ...) is one quantity over the same base cells, and all of them go through `suppress`
together, with its per-equation rules and exact linear audit. A page then reads the status of
its selection from this release instead of protecting the selection again, so no combination
of published selections determines a suppressed count (linear protection, as in
`suppression.py`).

A dimension may be multi-valued (a trajectory with two forms of exploitation is in both form
selections): its column holds sets of levels. Selections of different levels of such a
dimension overlap, so each level gets tables of its own; the linear audit still covers every
relation between them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from schakel.engine.disclosure.errors import DEFAULT_K, DisclosureError, check_k
from schakel.engine.disclosure.persons import (
    _distinct_persons,
    _nested_pairs,
    _small_hidden,
    memberships,
)
from schakel.engine.disclosure.suppression import Quantities, Status, suppress
from schakel.engine.disclosure.tables import STATUS_LABELS, TOTAL, whole_counts


@dataclass(frozen=True)
class SelectionRelease:
    """Every (selection, measure) cell: `frame` is publishable (dimensions with TOTAL for
    "all", `measure`, `published` <NA> when suppressed, `status`); `audit` adds the
    unprotected `count` and `persons` (for checks only)."""

    dims: tuple[str, ...]
    measures: tuple[str, ...]
    frame: pd.DataFrame
    audit: pd.DataFrame
    k: int

    def withheld(self) -> SelectionRelease:
        """The same cells with nothing published: every published count becomes a secondary
        suppression. For a release that cannot be protected against the previous one."""
        frame = self.frame.copy()
        shown = frame["status"].astype(str) == "published"
        frame["published"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["status"] = np.where(shown, "secondary", frame["status"].astype(str))
        return replace(self, frame=frame)

    def selection(self, **levels: object) -> pd.DataFrame:
        """The measures of one selection (a dimension not named, or None, is TOTAL), indexed
        by measure, with `published` and `status`."""
        unknown = set(levels) - set(self.dims)
        if unknown:
            raise DisclosureError(f"unknown dimension(s): {', '.join(sorted(unknown))}")
        key = tuple(str(TOTAL if levels.get(name) is None else levels[name]) for name in self.dims)
        rows = self._rows.get(key, np.zeros(0, dtype=np.int64))
        found = self.frame.iloc[rows][["measure", "published", "status"]].set_index("measure")
        missing = [m for m in self.measures if m not in found.index]
        if missing:  # a level nobody has: nothing to publish
            empty = pd.DataFrame(
                {"published": pd.array([pd.NA] * len(missing), dtype="Int64"),
                 "status": "primary"},
                index=pd.Index(missing, name="measure"),
            )  # fmt: skip
            found = pd.concat([found.astype({"status": str}), empty])
        return found.loc[list(self.measures)].astype({"status": str})

    def cells(self, **levels: object) -> dict[str, tuple[int | None, str]]:
        """`selection` as plain values, measure -> (published count or None, status): the
        same cells without building a frame (a release job reads thousands)."""
        key = tuple(str(TOTAL if levels.get(name) is None else levels[name]) for name in self.dims)
        if key not in self._cells:
            self.selection(**levels)  # checks the dimensions
            return {measure: (None, "primary") for measure in self.measures}
        return self._cells[key]

    @cached_property
    def _cells(self) -> dict[tuple[str, ...], dict[str, tuple[int | None, str]]]:
        measures = self.frame["measure"].astype(str).tolist()
        published = self.frame["published"].tolist()
        status = self.frame["status"].astype(str).tolist()
        found = {}
        for key, rows in self._rows.items():
            cells: dict[str, tuple[int | None, str]] = {m: (None, "primary") for m in self.measures}
            for row in rows.tolist():
                value = published[row]
                cells[measures[row]] = (None if value is pd.NA else int(value), status[row])
            found[key] = cells
        return found

    @cached_property
    def _rows(self) -> dict[tuple[str, ...], np.ndarray]:
        """Row positions of each selection (its levels as text), found once: a page or a
        release job looks up hundreds of selections."""
        keys = zip(*(self.frame[name].astype(str).tolist() for name in self.dims), strict=True)
        rows: dict[tuple[str, ...], list[int]] = {}
        for position, key in enumerate(keys):
            rows.setdefault(key, []).append(position)
        return {key: np.asarray(found, dtype=np.int64) for key, found in rows.items()}


def protect_selections(
    data: pd.DataFrame,
    *,
    dims: Sequence[str],
    measures: Mapping[str, str],
    multi_valued: Iterable[str] = (),
    levels: Mapping[str, Sequence[object]] | None = None,
    count: str | None = None,
    person: str | None = None,
    k: int = DEFAULT_K,
    zero_is_safe: bool = False,
    max_dims: int | None = None,
    priority: Callable[[Mapping[str, object], str], int] | None = None,
    fixed: Callable[[Mapping[str, object], str], int] | None = None,
    hidden: Mapping[str, str] | None = None,
) -> SelectionRelease:
    """Protect every selection over `dims` and every measure together.

    `data`: microdata (one row per unit; `person` names the person column so the threshold
    counts persons) or counted rows (`count`). `measures` maps a measure's name to a boolean
    column: whether the row counts in it (all True for the number of units). `levels` can
    fix a dimension's levels (default: categories, or the observed values; for a multi-valued
    dimension the union of its sets). A selection nobody is in is primary-suppressed.

    `max_dims`: only selections that fix at most this many dimensions are released (a page
    that filters one dimension and splits by one more needs 2); the others are not published
    anywhere, so they are left out of the protection instead of being suppressed in it.
    `priority(levels, measure)`: how much a count matters (the headline higher); secondary
    suppression gives up the lowest first (`Quantities.priority`).
    `fixed(levels, measure)`: a `Status` the count already has (published earlier), or -1;
    the others are protected around them, and a count the fixed published ones determine is
    published (`suppress(publish_known=True)`; see `protect_consecutive`).
    `hidden` maps names to boolean columns like `measures`, for groups that are not published
    but must not be derivable when below k in any selection (the units that came into or left
    a count since the previous release); they refine the base cells and join the audit.
    """
    check_k(k)
    dims = tuple(dims)
    multi = set(multi_valued)
    hidden = dict(hidden or {})
    needed = [*dims, *measures.values(), *hidden.values(), *(c for c in (count, person) if c)]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise DisclosureError(f"unknown column(s): {', '.join(missing)}")
    if not measures:
        raise DisclosureError("name at least one measure")
    given = levels or {}
    chosen: dict[str, list[object]] = {
        d: list(given.get(d) or _levels(data[d], d in multi)) for d in dims
    }
    weights = whole_counts(data, count)
    flags = data[list(measures.values())].to_numpy(dtype=bool)
    keys = [_key(data[d], d in multi).reset_index(drop=True) for d in dims]
    secret = data[list(hidden.values())].to_numpy(dtype=bool).reshape(len(data), len(hidden))
    base = pd.DataFrame(  # every column at once (inserting ~80 one by one fragments the frame)
        {f"d{i}": key for i, key in enumerate(keys)}
        | {f"m{j}": flags[:, j] for j in range(flags.shape[1])}
        | {f"h{j}": secret[:, j] for j in range(secret.shape[1])}
    )
    cell_of_row, cells = _base_cells(base)
    base_counts = np.bincount(cell_of_row, weights=weights).astype(np.int64)
    gaps = _nested_pairs(flags)
    secret = np.column_stack(
        [secret, *(flags[:, outer] & ~flags[:, inner] for outer, inner in gaps)]
    ).reshape(len(data), len(hidden) + len(gaps))
    cell_secret = [cells[f"h{j}"].to_numpy(dtype=bool) for j in range(len(hidden))]
    cell_secret += [
        cells[f"m{outer}"].to_numpy(dtype=bool) & ~cells[f"m{inner}"].to_numpy(dtype=bool)
        for outer, inner in gaps
    ]
    dim_masks = [_dim_masks(cells[f"d{i}"], chosen[d], d in multi) for i, d in enumerate(dims)]
    rows, labels, members = [], [], []
    implied: list[np.ndarray] = []
    implied_at: list[tuple[int, ...]] = []
    combinations: list[tuple[int, ...]] = []
    table_ids: dict[tuple[object, ...], int] = {}
    ranks: list[int] = []
    holds: list[int] = []
    for combination in itertools.product(*(range(len(chosen[d]) + 1) for d in dims)):
        split = sum(c < len(chosen[d]) for d, c in zip(dims, combination, strict=True))
        if max_dims is not None and split > max_dims:
            continue
        mask = np.ones(len(cells), dtype=bool)
        for i, choice in enumerate(combination):
            mask &= dim_masks[i][choice]
        label = [
            TOTAL if choice == len(chosen[d]) else chosen[d][choice]
            for d, choice in zip(dims, combination, strict=True)
        ]
        for j, measure in enumerate(measures):
            inside = np.flatnonzero(mask & cells[f"m{j}"].to_numpy())
            table = (
                tuple(choice < len(chosen[d]) for d, choice in zip(dims, combination, strict=True)),
                j,
                tuple(lab if d in multi else None for d, lab in zip(dims, label, strict=True)),
            )
            rows.append((label, measure))
            combinations.append(combination)
            if priority is not None:
                ranks.append(int(priority(dict(zip(dims, label, strict=True)), measure)))
            if fixed is not None:
                holds.append(int(fixed(dict(zip(dims, label, strict=True)), measure)))
            labels.append(table_ids.setdefault(table, len(table_ids)))
            members.append(inside)
        for secret_cells in cell_secret:
            implied.append(np.flatnonzero(mask & secret_cells))
            implied_at.append(combination)
    values = np.array([base_counts[m].sum() for m in members], dtype=np.int64)
    sizes = [len(chosen[d]) for d in dims]
    coded = [memberships(key, chosen[d], d in multi) for key, d in zip(keys, dims, strict=True)]
    # the persons as integer codes (-1: no id, one person), once for both counts of distinct
    # persons: each factorized a million id texts again
    who = pd.Series(pd.factorize(data[person])[0]) if person else None
    if who is not None:
        persons = _distinct_persons(who, coded, sizes, flags, combinations)
    else:
        persons = values.copy()
    order = np.array(ranks, dtype=np.int64) if priority is not None else None
    held = np.array(holds, dtype=np.int64) if fixed is not None else None
    groups = _small_hidden(implied, implied_at, base_counts, secret, who, coded, sizes, k)
    status = _status(
        values, persons, members, np.array(labels), len(cells), k, zero_is_safe, order, held,
        groups,
    )  # fmt: skip
    if zero_is_safe:
        _hide_empty_inside_hidden(status, members, combinations, flags, sizes)
    frame = pd.DataFrame([label for label, _ in rows], columns=list(dims))
    for d in dims:
        frame[d] = pd.Categorical(frame[d], categories=[*chosen[d], TOTAL])
    frame["measure"] = pd.Categorical([m for _, m in rows], categories=list(measures))
    published = status == Status.PUBLISHED
    frame["published"] = pd.array(np.where(published, values, 0), dtype="Int64")
    frame.loc[~published, "published"] = pd.NA
    frame["status"] = pd.Categorical.from_codes(status, categories=STATUS_LABELS)
    audit = frame.assign(count=values, persons=persons)
    return SelectionRelease(dims, tuple(measures), frame, audit, k)


def _base_cells(base: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's base cell and the cells' values: what `groupby().ngroup()` and
    `drop_duplicates()` give, from one integer key (a group-by over a dozen columns took
    seconds at a million rows). Cells are numbered in the order of their values (each column's
    values ordered by their text), not of the rows, so the same data in another row order (a
    set's iteration order differs between processes) gets the same cells and therefore the
    same suppression."""
    key = np.zeros(len(base), dtype=np.int64)
    for name in base.columns:
        codes, distinct = _ranked_codes(base[name])
        if int(key.max(initial=0) + 1) * (distinct + 1) >= 2**62:
            key = pd.factorize(key, sort=True)[0].astype(np.int64)  # renumber, keep the order
        key = key * (distinct + 1) + codes + 1
    cell_of_row = pd.factorize(key, sort=True)[0].astype(np.int64)
    first = np.unique(cell_of_row, return_index=True)[1]
    return cell_of_row, base.iloc[first].reset_index(drop=True)


def _ranked_codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Each value's rank among the column's distinct values ordered by their text, and how
    many there are. A flag's ranks without factorizing it (the flags of ~80 measures took
    seconds at a million rows): False before True, one rank 0 where all are alike."""
    values = column.to_numpy()
    if values.dtype == bool and values.size:
        if values.all() or not values.any():
            return np.zeros(values.size, dtype=np.int64), 1
        return values.astype(np.int64), 2
    codes, uniques = pd.factorize(column)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(np.array([repr(u) for u in uniques], dtype=object), kind="stable")] = np.arange(
        len(uniques)
    )
    return rank[codes], len(uniques)


def _status(
    values: np.ndarray,
    persons: np.ndarray,
    members: list[np.ndarray],
    tables: np.ndarray,
    base_cells: int,
    k: int,
    zero_is_safe: bool,
    priority: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    hidden: tuple[np.ndarray, ...] = (),
) -> np.ndarray:
    """Suppression over the non-empty quantities; an empty one is primary (nobody is in it)."""
    status = np.full(values.size, Status.PRIMARY, dtype=np.int8)
    usable = np.flatnonzero([m.size > 0 for m in members])
    if zero_is_safe:
        status[[i for i in range(values.size) if members[i].size == 0]] = Status.PUBLISHED
    if usable.size == 0:
        return status
    quantities = Quantities(
        values=values[usable],
        members=tuple(members[i] for i in usable),
        table=tables[usable],
        base_cells=base_cells,
        persons=persons[usable],
        priority=None if priority is None else priority[usable],
        hidden=hidden,
    )
    status[usable] = suppress(
        quantities,
        k=k,
        zero_is_safe=zero_is_safe,
        batch=True,
        fixed=None if fixed is None else fixed[usable],
        publish_known=fixed is not None,
    ).status
    return status


def _hide_empty_inside_hidden(
    status: np.ndarray,
    members: list[np.ndarray],
    combinations: list[tuple[int, ...]],
    flags: np.ndarray,
    sizes: list[int],
) -> None:
    """Suppress a published zero (an empty selection or measure) whose wider count is
    suppressed: the same measure with one filter set to "all", or a measure that holds this
    one in every row (returns by 3 months lie inside returns by 6 months and inside all exits).
    Next to a hidden total a zero tells where the hidden few are (ADR 0021, amended)."""
    count = flags.shape[1]
    wider = [
        [
            b
            for b in range(count)
            if b != a and flags[:, a].any() and not np.any(flags[:, a] & ~flags[:, b])
        ]
        for a in range(count)
    ]
    position = {(combination, j % count): j for j, combination in enumerate(combinations)}
    empty = [j for j, m in enumerate(members) if m.size == 0]
    changed = True
    while changed:
        changed = False
        for j in empty:
            if status[j] != Status.PUBLISHED:
                continue
            combination, measure = combinations[j], j % count
            parents = [position[(combination, b)] for b in wider[measure]]
            for i, choice in enumerate(combination):
                if choice < sizes[i]:
                    parent = (*combination[:i], sizes[i], *combination[i + 1 :])
                    parents.append(position[(parent, measure)])
            if any(status[p] != Status.PUBLISHED for p in parents):
                status[j] = Status.SECONDARY
                changed = True


def _levels(column: pd.Series, multi: bool) -> list[object]:
    if multi:
        found: set[object] = set()
        for value in column:
            found.update(value)
        levels = sorted(found, key=str)
    elif isinstance(column.dtype, pd.CategoricalDtype):
        levels = list(column.cat.categories)
    else:
        if column.isna().any():
            raise DisclosureError(f"{column.name} has missing values; give them a label first")
        levels = sorted(column.unique().tolist(), key=str)
    if TOTAL in levels:
        raise DisclosureError(f"{column.name} has a level named {TOTAL!r}, which marks margins")
    return levels


def _key(column: pd.Series, multi: bool) -> pd.Series:
    if multi:  # a set's levels in order, once per distinct set (a million rows hold a few)
        try:
            codes, uniques = pd.factorize(column)
        except TypeError:  # unhashable (mutable sets)
            codes = np.full(len(column), -1)
        if (codes < 0).any():
            return column.map(lambda v: tuple(sorted(v, key=str)))
        ordered = np.empty(len(uniques), dtype=object)
        ordered[:] = [tuple(sorted(v, key=str)) for v in uniques]
        return pd.Series(ordered[codes], index=column.index)
    if column.isna().any():
        raise DisclosureError(f"{column.name} has missing values; give them a label first")
    return column.astype(object)


def _dim_masks(values: pd.Series, levels: list[object], multi: bool) -> list[np.ndarray]:
    """One mask over the base cells per level, then an all-true one for TOTAL."""
    array = values.to_numpy()
    if multi:
        masks = [np.array([level in v for v in array], dtype=bool) for level in levels]
    else:
        masks = [array == level for level in levels]
    return [*masks, np.ones(array.size, dtype=bool)]
