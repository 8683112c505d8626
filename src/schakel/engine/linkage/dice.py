"""Native Dice comparison of 1024-bit filters, no Python loop over pairs.

Two kernels. `dice_pairs` scores a given list of pairs (gathers rows, ~10-20 M pairs/s).
`dice_all_pairs` compares tiles of 16 left x 4,096 right filters stored word-major (16, n):
per word one AND, one popcount and one add over the tile. The popcount writes its bytes into
the low byte of 16-bit counters, so the add needs no uint8 -> uint16 cast. numpy releases the
GIL inside ufuncs, so blocks of left rows run on several threads. Smaller tiles that stay in
L2 were slower on this machine: each ufunc call costs microseconds, so the tile must be large.

Which pairs qualify is decided as before (Dice >= t in float32: 2c >= t|a| + t|b|), now read
from a table of the least common bits per (|a|, |b|). By default (`prune`) the same table
skips work that cannot change the result: both sides are sorted by bit count and a left tile
meets only the right filters whose counts can reach t (a length filter), and only the first
8 words are counted for the whole tile; the last 8 are counted for the pairs whose count so far
plus the smaller number of bits left can still reach t. `prune=False` counts every bit of
every pair, as the C loop of benchmarks/linkage_kernel.py does (measured in docs/linkage.md).

By default `dice_all_pairs` runs the same search compiled with numba (`_dice_compiled`, ADR
0030): by CPU time the numpy kernel reached 47% of the plain C loop with its pruning, the
compiled one 143% (61% counting every pair; same run, docs/linkage.md). The numpy kernel stays
as the reference the tests hold the compiled one to, and runs when numba cannot be imported.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from schakel.engine.linkage.bloom import FILTER_BITS, FILTER_WORDS, popcounts

_PAIR_CHUNK = 32768
_TILE_ROWS = 16
_TILE_COLUMNS = 4096
_BLOCK_ROWS = 64
_BOUND_WORDS = 8
_LOW_BYTE = 0 if sys.byteorder == "little" else 1

logger = logging.getLogger(__name__)


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
def _threshold_tables(
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The least common bits, floor(t/2 |a|) for each |a|, and for each |a| the lowest and
    highest |b| for which min(|a|, |b|) can reach the least common bits (lowest > highest
    when none can). Cached: the search runs once per birth-year block."""
    least = least_common_bits(threshold)
    scaled = np.arange(FILTER_BITS + 1, dtype=np.float32) * np.float32(threshold / 2.0)
    floors = np.clip(np.floor(scaled), 0, FILTER_BITS).astype(np.uint16)
    counts = np.arange(FILTER_BITS + 1)
    possible = np.minimum.outer(counts, counts) >= least
    any_possible = possible.any(axis=1)
    lowest = np.where(any_possible, possible.argmax(axis=1), FILTER_BITS + 1)
    highest = np.where(any_possible, FILTER_BITS - possible[:, ::-1].argmax(axis=1), -1)
    for table in (least, floors, lowest, highest):
        table.setflags(write=False)
    return least, floors, lowest, highest


class _Tiles:
    """Scratch arrays of one thread, reused for every tile it counts."""

    def __init__(self) -> None:
        shape = (_TILE_ROWS, _TILE_COLUMNS)
        self.anded = np.empty(shape, dtype=np.uint64)
        self.counted = np.zeros(shape, dtype=np.uint16)
        self.low = self.counted.view(np.uint8)[:, _LOW_BYTE::2]
        self.common = np.empty(shape, dtype=np.uint16)
        self.reach = np.empty(shape, dtype=np.uint16)
        self.needed = np.empty(shape, dtype=np.uint16)

    def common_bits(self, left_words: np.ndarray, right_words: np.ndarray) -> np.ndarray:
        """Common set bits of every left x right pair of one tile, over the words given."""
        rows, columns = left_words.shape[1], right_words.shape[1]
        anded, low = self.anded[:rows, :columns], self.low[:rows, :columns]
        counted, common = self.counted[:rows, :columns], self.common[:rows, :columns]
        for word in range(left_words.shape[0]):
            np.bitwise_and(left_words[word][:, None], right_words[word][None, :], out=anded)
            np.bitwise_count(anded, out=low)
            if word:
                np.add(common, counted, out=common)
            else:
                np.copyto(common, counted)
        return common


@dataclass(frozen=True)
class _Side:
    """One side in the order the search visits it: filters row-major, set bits in all words
    and in the words counted after the early bound; word-major (the numpy kernel) or split at
    the bound (the compiled one) when asked."""

    filters: np.ndarray
    counts: np.ndarray
    rest: np.ndarray

    @classmethod
    def of(cls, filters: np.ndarray, order: np.ndarray | None) -> _Side:
        if order is not None:
            filters = filters[order]
        filters = np.ascontiguousarray(filters, dtype=np.uint64)
        counts = popcounts(filters).astype(np.intp)
        rest = popcounts(filters[:, _BOUND_WORDS:]).astype(np.uint16)
        return cls(filters, counts, rest)

    @functools.cached_property
    def words(self) -> np.ndarray:
        return np.ascontiguousarray(self.filters.T)

    @functools.cached_property
    def head(self) -> np.ndarray:
        return self.filters[:, :_BOUND_WORDS].copy()  # a copy: writable, so one numba type

    @functools.cached_property
    def tail(self) -> np.ndarray:
        return self.filters[:, _BOUND_WORDS:].copy()


@dataclass(frozen=True)
class _Search:
    """Both sides and the threshold tables; `prune` adds the length filter and the bound."""

    left: _Side
    right: _Side
    least: np.ndarray
    floors: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray
    dedupe: bool
    prune: bool

    def columns(self, start: int, stop: int) -> tuple[int, int]:
        """Right columns a tile of left rows [start, stop) has to be compared with."""
        first, last = (start + 1 if self.dedupe else 0), self.right.counts.shape[0]
        if self.prune:
            counts = self.left.counts[start:stop]
            lowest, highest = self.lowest[counts].min(), self.highest[counts].max()
            first = max(first, int(np.searchsorted(self.right.counts, lowest)))
            last = min(last, int(np.searchsorted(self.right.counts, highest, side="right")))
        return first, last

    def candidates(
        self, tiles: _Tiles, start: int, stop: int, first: int, last: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs of one tile that may qualify (tile positions) and their common bits.

        Pruned, only the first `_BOUND_WORDS` words are counted for the whole tile: a pair whose
        count so far plus the smaller number of set bits left cannot reach the least common bits
        is decided; the rest of the words are counted for the few others.
        """
        words = _BOUND_WORDS if self.prune else FILTER_WORDS
        common = tiles.common_bits(
            self.left.words[:words, start:stop], self.right.words[:words, first:last]
        )
        # floor(t/2 |a|) + floor(t/2 |b|) never exceeds the least common bits: a cheap bound.
        needed = tiles.needed[: stop - start, : last - first]
        left_floor = self.floors[self.left.counts[start:stop]]
        np.add(left_floor[:, None], self.floors[self.right.counts[first:last]], out=needed)
        if not self.prune:
            rows, columns = np.nonzero(common >= needed)
            return rows, columns, common[rows, columns]
        reach = tiles.reach[: stop - start, : last - first]
        np.minimum(self.left.rest[start:stop, None], self.right.rest[first:last], out=reach)
        np.add(reach, common, out=reach)
        rows, columns = np.nonzero(reach >= needed)
        left_rest = self.left.filters[rows + start, words:]
        more = np.bitwise_count(left_rest & self.right.filters[columns + first, words:])
        return rows, columns, common[rows, columns] + more.sum(axis=1, dtype=np.uint16)

    def tile_matches(
        self, tiles: _Tiles, start: int, stop: int, first: int, last: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Qualifying pairs of left rows [start, stop) and right columns [first, last)."""
        rows, columns, common = self.candidates(tiles, start, stop, first, last)
        rows, columns = rows + start, columns + first
        a, b = self.left.counts[rows], self.right.counts[columns]
        keep = common >= self.least[a, b]
        if self.dedupe:
            keep &= columns > rows
        rows, columns, a, b, common = rows[keep], columns[keep], a[keep], b[keep], common[keep]
        return rows, columns, _dice_values(common, a, b)

    def block(self, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Matches of left rows [start, start + _BLOCK_ROWS), and the pairs counted."""
        tiles, found, counted, end = _Tiles(), [], 0, self.left.counts.shape[0]
        for row in range(start, min(start + _BLOCK_ROWS, end), _TILE_ROWS):
            stop = min(row + _TILE_ROWS, end)
            first, last = self.columns(row, stop)
            for column in range(first, last, _TILE_COLUMNS):
                stop_column = min(column + _TILE_COLUMNS, last)
                found.append(self.tile_matches(tiles, row, stop, column, stop_column))
            counted += (stop - row) * max(last - first, 0)
        return *_joined(found), counted

    def row_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Right columns [first, last) of each left row: the length filter per row (not per
        tile of rows) when pruning, only the later rows when deduplicating."""
        rows, width = self.left.counts.shape[0], self.right.counts.shape[0]
        first, last = np.zeros(rows, dtype=np.int64), np.full(rows, width, dtype=np.int64)
        if self.prune:
            lowest, highest = self.lowest[self.left.counts], self.highest[self.left.counts]
            first = np.searchsorted(self.right.counts, lowest).astype(np.int64)
            last = np.searchsorted(self.right.counts, highest, side="right").astype(np.int64)
        if self.dedupe:
            np.maximum(first, np.arange(1, rows + 1), out=first)
        return first, last


_Block = tuple[np.ndarray, np.ndarray, np.ndarray, int]


@dataclass(frozen=True)
class _CompiledBlocks:
    """The search of `_Search` by the compiled kernel, a block of left rows per call."""

    search: _Search
    kernel: ModuleType
    first: np.ndarray
    last: np.ndarray

    @classmethod
    def of(cls, search: _Search, kernel: ModuleType) -> _CompiledBlocks:
        return cls(search, kernel, *search.row_columns())

    def __call__(self, start: int) -> _Block:
        left, right = self.search.left, self.search.right
        stop = min(start + _BLOCK_ROWS, left.counts.shape[0])
        rows, columns, common = self.kernel.block_matches(
            left.head, left.tail, left.counts, left.rest,
            right.head, right.tail, right.counts, right.rest,
            self.search.least, self.first, self.last, start, stop, self.search.prune,
        )  # fmt: skip
        dice = _dice_values(common, left.counts[rows], right.counts[columns])
        counted = int(np.maximum(self.last[start:stop] - self.first[start:stop], 0).sum())
        return rows, columns, dice, counted


def _dice_values(common: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2c / (|a| + |b|) in float64, rounded once to float32 (both kernels)."""
    return (2.0 * common / (a + b).astype(np.float64)).astype(np.float32)


@functools.cache
def compiled_kernel() -> ModuleType | None:
    """The numba kernel module, or None (with a warning) when numba cannot be imported."""
    try:
        from schakel.engine.linkage import _dice_compiled
    except ImportError as error:
        logger.warning("Dice search without numba (%s): the numpy kernel is slower", error)
        return None
    return _dice_compiled


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


def _blocks(block: Callable[[int], _Block], rows: int, workers: int) -> Iterator[_Block]:
    starts = range(0, rows, _BLOCK_ROWS)
    if workers <= 1 or len(starts) <= 1:
        return map(block, starts)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return iter(list(pool.map(block, starts)))


def dice_all_pairs(
    left: np.ndarray,
    right: np.ndarray,
    threshold: float,
    *,
    dedupe: bool = False,
    workers: int | None = None,
    prune: bool = True,
    compiled: bool = True,
) -> DiceMatches:
    """All left x right pairs with Dice >= threshold (only i < j when dedupe; then right is
    ignored and left is compared with itself). `prune=False` counts every pair (to measure the
    kernel); `compiled=False` runs the numpy kernel (the reference); the result is the same."""
    tables = _threshold_tables(float(threshold))
    left_order = np.argsort(popcounts(left), kind="stable") if prune else None
    right_order = np.argsort(popcounts(right), kind="stable") if prune and not dedupe else None
    left_side = _Side.of(left, left_order)
    right_side, right_order = (
        (left_side, left_order) if dedupe else (_Side.of(right, right_order), right_order)
    )
    search = _Search(left_side, right_side, *tables, dedupe=dedupe, prune=prune)
    kernel = compiled_kernel() if compiled else None
    block = search.block if kernel is None else _CompiledBlocks.of(search, kernel)
    parts = list(_blocks(block, left_side.counts.shape[0], workers or os.cpu_count() or 1))
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
