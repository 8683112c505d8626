"""Scoring guesses against the truth, and the frequency attack (see `attacks`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

Filters = Sequence[bytes | None]


@dataclass(frozen=True)
class Reidentification:
    """How many records an attack gave their own (normalised) value, overall and per group."""

    attack: str
    target: str  # the field attacked
    records: int
    guessed: int
    reidentified: int
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # (re-identified, records)

    @property
    def rate(self) -> float:
        return self.reidentified / self.records if self.records else 0.0

    @property
    def precision(self) -> float:
        """Share of the attacker's guesses that are right (what a guess is worth to them)."""
        return self.reidentified / self.guessed if self.guessed else 0.0


def score_hits(
    attack: str,
    target: str,
    hits: Sequence[bool],
    known: Sequence[bool],
    groups: Sequence[str] | None = None,
    guessed: int | None = None,
) -> Reidentification:
    """Re-identified records (`hits`) among the records with a value (`known`), per group."""
    by_group: dict[str, tuple[int, int]] = {}
    if groups is not None:
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for group, hit, has in zip(groups, hits, known, strict=True):
            total[group] += bool(has)
            found[group] += bool(hit and has)
        by_group = {group: (found[group], total[group]) for group in sorted(total) if total[group]}
    records = int(sum(bool(k) for k in known))
    return Reidentification(
        attack=attack,
        target=target,
        records=records,
        guessed=records if guessed is None else guessed,
        reidentified=int(sum(bool(h and k) for h, k in zip(hits, known, strict=True))),
        by_group=by_group,
    )


def score_guesses(
    attack: str,
    target: str,
    guesses: Sequence[str | None],
    truth: Sequence[str | None],
    groups: Sequence[str] | None = None,
) -> Reidentification:
    """Compare guesses with the true normalised values (records without a value are skipped)."""
    hits = [g is not None and g == t for g, t in zip(guesses, truth, strict=True)]
    known = [t is not None for t in truth]
    guessed = sum(g is not None and k for g, k in zip(guesses, known, strict=True))
    return score_hits(attack, target, hits, known, groups, guessed)


def _ranked(public: Mapping[str, float]) -> list[str]:
    return [name for name, _ in sorted(public.items(), key=lambda item: (-item[1], item[0]))]


def frequency_guesses(
    filters: Sequence[Hashable | None], public: Mapping[str, float]
) -> list[str | None]:
    """Rank-align distinct values (filters or tokens, by count) with the public values (by
    frequency); ties in count keep the order of first appearance."""
    counts = Counter(f for f in filters if f is not None)
    ranked = [f for f, _ in counts.most_common()]
    guess = dict(zip(ranked, _ranked(public), strict=False))
    return [None if f is None else guess.get(f) for f in filters]
