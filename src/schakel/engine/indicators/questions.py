"""Which unknown indicators are worth asking about next, and in which order.

Definition. An unknown indicator is a *next question* when its answer can change the outcome:
there is some way of answering the other unknowns under which "present" and "absent" for this
indicator give different outcomes. When the outcome is already met or not met no answer can
change it, so there are no next questions; when it could still be met there is at least one.

Because the rule is monotone and each indicator sits in one dimension, this is decided per
dimension and then per combination of dimensions, without trying every completion: the
indicator must be able to tip its own dimension (some answers to the other unknowns of that
dimension leave it just short without this indicator), and that dimension must be able to tip
the rule (some reachable state of the other dimensions needs exactly it). The tests check this
against brute force over every completion.

Ranking, most useful first:
1. Decisive questions: "present" alone makes the outcome met, or "absent" alone makes it not
   met (every other unknown present would still not be enough).
2. Fewer steps to met: the fewest indicators, this one included, that must turn present for
   the outcome to be met in a way that needs this one. One step means it completes the picture.
3. Questions whose "absent" rules the outcome out, before those that do not.
4. Stronger indicators first (strong, medium, weak), then catalogue order, so ties are stable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from schakel.engine.indicators.model import Dimension, Strength
from schakel.engine.indicators.rule import (
    CAP,
    DIMENSION_ORDER,
    STRENGTH_ORDER,
    CombinationRule,
    Counts,
    cheapest_completion,
    cheapest_with,
    is_positive,
)

Tallies = Mapping[Dimension, tuple[Counts, Counts]]  # per dimension: (present, unknown)


@dataclass(frozen=True)
class Question:
    indicator_id: str
    dimension: Dimension
    strength: Strength
    steps_to_met: int
    completes_alone: bool
    rules_out_alone: bool


@dataclass(frozen=True)
class _Impact:
    steps_to_met: int
    completes_alone: bool
    rules_out_alone: bool


DimensionKey = tuple[tuple[Counts, Counts], ...]  # (present, unknown) per dimension, capped


def _bit(index: int) -> int:
    return 1 << index


@lru_cache(maxsize=4096)
def _route_through(
    rule: CombinationRule, positive: int, open_: int, costs: tuple[int, ...], index: int
) -> int | None:
    """Cheapest cost of the other dimensions in a way to met that needs dimension `index`.

    Walks every subset of the other open dimensions (at most 2**5) that could be made positive.
    """
    bit = _bit(index)
    others, base = open_ & ~bit, positive & ~bit
    best: int | None = None
    subset = others
    while True:
        mask = base | subset
        if rule.holds_mask(mask | bit) and not rule.holds_mask(mask):
            cost = sum(costs[i] for i in range(len(costs)) if subset >> i & 1)
            best = cost if best is None else min(best, cost)
        if subset == 0:
            return best
        subset = (subset - 1) & others


@lru_cache(maxsize=4096)
def _impacts(rule: CombinationRule, key: DimensionKey) -> Mapping[tuple[int, Strength], _Impact]:
    """The impact of an unknown per (dimension index, strength): all such unknowns are alike."""
    costs = [cheapest_completion(present, unknown) for present, unknown in key]
    reachable = sum(_bit(i) for i, cost in enumerate(costs) if cost is not None)
    positive = sum(_bit(i) for i, cost in enumerate(costs) if cost == 0)
    if rule.holds_mask(positive) or not rule.holds_mask(reachable):
        return MappingProxyType({})
    open_ = reachable & ~positive
    fixed_costs = tuple(cost or 0 for cost in costs)
    impacts: dict[tuple[int, Strength], _Impact] = {}
    for index, (present, unknown) in enumerate(key):
        if not open_ & _bit(index):
            continue  # already positive, or cannot become positive: no answer here matters
        route = _route_through(rule, positive, open_, fixed_costs, index)
        for k, strength in enumerate(STRENGTH_ORDER):
            if unknown[k] == 0 or route is None:
                continue
            others = _without(unknown, k)
            own = cheapest_with(present, others, strength)
            if own is None:
                continue
            rest = reachable & ~_bit(index)
            if is_positive(
                (present[0] + others[0], present[1] + others[1], present[2] + others[2])
            ):
                rest |= _bit(index)
            steps = own + route
            impacts[(index, strength)] = _Impact(steps, steps == 1, not rule.holds_mask(rest))
    return MappingProxyType(impacts)


def _without(counts: Counts, k: int) -> Counts:
    values = list(counts)
    values[k] -= 1
    return (values[0], values[1], values[2])


def _cap(counts: Counts, cap: int) -> Counts:
    return (min(counts[0], cap), min(counts[1], cap), min(counts[2], cap))


def _rank(question: Question, position: int) -> tuple[bool, int, bool, int, int]:
    decisive = question.completes_alone or question.rules_out_alone
    strength = STRENGTH_ORDER.index(question.strength)
    return (not decisive, question.steps_to_met, not question.rules_out_alone, strength, position)


def next_questions(
    rule: CombinationRule,
    tallies: Tallies,
    unknown: Sequence[tuple[str, Dimension, Strength]],
) -> tuple[Question, ...]:
    """The unknown indicators whose answer can change the outcome, most useful first.

    `unknown` lists (indicator id, dimension, strength) in catalogue order. Present counts are
    capped at three and unknown counts at four (three once the indicator itself is set aside):
    no part of the rule needs more, and the capped key keeps the cache small.
    """
    key = tuple((_cap(tallies[d][0], CAP), _cap(tallies[d][1], CAP + 1)) for d in DIMENSION_ORDER)
    impacts = _impacts(rule, key)
    if not impacts:
        return ()
    ranked: list[tuple[tuple[bool, int, bool, int, int], Question]] = []
    for position, (indicator_id, dimension, strength) in enumerate(unknown):
        impact = impacts.get((DIMENSION_ORDER.index(dimension), strength))
        if impact is not None:
            question = Question(
                indicator_id,
                dimension,
                strength,
                impact.steps_to_met,
                impact.completes_alone,
                impact.rules_out_alone,
            )
            ranked.append((_rank(question, position), question))
    ranked.sort(key=lambda pair: pair[0])
    return tuple(question for _, question in ranked)
