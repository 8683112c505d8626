"""The all-pairs Dice kernel compiled with numba: per pair AND and POPCNT over 16 words.

numpy cannot come near a plain C loop here (three passes over memory per word, a scalar
popcount loop, microseconds per ufunc call; docs/linkage.md), so this is the C loop written in
Python and compiled by numba (nopython, no GIL, so blocks still run on threads). Popcount is
LLVM's `ctpop`, which becomes one POPCNT instruction on x86-64 (numba compiles for the CPU it
runs on). It decides exactly what `dice._Search` decides, with the same pruning: both sides
sorted by bit count and each left row meeting only the right rows whose counts can reach the
least common bits (here per row, not per tile of 16), and the last 8 words counted only for
pairs whose first 8 plus the smaller number of bits left can still reach them.

Compiled code is cached (cache=True): beside this module when that folder is writable, else in
NUMBA_CACHE_DIR (the container sets it to the data folder), else in the temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import numpy as np
from numba import njit, types
from numba.core import config
from numba.extending import intrinsic


def cache_folder(configured: str, environment: Mapping[str, str], beside_writable: bool) -> str:
    """The folder for numba's cache: the one numba was given, else NUMBA_CACHE_DIR if it was
    set after numba read it, else '' (numba's default, beside this module) when that folder is
    writable, else the temporary folder (a read-only root filesystem has a writable /tmp)."""
    if configured or environment.get("NUMBA_CACHE_DIR"):
        return configured or environment["NUMBA_CACHE_DIR"]
    if beside_writable:
        return ""
    return str(Path(tempfile.gettempdir()) / "schakel-numba-cache")


_beside_writable = os.access(Path(__file__).parent, os.W_OK)
# numba's config module sets its attributes at run time, so mypy does not see CACHE_DIR.
config.CACHE_DIR = cache_folder(config.CACHE_DIR, os.environ, _beside_writable)  # type: ignore[attr-defined]

COLUMNS = 1024  # right rows per pass: their first 8 words (64 KiB) stay in L2
_FIRST_CAPACITY = 256


def _ctpop(typing_context: Any, value: Any) -> Any:
    """Set bits of a uint64 (LLVM ctpop)."""
    if value != types.uint64:
        return None

    def codegen(context: Any, builder: Any, signature: Any, arguments: Any) -> Any:
        return builder.ctpop(arguments[0])

    return types.uint64(types.uint64), codegen


_popcount = cast(Callable[[Any], Any], intrinsic(_ctpop))  # called with the value only


@njit(cache=True, nogil=True)
def _grown(values: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty(capacity, dtype=values.dtype)
    grown[: values.shape[0]] = values
    return grown


@njit(cache=True, nogil=True)
def block_matches(
    left_head: np.ndarray,
    left_tail: np.ndarray,
    left_counts: np.ndarray,
    left_rest: np.ndarray,
    right_head: np.ndarray,
    right_tail: np.ndarray,
    right_counts: np.ndarray,
    right_rest: np.ndarray,
    least: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    start: int,
    stop: int,
    prune: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of left rows [start, stop) and right rows [first[i], last[i]) with at least the
    least common bits: left rows, right rows and common bits (heads are words 0-7, tails 8-15;
    rest are the set bits of the tails)."""
    capacity, found = _FIRST_CAPACITY, 0
    rows = np.empty(capacity, dtype=np.int64)
    columns = np.empty(capacity, dtype=np.int64)
    common = np.empty(capacity, dtype=np.uint16)
    lowest, highest = right_head.shape[0], 0
    for i in range(start, stop):
        if first[i] < last[i]:
            lowest, highest = min(lowest, first[i]), max(highest, last[i])
    for chunk in range(lowest, highest, COLUMNS):
        chunk_stop = min(chunk + COLUMNS, highest)
        for i in range(start, stop):
            begin, end = max(first[i], chunk), min(last[i], chunk_stop)
            if begin >= end:
                continue
            x0, x1, x2, x3 = left_head[i, 0], left_head[i, 1], left_head[i, 2], left_head[i, 3]
            x4, x5, x6, x7 = left_head[i, 4], left_head[i, 5], left_head[i, 6], left_head[i, 7]
            z0, z1, z2, z3 = left_tail[i, 0], left_tail[i, 1], left_tail[i, 2], left_tail[i, 3]
            z4, z5, z6, z7 = left_tail[i, 4], left_tail[i, 5], left_tail[i, 6], left_tail[i, 7]
            needed, rest = least[left_counts[i]], left_rest[i]
            # An unsigned j: numba then skips its check for negative indices (measured faster).
            for j in range(np.uint64(begin), np.uint64(end)):
                head = (
                    _popcount(x0 & right_head[j, 0])
                    + _popcount(x1 & right_head[j, 1])
                    + _popcount(x2 & right_head[j, 2])
                    + _popcount(x3 & right_head[j, 3])
                    + _popcount(x4 & right_head[j, 4])
                    + _popcount(x5 & right_head[j, 5])
                    + _popcount(x6 & right_head[j, 6])
                    + _popcount(x7 & right_head[j, 7])
                )
                need = needed[right_counts[j]]
                if prune and head + min(rest, right_rest[j]) < need:
                    continue
                bits = head + (
                    _popcount(z0 & right_tail[j, 0])
                    + _popcount(z1 & right_tail[j, 1])
                    + _popcount(z2 & right_tail[j, 2])
                    + _popcount(z3 & right_tail[j, 3])
                    + _popcount(z4 & right_tail[j, 4])
                    + _popcount(z5 & right_tail[j, 5])
                    + _popcount(z6 & right_tail[j, 6])
                    + _popcount(z7 & right_tail[j, 7])
                )
                if bits < need:
                    continue
                if found == capacity:
                    capacity *= 2
                    rows = _grown(rows, capacity)
                    columns = _grown(columns, capacity)
                    common = _grown(common, capacity)
                rows[found], columns[found], common[found] = i, j, bits
                found += 1
    return rows[:found], columns[:found], common[:found]
