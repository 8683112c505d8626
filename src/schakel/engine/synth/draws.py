"""Small random helpers shared by the generator's modules."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    """One key, with probability proportional to its weight (weights need not sum to 1)."""
    threshold = rng.random() * sum(weights.values())
    last = None
    for key, weight in weights.items():
        if weight <= 0:
            continue
        last = key
        threshold -= weight
        if threshold < 0:
            return key
    assert last is not None, "pick() needs at least one weight"
    return last


def pick_each(rng: random.Random, probabilities: Mapping[K, float]) -> list[K]:
    """Every key whose independent Bernoulli draw succeeds, in the mapping's order."""
    return [key for key, p in probabilities.items() if rng.random() < p]


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    return low + int(rng.random() * (high - low + 1))
