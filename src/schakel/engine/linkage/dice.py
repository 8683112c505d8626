"""Native Dice comparison of 1024-bit filters with numpy, no Python loop over pairs.

Two kernels. `dice_pairs` scores a given list of pairs (gathers rows, ~10-20 M pairs/s).
`dice_all_pairs` compares tiles of left filters with tiles of right filters. Filters are stored
word-major (16, n), and one tile runs three numpy calls: AND of all 16 word pairs, popcount,
and a sum over the words. The popcount writes its bytes into the low byte of 16-bit counters,
so the sum needs no type conversion (a uint8 -> uint16 cast made the previous kernel twice as
slow). Tiles are small enough for the temporaries to stay in L2. numpy releases the GIL inside
ufuncs, so blocks of left rows run on several threads. Measured against a plain C loop in
benchmarks/linkage_kernel.py (docs/linkage.md).

Which pairs qualify is decided as before (Dice >= t in float32: 2c >= t|a| + t|b|), now read
from a table of the least common bits per (|a|, |b|). The same table gives a length filter
(`prune`): a pair whose smaller count is below its least common bits cannot qualify, so with
both sides sorted by count a left tile is compared only with the right filters whose counts can
reach t. It changes which pairs are counted, never the result.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from schakel.engine.linkage.bloom import FILTER_BITS, FILTER_WORDS, popcounts

_PAIR_CHUNK = 32768
_TILE_ROWS = 16
_TILE_COLUMNS = 256
_BLOCK_ROWS = 256
_LOW_BYTE = 0 if sys.byteorder == "little" else 1


def dice_pairs(
    left: np.ndarray, right: np.ndarray, left_index: np.ndarray, right_index: np.ndarray
) -> np.ndarray:
    """Dice of left[left_index[p]] and right[right_index[p]] for every p (float32).

    Two empty filters have Dice 0: no evidence, not agreement.
    """
    left_counts, right_counts = popcounts(left), popcounts(right)
    out = np.empty(len(left_index), dtype=np.float32)
    for start in range(0, len(left_index), _PAIR_CHUNK):
        stop = start + _PAIR_CHUNK
        li, ri = left_index[start:stop], right_index[start:stop]
        both = np.take(left, li, axis=0)
        both &= np.take(right, ri, axis=0)
        common = np.bitwise_count(both).sum(axis=1, dtype=np.int32)
        total = left_counts[li] + right_counts[ri]
        out[start:stop] = 2.0 * common / np.maximum(total, 1)
    return out


@dataclass(frozen=True)
class DiceMatches:
    """Pairs at or above a Dice threshold, sorted by (left, right).

    `comparisons` is the number of pairs the search decided (every left x right pair, or every
    i < j pair when deduplicating); `counted` is how many of them had their bits counted (fewer
    with the length filter).
    """

    left: np.ndarray
    right: np.ndarray
    dice: np.ndarray
    comparisons: int
    counted: int = 0


def least_common_bits(threshold: float) -> np.ndarray:
    """Least common bits c with 2c / (|a| + |b|) >= threshold, indexed [|a|, |b|] (uint16).

    The float32 rule of the earlier kernel, c >= max(t/2 |a| + t/2 |b|, 0.5), kept exactly so
    results do not move at the boundary; at least 1, so two empty filters never qualify.
    """
    half = np.float32(threshold / 2.0)
    scaled = np.arange(FILTER_BITS + 1, dtype=np.float32) * half
    needed = np.add.outer(scaled, scaled)
    np.maximum(needed, np.float32(0.5), out=needed)
    least = np.minimum(np.ceil(needed), np.float32(FILTER_BITS + 1))
    return least.astype(np.uint16)


@functools.lru_cache(maxsize=8)
def _threshold_tables(threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The least common bits, and for each |a| the lowest and highest |b| for which
    min(|a|, |b|) can reach them (lowest > highest when none can). Cached: the search runs
    once per birth-year block with the same threshold."""
    least = least_common_bits(threshold)
    counts = np.arange(FILTER_BITS + 1)
    possible = np.minimum.outer(counts, counts) >= least
    any_possible = possible.any(axis=1)
    lowest = np.where(any_possible, possible.argmax(axis=1), FILTER_BITS + 1)
    highest = np.where(any_possible, FILTER_BITS - possible[:, ::-1].argmax(axis=1), -1)
    for table in (least, lowest, highest):
        table.setflags(write=False)
    return least, lowest, highest


class _Tiles:
    """Scratch arrays of one thread, reused for every tile it counts."""

    def __init__(self) -> None:
        shape = (FILTER_WORDS, _TILE_ROWS, _TILE_COLUMNS)
        self.anded = np.empty(shape, dtype=np.uint64)
        self.counted = np.zeros(shape, dtype=np.uint16)
        self.low = self.counted.view(np.uint8)[..., _LOW_BYTE::2]
        self.common = np.empty((_TILE_ROWS, _TILE_COLUMNS), dtype=np.uint16)

    def common_bits(self, left_words: np.ndarray, right_words: np.ndarray) -> np.ndarray:
        """Common set bits of every left x right pair of one tile."""
        rows, columns = left_words.shape[1], right_words.shape[1]
        anded = self.anded[:, :rows, :columns]
        np.bitwise_and(left_words[:, :, None], right_words[:, None, :], out=anded)
        np.bitwise_count(anded, out=self.low[:, :rows, :columns])
        common = self.common[:rows, :columns]
        np.add.reduce(self.counted[:, :rows, :columns], axis=0, out=common)
        return common


@dataclass(frozen=True)
class _Sides:
    """Both sides word-major with their counts, in the order the search visits them."""

    left_words: np.ndarray
    left_counts: np.ndarray
    right_words: np.ndarray
    right_counts: np.ndarray
    least: np.ndarray
    lowest: np.ndarray | None
    highest: np.ndarray | None
    dedupe: bool

    def columns(self, start: int, stop: int) -> tuple[int, int]:
        """Right columns a tile of left rows [start, stop) has to be compared with."""
        first, last = (start + 1 if self.dedupe else 0), self.right_counts.shape[0]
        if self.lowest is not None and self.highest is not None:
            counts = self.left_counts[start:stop]
            first = max(first, int(np.searchsorted(self.right_counts, self.lowest[counts].min())))
            reach = self.highest[counts].max()
            last = min(last, int(np.searchsorted(self.right_counts, reach, side="right")))
        return first, last

    def tile_matches(
        self, tiles: _Tiles, start: int, stop: int, first: int, last: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Qualifying pairs of left rows [start, stop) and right columns [first, last)."""
        common = tiles.common_bits(self.left_words[:, start:stop], self.right_words[:, first:last])
        left_counts, right_counts = self.left_counts[start:stop], self.right_counts[first:last]
        # The least common bits grow with |b|: the tile's smallest |b| bounds each row.
        bound = self.least[left_counts, right_counts.min()]
        rows, columns = np.nonzero(common >= bound[:, None])
        if len(rows):
            a, b = left_counts[rows], right_counts[columns]
            keep = common[rows, columns] >= self.least[a, b]
            if self.dedupe:
                keep &= columns + first > rows + start
            rows, columns, a, b = rows[keep], columns[keep], a[keep], b[keep]
            dice = (2.0 * common[rows, columns] / (a + b).astype(np.float64)).astype(np.float32)
            return rows + start, columns + first, dice
        return rows, columns, np.empty(0, dtype=np.float32)

    def block(self, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Matches of left rows [start, start + _BLOCK_ROWS), and the pairs counted."""
        tiles, found, counted = _Tiles(), [], 0
        for row in range(start, min(start + _BLOCK_ROWS, self.left_counts.shape[0]), _TILE_ROWS):
            stop = min(row + _TILE_ROWS, self.left_counts.shape[0])
            first, last = self.columns(row, stop)
            for column in range(first, last, _TILE_COLUMNS):
                found.append(
                    self.tile_matches(tiles, row, stop, column, min(column + _TILE_COLUMNS, last))
                )
            counted += (stop - row) * max(last - first, 0)
        return *_joined(found), counted


def _joined(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float32)
    return (
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
        np.concatenate([p[2] for p in parts]).astype(np.float32),
    )


def _ordered(filters: np.ndarray, prune: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Word-major filters, their counts (intp) and the sorting order (None when unsorted)."""
    counts = popcounts(filters).astype(np.intp)
    order = np.argsort(counts, kind="stable") if prune else None
    if order is not None:
        filters, counts = filters[order], counts[order]
    return np.ascontiguousarray(filters.T), counts, order


def _blocks(
    sides: _Sides, workers: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    starts = range(0, sides.left_counts.shape[0], _BLOCK_ROWS)
    if workers <= 1 or len(starts) <= 1:
        return map(sides.block, starts)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return iter(list(pool.map(sides.block, starts)))


def dice_all_pairs(
    left: np.ndarray,
    right: np.ndarray,
    threshold: float,
    *,
    dedupe: bool = False,
    workers: int | None = None,
    prune: bool = True,
) -> DiceMatches:
    """All left x right pairs with Dice >= threshold (only i < j when dedupe; then right is
    ignored and left is compared with itself). `prune=False` counts every pair (to measure the
    kernel); the result is the same."""
    least, lowest, highest = _threshold_tables(float(threshold))
    left_words, left_counts, left_order = _ordered(left, prune)
    if dedupe:
        right_words, right_counts, right_order = left_words, left_counts, left_order
    else:
        right_words, right_counts, right_order = _ordered(right, prune)
    reach = (lowest, highest) if prune else (None, None)
    sides = _Sides(left_words, left_counts, right_words, right_counts, least, *reach, dedupe)
    parts = list(_blocks(sides, workers or os.cpu_count() or 1))
    rows, columns, dice = _joined([part[:3] for part in parts])
    if left_order is not None and right_order is not None:
        rows, columns = left_order[rows], right_order[columns]
    if dedupe:
        rows, columns = np.minimum(rows, columns), np.maximum(rows, columns)
    order = np.lexsort((columns, rows))
    width = left.shape[0] if dedupe else right.shape[0]
    return DiceMatches(
        left=rows[order].astype(np.int64),
        right=columns[order].astype(np.int64),
        dice=dice[order],
        comparisons=left.shape[0] * (left.shape[0] - 1) // 2 if dedupe else left.shape[0] * width,
        counted=sum(part[3] for part in parts),
    )
