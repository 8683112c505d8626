"""Who a release counts: distinct persons per count, and the small groups a release implies
without publishing them (the hidden groups of the audit, `Quantities.hidden`).

Split from `selections.py`; `protect_selections` is the only user.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from schakel.engine.arrays import narrow, runs_from


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
    person: pd.Series | None,
    memberships: list[Membership],
    sizes: list[int],
    k: int,
) -> tuple[np.ndarray, ...]:
    """The hidden groups with 1 to k-1 persons (units without `person`)."""
    if not implied:
        return ()
    if person is None:
        counted = np.array([base_counts[m].sum() for m in implied], dtype=np.int64)
    else:
        counted = _distinct_persons(person, memberships, sizes, secret, implied_at)
    return tuple(m for m, size in zip(implied, counted, strict=True) if 1 <= size < k)


Membership = tuple[np.ndarray, np.ndarray]
"""(rows, level codes) of one dimension, ordered by row: a row of a multi-valued dimension
appears once per level of its set, a row whose value is no level not at all."""


def memberships(key: pd.Series, levels: Sequence[object], multi: bool) -> Membership:
    """Each row's level codes among `levels` (`key`: `_key` of the column, a multi-valued
    one holding sorted tuples)."""
    if not multi:
        codes = _level_codes(key, levels)
        rows = np.flatnonzero(codes >= 0)
        return rows, codes[rows]
    sets, uniques = pd.factorize(key)  # a few distinct sets: their codes once each
    # a dict lookup per level of each distinct set (an Index per set: seconds for thousands)
    position = {level: code for code, level in enumerate(levels)}
    coded = [np.array([position[v] for v in u if v in position], dtype=np.int64) for u in uniques]
    lengths = np.array([c.size for c in coded], dtype=np.int64)
    flat = np.concatenate([np.zeros(0, dtype=np.int64), *coded])
    times = lengths[sets]
    rows = np.repeat(np.arange(len(key), dtype=np.int64), times)
    return rows, flat[runs_from(np.cumsum(lengths) - lengths, sets, times)]


def _level_codes(key: pd.Series, levels: Sequence[object]) -> np.ndarray:
    """Position of each row's value among the levels, -1 for a value that is not one."""
    return np.asarray(pd.Index(list(levels), dtype=object).get_indexer(key.to_numpy(dtype=object)))


def _distinct_persons(
    person: pd.Series,
    memberships: list[Membership],
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
    packed = _packed(flags)  # once: every margin reads the same flags
    counted: dict[tuple[int, ...], np.ndarray] = {}
    result = np.zeros(len(combinations), dtype=np.int64)
    for row, combination in enumerate(combinations):
        margin = tuple(i for i, c in enumerate(combination) if c < sizes[i])
        if margin not in counted:
            counted[margin] = _persons_by_group(
                people, span, memberships, sizes, flags, margin, by_person, packed
            )
        group = 0
        for i in margin:
            group = group * sizes[i] + combination[i]
        result[row] = counted[margin][row % measures, group]
    return result


def _packed(flags: np.ndarray) -> list[np.ndarray]:
    """Each row's measure flags as integers, 62 flags to one (bit j: flag first + j)."""
    found = []
    for first in range(0, flags.shape[1], 62):
        chunk = flags[:, first : first + 62]
        packed = np.zeros((flags.shape[0], 8), dtype=np.uint8)
        packed[:, : (chunk.shape[1] + 7) // 8] = np.packbits(chunk, axis=1, bitorder="little")
        found.append(packed.view("<i8").reshape(-1))
    return found


def _margin_pairs(
    rows: np.ndarray,
    memberships: list[Membership],
    sizes: list[int],
    margin: tuple[int, ...],
    count: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(row, group) pairs of one margin, in the order of `rows`: a row is in one group per
    combination of its levels (several where a dimension is multi-valued), none when a
    dimension of the margin has no level for it."""
    group = np.zeros(rows.size, dtype=np.int64)
    for i in margin:
        at, codes = memberships[i]
        per_row = np.bincount(at, minlength=count)
        times = per_row[rows]
        picked = runs_from(np.cumsum(per_row) - per_row, rows, times)
        rows = np.repeat(rows, times)
        group = np.repeat(group, times) * sizes[i] + codes[picked]
    return rows, group


def _persons_by_group(
    people: np.ndarray,
    span: int,
    memberships: list[Membership],
    sizes: list[int],
    flags: np.ndarray,
    margin: tuple[int, ...],
    by_person: np.ndarray | None = None,
    packed: list[np.ndarray] | None = None,
) -> np.ndarray:
    """(measures, groups) distinct persons of one margin (groups numbered in mixed radix).
    `by_person`: the rows in (person, row) order; a stable sort of their groups then gives
    the (group, person) order without sorting (group * span + person) codes. `packed`: the
    flags as `_packed` gives them."""
    groups = int(np.prod([sizes[i] for i in margin], dtype=np.int64))
    if by_person is None:
        by_person = np.argsort(people, kind="stable")
    if packed is None:
        packed = _packed(flags)
    rows, group = _margin_pairs(by_person, memberships, sizes, margin, people.size)
    order = np.argsort(narrow(group, groups), kind="stable")
    rows, group = rows[order], group[order]  # (group, person) order, once for every measure
    result = np.zeros((flags.shape[1], groups), dtype=np.int64)
    for number, bits in enumerate(packed):  # measure flags packed 62 to an integer
        first, width = number * 62, min(62, flags.shape[1] - number * 62)
        wanted = bits[rows] != 0
        key = group[wanted] * span + people[rows[wanted]]
        if key.size == 0:
            continue
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        held = np.bitwise_or.reduceat(bits[rows[wanted]], starts)  # per (group, person)
        owner = key[starts] // span  # ascending
        present = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        held = held.astype(np.int64, copy=False)
        for bit in range(width):  # a reduction along one array per flag: an (n, 62) matrix
            # unpacked and reduced along its first axis took four times as long at 1M pairs
            result[first + bit, owner[present]] = np.add.reduceat((held >> bit) & 1, present)
    return result
