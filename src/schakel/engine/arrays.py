"""Small numpy building blocks that several engine packages share."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

INT16_MAX = int(np.iinfo(np.int16).max)


def narrow(values: npt.NDArray[np.integer], bound: int) -> npt.NDArray[np.integer]:
    """`values` (each in 0..bound-1) as 16-bit integers when they fit: numpy's stable sort
    orders those by radix, in one pass, in the same order as the wide values."""
    return values.astype(np.int16) if bound <= INT16_MAX else values


def counted_ranks(offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each value's rank among the distinct values (`np.unique(..., return_inverse=True)[1]`),
    by counting instead of sorting: for non-negative integers within a modest span."""
    present = np.bincount(offsets) > 0
    return (np.cumsum(present) - 1)[offsets]


def runs_from(
    first: npt.NDArray[np.int64], at: npt.NDArray[np.int64], times: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Positions first[at[i]], first[at[i]] + 1, ... (times[i] of them) for each i, in order:
    the flat positions of each row's run when rows repeat the runs of a few distinct values."""
    ends = np.cumsum(times)
    total = int(ends[-1]) if ends.size else 0
    return np.repeat(first[at] - (ends - times), times) + np.arange(total)
