"""How big a match will be, known before it starts: candidate pairs estimated from the
blocking rules and the Dice searches, and the memory that number needs.

`schakel link match` plans first and refuses a job whose estimate is above its limit, before
any pair is made (issue 19: 200,000 x 200,000 records with few distinct names grew to 22.7 GB
and was killed without a word). Keyed rules are counted exactly from the key frequencies
(blocks above `max_block_pairs` are skipped by candidate generation, so here too). Dice
searches are estimated by scoring a random sample of the pairs they would compare.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import layout
from schakel.engine.linkage.candidates import (
    CandidateOptions,
    DiceSearch,
    combined_filters,
    search_threshold,
)
from schakel.engine.linkage.files import token_array

BYTES_PER_PAIR = 250
"""Peak memory per candidate pair through candidates, Splink scoring and clustering: 196 bytes
measured with benchmarks/linkage_bounded.py (1.68 M pairs: 0.58 GB peak, 6.82 M pairs:
1.52 GB; docs/linkage.md, "Memory"), rounded up by a quarter."""
BASE_BYTES = 400 * 1024 * 1024
"""What the same two runs need beside the pairs (0.27 GB), rounded up."""
SAMPLE = 200_000


class JobTooLarge(SchakelError):
    """The estimated candidate pairs are above the limit: refused before any work."""

    code = "linkage_job_too_large"


@dataclass(frozen=True)
class MatchPlan:
    records: tuple[int, int]
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    skipped_blocks: int = 0
    seconds: float = 0.0

    @property
    def pairs(self) -> int:
        """An upper bound of the distinct candidate pairs (rules overlap; the sum counts twice)."""
        return sum(self.pairs_by_rule.values())

    @property
    def memory_bytes(self) -> int:
        """The measured per-pair and base figures, plus an allowance (not measured) of 2 kB
        per record for the encoded tables and their copies."""
        return BASE_BYTES + self.pairs * BYTES_PER_PAIR + sum(self.records) * 2_000


def _key_counts(table: pa.Table, column: str) -> dict[int, int]:
    values, present = token_array(table, column)
    keys, counts = np.unique(values[present], return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist(), strict=True))


def _rule_estimate(
    left: pa.Table, right: pa.Table | None, left_column: str, right_column: str, cap: int
) -> tuple[int, int]:
    lc = _key_counts(left, left_column)
    if right is None:
        sizes = np.array([n * (n - 1) // 2 for n in lc.values()], dtype=np.int64)
        if left_column != right_column:  # a swapped-date rule within one table
            rc = _key_counts(left, right_column)
            sizes = np.array([lc[k] * rc[k] for k in lc.keys() & rc.keys()], dtype=np.int64)
    else:
        rc = _key_counts(right, right_column)
        sizes = np.array([lc[k] * rc[k] for k in lc.keys() & rc.keys()], dtype=np.int64)
    kept = sizes[sizes <= cap]
    return int(kept.sum()), int((sizes > cap).sum())


def _dice_groups(
    left: pa.Table, right: pa.Table, options: CandidateOptions
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The row groups a Dice search compares (as candidates.py forms them)."""
    if left.num_rows * right.num_rows <= options.exhaustive_limit:
        return [(np.arange(left.num_rows), np.arange(right.num_rows))]
    left_years, left_has = token_array(left, layout.DOB_YEAR)
    right_years, right_has = token_array(right, layout.DOB_YEAR)
    return [
        (
            np.flatnonzero(left_has & (left_years == y)),
            np.flatnonzero(right_has & (right_years == y)),
        )
        for y in np.intersect1d(left_years[left_has], right_years[right_has])
    ]


def _dice_estimate(
    left: pa.Table, right: pa.Table | None, search: DiceSearch, options: CandidateOptions
) -> int:
    other = left if right is None else right
    left_filters, left_present = combined_filters(left, search.roles)
    right_filters, right_present = combined_filters(other, search.roles)
    groups = _dice_groups(left, other, options)
    sizes = np.array([len(a) * len(b) for a, b in groups], dtype=np.float64)
    total = float(sizes.sum())
    if total == 0:
        return 0
    rng = np.random.default_rng(0)
    draws = min(SAMPLE, int(total))
    chosen = rng.choice(len(groups), size=draws, p=sizes / total)
    i = np.empty(draws, dtype=np.int64)
    j = np.empty(draws, dtype=np.int64)
    for g in np.unique(chosen):
        at = np.flatnonzero(chosen == g)
        rows_left, rows_right = groups[g]
        i[at] = rows_left[rng.integers(0, len(rows_left), len(at))]
        j[at] = rows_right[rng.integers(0, len(rows_right), len(at))]
    a, b = left_filters[i], right_filters[j]
    both = np.bitwise_count(a & b).sum(axis=1)
    ones = np.bitwise_count(a).sum(axis=1) + np.bitwise_count(b).sum(axis=1)
    valid = left_present[i] & right_present[j] & (ones > 0)
    dice = np.where(valid, 2 * both / np.maximum(ones, 1), 0.0)
    share = float(np.mean(dice >= search_threshold(search, left)))
    estimate = share * total
    return int(estimate / 2 if right is None else estimate)


def plan_match(
    left: pa.Table, right: pa.Table | None = None, options: CandidateOptions | None = None
) -> MatchPlan:
    """Estimate the candidate pairs of a match without making them (seconds, little memory)."""
    options = options or CandidateOptions()
    began = time.perf_counter()
    by_rule: dict[str, int] = {}
    skipped = 0
    for rule in options.rules:
        pairs, too_big = _rule_estimate(
            left, right, rule.left_column, rule.right_column, options.max_block_pairs
        )
        by_rule[rule.name] = pairs
        skipped += too_big
    for search in options.searches:
        by_rule[search.name] = _dice_estimate(left, right, search, options)
    records = (left.num_rows, 0 if right is None else right.num_rows)
    return MatchPlan(records, by_rule, skipped, time.perf_counter() - began)


def check_plan(plan: MatchPlan, max_pairs: int) -> None:
    if plan.pairs > max_pairs:
        biggest = max(plan.pairs_by_rule.items(), key=lambda item: item[1])
        raise JobTooLarge(
            f"This match would make about {plan.pairs:,} candidate pairs (most from "
            f"'{biggest[0]}': {biggest[1]:,}) and need about "
            f"{plan.memory_bytes / 2**30:.1f} GB; the limit is {max_pairs:,} pairs. "
            "Split the files (e.g. by year of registration), lower --max-block-pairs, or "
            "raise --max-pairs on a machine with more memory (docs/linkage.md, 'Memory')."
        )
