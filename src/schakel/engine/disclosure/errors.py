"""Errors of disclosure control: a release that would not protect people is never half made."""

from __future__ import annotations

from schakel.engine.errors import SchakelError

DEFAULT_K = 10
"""CTDC publishes no query below 10 (its k is 11); Schakel's default threshold is 10."""


class DisclosureError(SchakelError):
    """A release cannot be made as asked (k below 2, epsilon not positive, bad counts ...)."""


class PrivacyBudgetExceeded(DisclosureError):
    """The release would spend more epsilon than the ledger's total budget has left."""


def check_k(k: int) -> int:
    """k is the smallest group that may be published; below 2 it protects nobody."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise DisclosureError(f"k must be an integer, got {k!r}")
    if k < 2:
        raise DisclosureError(f"k must be at least 2, got {k}")
    return k
