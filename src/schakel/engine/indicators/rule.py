"""The ILO/EC decision rule, as stated in the reference (indicators.md, "Combination rule").

1. A dimension is positive when the indicators present in it include at least: two strong; or
   one strong plus one medium or weak; or three medium; or two medium plus one weak.
2. An adult meets the indicators of trafficking when a recruitment dimension (D1 or D2 or D3)
   is positive, and D4 is positive, and D5 or D6 is positive.
3. For a child the means are not required: a recruitment act plus positive exploitation (D4)
   suffices. Read here as: a positive recruitment dimension (D1, D2 or D3) and a positive D4.

Both parts are monotone (one more indicator present never makes a dimension or the outcome
negative), which is what makes "could still be met" and the next questions exact and cheap:
see questions.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from schakel.engine.indicators.model import Dimension, Strength

Counts = tuple[int, int, int]  # present (or available) indicators: strong, medium, weak

STRENGTH_ORDER: tuple[Strength, ...] = (Strength.STRONG, Strength.MEDIUM, Strength.WEAK)
DIMENSION_ORDER: tuple[Dimension, ...] = tuple(Dimension)

# The smallest combinations that make a dimension positive; a dimension is positive when its
# present indicators include one of them.
POSITIVE_MINIMA: tuple[Counts, ...] = ((2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 3, 0), (0, 2, 1))
CAP = 3  # no minimum needs more than three of one strength, so counts are capped at three


def _cap(counts: Counts) -> Counts:
    return (min(counts[0], CAP), min(counts[1], CAP), min(counts[2], CAP))


def is_positive(counts: Counts) -> bool:
    """Rule 1: do these present indicators make their dimension positive?"""
    s, m, w = counts
    return any(s >= a and m >= b and w >= c for a, b, c in POSITIVE_MINIMA)


@cache
def _cheapest(present: Counts, available: Counts, needed: int | None) -> int | None:
    best: int | None = None
    for a in range(available[0] + 1):
        for b in range(available[1] + 1):
            for c in range(available[2] + 1):
                extra = (present[0] + a, present[1] + b, present[2] + c)
                if needed is None:
                    ok = is_positive(extra)
                else:
                    with_it = list(extra)
                    with_it[needed] += 1
                    ok = is_positive((with_it[0], with_it[1], with_it[2])) and not is_positive(
                        extra
                    )
                if ok and (best is None or a + b + c < best):
                    best = a + b + c
    return best


def cheapest_completion(present: Counts, available: Counts) -> int | None:
    """Fewest unknown indicators that must turn present to make the dimension positive.

    None when even all of them would not do it.
    """
    return _cheapest(_cap(present), _cap(available), None)


def cheapest_with(present: Counts, available: Counts, strength: Strength) -> int | None:
    """Fewest answers, this one of `strength` included, making the dimension positive only
    with it; None when this indicator can never be the one that tips the dimension.

    `available` counts the other unknown indicators of the dimension, not this one.
    """
    extra = _cheapest(_cap(present), _cap(available), STRENGTH_ORDER.index(strength))
    return None if extra is None else extra + 1


def _mask(dimensions: Iterable[Dimension]) -> int:
    return sum(1 << DIMENSION_ORDER.index(d) for d in set(dimensions))


@dataclass(frozen=True)
class CombinationRule:
    """All clauses must hold; a clause holds when one of its dimensions is positive."""

    name: str
    clauses: tuple[frozenset[Dimension], ...]
    _masks: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_masks", tuple(_mask(c) for c in self.clauses))

    def holds(self, positive: Iterable[Dimension]) -> bool:
        return self.holds_mask(_mask(positive))

    def holds_mask(self, positive: int) -> bool:
        """The same test on a bit mask (bit i = DIMENSION_ORDER[i] positive): the hot path."""
        return all(positive & clause for clause in self._masks)


ADULT_RULE = CombinationRule(
    "adult",
    (
        frozenset({Dimension.D1, Dimension.D2, Dimension.D3}),
        frozenset({Dimension.D4}),
        frozenset({Dimension.D5, Dimension.D6}),
    ),
)
CHILD_RULE = CombinationRule(
    "child",
    (
        frozenset({Dimension.D1, Dimension.D2, Dimension.D3}),
        frozenset({Dimension.D4}),
    ),
)
COMBINATION_RULES: Mapping[str, CombinationRule] = MappingProxyType(
    {rule.name: rule for rule in (ADULT_RULE, CHILD_RULE)}
)
