"""Who a release counts: distinct persons per count, and the small groups a release implies
without publishing them (the hidden groups of the audit, `Quantities.hidden`).

Split from `selections.py`; `protect_selections` is the only user.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from schakel.engine.disclosure.tables import TOTAL


def _nested_pairs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(outer, inner) measures where every unit counted in `inner` is counted in `outer` too
    (returns within a horizon among the exit episodes). The units in the outer count but not
    in the inner one are a group the two counts imply: the per-equation rules keep the
    difference of a published pair at k or more; as hidden groups the audit keeps a small one
    underivable through other selections as well."""
    pairs = []
    for outer in range(flags.shape[1]):
        for inner in range(flags.shape[1]):
            if outer == inner or not flags[:, inner].any():
                continue
            below = not (flags[:, inner] & ~flags[:, outer]).any()
            if below and (flags[:, outer] & ~flags[:, inner]).any():
                pairs.append((outer, inner))
    return pairs


def _small_hidden(
    implied: list[np.ndarray],
    implied_at: list[tuple[int, ...]],
    base_counts: np.ndarray,
    secret: np.ndarray,
    data: pd.DataFrame,
    person: str | None,
    dims: tuple[str, ...],
    chosen: Mapping[str, list[object]],
    keys: list[pd.Series],
    multi: set[str],
    k: int,
    cell_of_row: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The hidden groups with 1 to k-1 persons (units without `person`)."""
    if not implied:
        return ()
    sizes = np.array([base_counts[m].sum() for m in implied], dtype=np.int64)
    if person and not multi:
        levels = [len(chosen[d]) for d in dims]
        codes = [_level_codes(key, chosen[d]) for key, d in zip(keys, dims, strict=True)]
        sizes = _distinct_persons(data[person], codes, levels, secret, implied_at)
    elif person:  # a row may sit in several base cells' selections: count its persons directly
        people = pd.factorize(data[person])[0]
        for index, members in enumerate(implied):
            if sizes[index] >= k:  # fewer units than k are fewer persons than k already
                sizes[index] = np.unique(people[np.isin(cell_of_row, members)]).size
    return tuple(m for m, size in zip(implied, sizes, strict=True) if 1 <= size < k)


def _level_codes(key: pd.Series, levels: Sequence[object]) -> np.ndarray:
    """Position of each row's value among the levels, -1 for a value that is not one."""
    return np.asarray(pd.Index(list(levels), dtype=object).get_indexer(key.to_numpy(dtype=object)))


def _distinct_persons(
    person: pd.Series,
    codes: list[np.ndarray],
    sizes: list[int],
    flags: np.ndarray,
    combinations: list[tuple[int, ...]],
) -> np.ndarray:
    """Distinct persons per quantity (selection `combinations[i]`, a level code per dimension
    or its size for all; measure `i % measures`): per margin one sort of (group, person)
    pairs, OR-ing their measure flags, then a count per group and measure."""
    people = pd.factorize(person)[0].astype(np.int64) + 1  # a missing id counts as one person
    span = int(people.max(initial=0)) + 1
    by_person = np.argsort(people, kind="stable")  # once: each margin then sorts groups only
    measures = flags.shape[1]
    counted: dict[tuple[int, ...], np.ndarray] = {}
    result = np.zeros(len(combinations), dtype=np.int64)
    for row, combination in enumerate(combinations):
        margin = tuple(i for i, c in enumerate(combination) if c < sizes[i])
        if margin not in counted:
            counted[margin] = _persons_by_group(
                people, span, codes, sizes, flags, margin, by_person
            )
        group = 0
        for i in margin:
            group = group * sizes[i] + combination[i]
        result[row] = counted[margin][row % measures, group]
    return result


def _persons_by_group(
    people: np.ndarray,
    span: int,
    codes: list[np.ndarray],
    sizes: list[int],
    flags: np.ndarray,
    margin: tuple[int, ...],
    by_person: np.ndarray | None = None,
) -> np.ndarray:
    """(measures, groups) distinct persons of one margin (groups numbered in mixed radix).
    `by_person`: the rows in (person, row) order; a stable sort of their groups then gives
    the (group, person) order without sorting (group * span + person) codes."""
    valid = np.ones(people.size, dtype=bool)
    group = np.zeros(people.size, dtype=np.int64)
    for i in margin:
        valid &= codes[i] >= 0
        group = group * sizes[i] + codes[i]
    groups = int(np.prod([sizes[i] for i in margin], dtype=np.int64))
    if by_person is None:
        by_person = np.argsort(people, kind="stable")
    narrow = np.int16 if groups <= np.iinfo(np.int16).max else np.int64  # radix sort
    result = np.zeros((flags.shape[1], groups), dtype=np.int64)
    for first in range(0, flags.shape[1], 62):  # measure flags packed 62 to an integer
        chunk = flags[:, first : first + 62]
        wanted = valid & chunk.any(axis=1)
        rows = by_person[wanted[by_person]]
        rows = rows[np.argsort(group[rows].astype(narrow), kind="stable")]
        bits = (chunk[rows].astype(np.int64) << np.arange(chunk.shape[1])).sum(axis=1)
        key = group[rows] * span + people[rows]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
        held = np.bitwise_or.reduceat(bits, starts) if key.size else bits
        owner = key[starts] // span
        for j in range(chunk.shape[1]):
            inside = ((held >> j) & 1).astype(bool)
            result[first + j] = np.bincount(owner[inside], minlength=groups)
    return result


def _persons(
    data: pd.DataFrame,
    person: str,
    keys: list[pd.Series],
    dims: tuple[str, ...],
    multi: set[str],
    flags: np.ndarray,
    rows: list[tuple[list[object], str]],
    max_dims: int | None = None,
) -> np.ndarray:
    """Distinct persons per quantity, one group-by per (margin, measure)."""
    people = pd.Series(pd.factorize(data[person])[0])
    found: dict[tuple[object, ...], int] = {}
    names = list(dict.fromkeys(m for _, m in rows))
    for fixed in itertools.product((False, True), repeat=len(dims)):
        chosen = [i for i, f in enumerate(fixed) if f]
        if max_dims is not None and len(chosen) > max_dims:
            continue
        for j, measure in enumerate(names):
            frame = pd.DataFrame({f"d{i}": keys[i] for i in chosen})
            frame["person"] = people
            frame = frame.loc[flags[:, j]]
            for i in chosen:
                if dims[i] in multi:
                    frame = frame.explode(f"d{i}")
            if chosen:
                counted = frame.groupby([f"d{i}" for i in chosen], observed=True)["person"]
                for key, number in counted.nunique().items():
                    key = key if isinstance(key, tuple) else (key,)
                    label = [TOTAL] * len(dims)
                    for i, value in zip(chosen, key, strict=True):
                        label[i] = value
                    found[(*label, measure)] = int(number)
            else:
                found[(*[TOTAL] * len(dims), measure)] = int(frame["person"].nunique())
    return np.array([found.get((*label, m), 0) for label, m in rows], dtype=np.int64)
