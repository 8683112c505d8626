"""Candidate pairs: a union of keyed blocking rules plus a native Dice search on names.

Keyed blocking alone misses a person whose date of birth was estimated differently and whose
name was transliterated in another way; a Dice search on the order-free name filter (given OR
family) finds those. At national scale (about 1,000-1,400 registrations a year) comparing every
pair natively is affordable, so the Dice search is exhaustive up to `exhaustive_limit` pairs
and runs within birth-year blocks above it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_from_arrow
from schakel.engine.linkage.dice import DiceMatches, dice_all_pairs
from schakel.engine.linkage.files import name_noise_scale, token_array
from schakel.engine.linkage.schema import Role


@dataclass(frozen=True)
class BlockingRule:
    """Pairs whose left key equals their right key (the columns differ for swapped dates)."""

    name: str
    left_column: str
    right_column: str


BLOCKING_RULES = (
    BlockingRule("date of birth", layout.BK_DOB, layout.BK_DOB),
    BlockingRule("day and month swapped", layout.DOB_FULL, layout.DOB_SWAP),
    BlockingRule("sorted name tokens", layout.BK_NAME_SORTED, layout.BK_NAME_SORTED),
    BlockingRule("given name sound + year", layout.BK_GIVEN_YEAR, layout.BK_GIVEN_YEAR),
    BlockingRule("family name sound + year", layout.BK_FAMILY_YEAR, layout.BK_FAMILY_YEAR),
    BlockingRule("both name sounds", layout.BK_NAME_SOUND, layout.BK_NAME_SOUND),
    BlockingRule("postcode + given sound", layout.BK_POSTCODE_GIVEN, layout.BK_POSTCODE_GIVEN),
    BlockingRule("postcode + family sound", layout.BK_POSTCODE_FAMILY, layout.BK_POSTCODE_FAMILY),
    *(BlockingRule(role.value, column, column) for role, column in layout.EXACT.items()
      if role not in (Role.SEX, Role.NATIONALITY, Role.POSTCODE)),
)  # fmt: skip


@dataclass(frozen=True)
class DiceSearch:
    """Pairs whose combined filter (the OR of some Bloom columns) has Dice >= threshold.

    OR-ing given and family name (which share hash keys) gives an order-free name filter.
    """

    name: str
    roles: tuple[Role, ...]
    threshold: float


DICE_SEARCHES = (
    DiceSearch("names Dice", (Role.GIVEN_NAMES, Role.FAMILY_NAME), 0.75),
    DiceSearch("residence Dice", (Role.ADDRESS, Role.LOCALITY), 0.8),
)


@dataclass(frozen=True)
class CandidateOptions:
    """Knobs of candidate generation; the defaults keep 99.5%+ of true pairs on FEBRL4."""

    searches: tuple[DiceSearch, ...] = DICE_SEARCHES
    exhaustive_limit: float = 2e9
    max_block_pairs: int = 250_000
    rules: tuple[BlockingRule, ...] = BLOCKING_RULES
    workers: int | None = None


@dataclass(frozen=True)
class CandidatePairs:
    """Row positions of candidate pairs (left, right), sorted and without repeats."""

    left: np.ndarray
    right: np.ndarray
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    skipped_blocks: int = 0
    dice_comparisons: int = 0
    dice_seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.left)


def _rule_pairs(
    left: pa.Table, right: pa.Table, rule: BlockingRule, dedupe: bool, max_block_pairs: int
) -> tuple[np.ndarray, np.ndarray, int]:
    left_keys, left_present = token_array(left, rule.left_column)
    right_keys, right_present = token_array(right, rule.right_column)
    lf = pd.DataFrame({"key": left_keys[left_present], "i": np.flatnonzero(left_present)})
    rf = pd.DataFrame({"key": right_keys[right_present], "j": np.flatnonzero(right_present)})
    sizes = lf["key"].value_counts().mul(rf["key"].value_counts(), fill_value=0)
    too_big = sizes.index[sizes > max_block_pairs]
    if len(too_big):
        lf = lf[~lf["key"].isin(too_big)]
    joined = lf.merge(rf, on="key", how="inner")
    i, j = joined["i"].to_numpy(np.int64), joined["j"].to_numpy(np.int64)
    if dedupe:
        i, j = np.minimum(i, j), np.maximum(i, j)
        keep = i != j
        i, j = i[keep], j[keep]
    return i, j, len(too_big)


def search_threshold(search: DiceSearch, table: pa.Table) -> float:
    """The Dice a pair must reach in `search` on this file's filters: lowered on flipped name
    filters (format 5 and later) by what two flipped copies of one name reach."""
    if {Role.GIVEN_NAMES, Role.FAMILY_NAME} & set(search.roles):
        return search.threshold * name_noise_scale(table)
    return search.threshold


def combined_filters(table: pa.Table, roles: tuple[Role, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The OR of several Bloom columns, and which rows have any of them."""
    combined, present = filters_from_arrow(table[layout.BLOOM[roles[0]]])
    for role in roles[1:]:
        filters, has = filters_from_arrow(table[layout.BLOOM[role]])
        combined |= filters
        present |= has
    return combined, present


def _dice_search(
    left: pa.Table, right: pa.Table, dedupe: bool, search: DiceSearch, options: CandidateOptions
) -> DiceMatches:
    left_names, left_present = combined_filters(left, search.roles)
    right_names, right_present = combined_filters(right, search.roles)
    groups: list[tuple[np.ndarray, np.ndarray]] = []
    if left.num_rows * right.num_rows <= options.exhaustive_limit:
        groups.append((np.flatnonzero(left_present), np.flatnonzero(right_present)))
    else:
        left_years, left_has = token_array(left, layout.DOB_YEAR)
        right_years, right_has = token_array(right, layout.DOB_YEAR)
        for year in np.intersect1d(left_years[left_has], right_years[right_has]):
            groups.append(
                (
                    np.flatnonzero(left_present & left_has & (left_years == year)),
                    np.flatnonzero(right_present & right_has & (right_years == year)),
                )
            )
    threshold = search_threshold(search, left)
    found_left, found_right, found_dice, comparisons = [], [], [], 0
    for rows_left, rows_right in groups:
        matches = dice_all_pairs(
            left_names[rows_left],
            right_names[rows_right],
            threshold,
            dedupe=dedupe,
            workers=options.workers,
        )
        found_left.append(rows_left[matches.left])
        found_right.append(rows_right[matches.right])
        found_dice.append(matches.dice)
        comparisons += matches.comparisons
    empty = [np.empty(0, dtype=np.int64)]
    return DiceMatches(
        left=np.concatenate(found_left or empty),
        right=np.concatenate(found_right or empty),
        dice=np.concatenate(found_dice or [np.empty(0, dtype=np.float32)]),
        comparisons=comparisons,
    )


def candidate_pairs(
    left: pa.Table, right: pa.Table | None = None, options: CandidateOptions | None = None
) -> CandidatePairs:
    """Candidate pairs between two encoded tables, or within one (right=None: deduplicate).

    In deduplicate mode pairs have left < right (positions in the one table).
    """
    options = options or CandidateOptions()
    dedupe = right is None
    other = left if right is None else right
    found_left, found_right, by_rule, skipped = [], [], {}, 0
    for rule in options.rules:
        i, j, too_big = _rule_pairs(left, other, rule, dedupe, options.max_block_pairs)
        found_left.append(i)
        found_right.append(j)
        by_rule[rule.name] = len(i)
        skipped += too_big
    began, comparisons = time.perf_counter(), 0
    for search in options.searches:
        matches = _dice_search(left, other, dedupe, search, options)
        found_left.append(matches.left)
        found_right.append(matches.right)
        by_rule[search.name] = len(matches.left)
        comparisons += matches.comparisons
    dice_seconds = time.perf_counter() - began
    width = np.int64(other.num_rows)
    codes = np.unique(np.concatenate(found_left) * width + np.concatenate(found_right))
    return CandidatePairs(
        left=codes // width,
        right=codes % width,
        pairs_by_rule=by_rule,
        skipped_blocks=skipped,
        dice_comparisons=comparisons,
        dice_seconds=dice_seconds,
    )
