"""Attacks on salted files (format 4 and later): the linker sees which records share a salt.

A salt (`schema.SALTS`) gives every salt value its own bigram positions and its own tokens, so
an attack on the whole file mixes populations that were encoded differently. The linker can
undo that: the `tk_salt` column says which records share a salt, so it attacks each group on
its own (`per_salt_group`) and aligns the groups themselves by frequency when the salt is a
known attribute (the year of birth: `salt_group_guesses`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from schakel.engine.linkage.attacks.scoring import frequency_guesses

T = TypeVar("T")
Guesser = Callable[[list[T]], Sequence[str | None]]


def per_salt_group(
    guess: Guesser[T],
    values: Sequence[T],
    groups: Sequence[Hashable | None],
    *,
    least: int = 2,
) -> list[str | None]:
    """`guess` applied to the values of each salt group alone (groups of fewer than `least`
    records get no guess); without salt groups (all None) to the whole file."""
    members: dict[Hashable | None, list[int]] = defaultdict(list)
    for row, group in enumerate(groups):
        members[group].append(row)
    out: list[str | None] = [None] * len(values)
    for rows in members.values():
        if len(rows) < least:
            continue
        found = guess([values[row] for row in rows])
        for row, value in zip(rows, found, strict=True):
            out[row] = value
    return out


def salt_group_guesses(
    groups: Sequence[Hashable | None], public: Mapping[str, float]
) -> list[str | None]:
    """The salt groups aligned by size with a public distribution of the salted attribute
    (a year-of-birth salt: the region's own year counts)."""
    return frequency_guesses(groups, public)


def denoised_filters(
    filters: Sequence[bytes | None], flip: float, *, chunk: int = 512
) -> list[bytes | None]:
    """Random bit flipping (BLIP) undone for names that occur more than once: every filter is
    replaced by the majority bit of itself and its neighbours, the filters at Dice >= a
    threshold that noisy copies of one name reach and different names rarely do. The attacker
    knows `flip` (it is in the `encoding` column). Then the noise-free attacks apply."""
    rows = [i for i, f in enumerate(filters) if f is not None]
    if not rows or flip <= 0.0:
        return list(filters)
    packed = np.frombuffer(b"".join(filters[i] for i in rows), dtype=np.uint8)  # type: ignore[misc]
    bits = np.unpackbits(packed.reshape(len(rows), -1), axis=1, bitorder="little")
    dense = bits.astype(np.float32)
    counts = dense.sum(axis=1)
    # The mean set bits tell the attacker how full the filters were before the flips.
    observed = float(counts.mean())
    ones = (observed - bits.shape[1] * flip) / (1.0 - 2.0 * flip)
    threshold = denoise_threshold(flip, ones=max(ones, 1.0), bits=float(bits.shape[1]))
    out: list[bytes | None] = list(filters)
    for start in range(0, len(rows), chunk):
        block = dense[start : start + chunk]
        common = block @ dense.T
        dice = 2.0 * common / np.maximum(counts[start : start + chunk, None] + counts[None, :], 1)
        near = dice >= threshold
        votes = near.astype(np.float32) @ dense
        majority = (votes * 2 > near.sum(axis=1, keepdims=True)).astype(np.uint8)
        clean = np.packbits(majority, axis=1, bitorder="little")
        for offset, row in enumerate(rows[start : start + chunk]):
            out[row] = clean[offset].tobytes()
    return out


def denoise_threshold(flip: float, *, ones: float = 200.0, bits: float = 1024.0) -> float:
    """Dice between two noisy copies of one filter of `ones` of `bits` set, less a margin
    (0.72 at 5% flips, 0.58 at 10% for a name filter of about 200 bits)."""
    kept = ones * (1 - flip)
    added = (bits - ones) * flip
    common = kept * (1 - flip) + added * flip
    return float(0.92 * common / (kept + added))
