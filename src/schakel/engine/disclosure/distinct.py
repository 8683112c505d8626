"""Distinct persons per level, for the many groupings (strata) of one selection's rows.

A selection's incidence tables count, for every stratum, the distinct persons behind each
level's episodes. Sorting the rows by person once, a row is a repeat when an earlier row of
the same person (at most a few places before it) has the same level; the distinct persons of
a level are its rows that are not repeats. That is a few comparisons of whole arrays per
stratum instead of counting (level, person) pairs in a table of levels x persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_RUN = 16
"""Beyond this many rows for one person (or missing ids) the caller counts another way."""


@dataclass(frozen=True)
class PersonRuns:
    """`order`: the rows sorted by person (stable); `same[d - 1][i]`: sorted rows i and
    i + d belong to the same person (for every d up to the longest run minus one)."""

    order: np.ndarray
    same: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, people: np.ndarray) -> PersonRuns | None:
        """The runs of `people` (any integer codes, a missing id one value), or None when
        some person has more than MAX_RUN rows."""
        order = np.argsort(people, kind="stable")
        ranked = np.asarray(people)[order]
        same: list[np.ndarray] = []
        for distance in range(1, MAX_RUN + 1):
            equal = ranked[distance:] == ranked[:-distance]
            if not equal.any():
                return cls(order, tuple(same))
            same.append(equal)
        return None

    def distinct(self, grouped: np.ndarray, size: int) -> np.ndarray:
        """Distinct persons per level (`grouped`: each row's level number, `size` levels)."""
        levels = np.asarray(grouped)[self.order]
        repeat = np.zeros(levels.size, dtype=bool)
        for distance, equal in enumerate(self.same, start=1):
            repeat[distance:] |= equal & (levels[distance:] == levels[:-distance])
        return np.bincount(levels[~repeat], minlength=size)
