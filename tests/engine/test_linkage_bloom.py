"""Keyed tokens, Bloom filters and the native and SQL Dice comparisons."""

from __future__ import annotations

from itertools import pairwise

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from schakel.engine.linkage.bloom import (
    FILTER_WORDS,
    BloomEncoder,
    bigrams,
    dice_sql,
    filters_from_arrow,
    filters_to_arrow,
    popcounts,
)
from schakel.engine.linkage.dice import dice_all_pairs, dice_pairs
from schakel.engine.linkage.keys import (
    LinkageKey,
    LinkageKeyError,
    Tokeniser,
    load_key,
    new_key_text,
    record_token,
)

KEY = LinkageKey(b"a test key that is long enough to be used!")
OTHER_KEY = LinkageKey(b"another test key, also long enough for use!")


def dice_reference(a: np.ndarray, b: np.ndarray) -> float:
    """Dice with Python integers: the obvious, slow definition."""
    common = sum(int(x & y).bit_count() for x, y in zip(a, b, strict=True))
    total = sum(int(x).bit_count() for x in a) + sum(int(y).bit_count() for y in b)
    return 2 * common / total if total else 0.0


def encode(text: str, key: LinkageKey = KEY) -> np.ndarray:
    filters, _ = BloomEncoder(key, "name").encode([tuple(text.split())])
    return filters[0]


def test_same_key_same_token_different_key_different_token() -> None:
    assert Tokeniser(KEY).token("bsn", "123456782") == Tokeniser(KEY).token("bsn", "123456782")
    assert Tokeniser(KEY).token("bsn", "123456782") != Tokeniser(OTHER_KEY).token(
        "bsn", "123456782"
    )
    assert record_token(KEY, "client-1") != record_token(OTHER_KEY, "client-1")


def test_tokens_are_separated_by_role() -> None:
    tokens = Tokeniser(KEY)
    assert tokens.token("tk_phone", "612345678") != tokens.token("tk_bsn", "612345678")


def test_missing_values_get_no_token() -> None:
    tokens = Tokeniser(KEY).tokens("tk_bsn", ["123456782", None, "123456782"])
    assert list(tokens.isna()) == [False, True, False]
    assert tokens[0] == tokens[2]


def test_key_id_names_the_epoch_and_changes_with_the_secret() -> None:
    assert KEY.key_id.startswith("1-")
    assert KEY.key_id != OTHER_KEY.key_id
    assert LinkageKey(KEY.secret, "2026a").key_id.startswith("2026a-")
    assert KEY.secret.decode() not in repr(KEY)


def test_keys_are_read_from_a_file_or_the_environment(tmp_path: pytest.TempPathFactory) -> None:
    text = new_key_text()
    path = tmp_path / "linkage.key"  # type: ignore[operator]
    path.write_text(text + "\n")
    assert load_key(path).secret == text.encode()
    assert load_key(environ={"SCHAKEL_LINKAGE_KEY": text}).secret == text.encode()


@pytest.mark.parametrize(
    ("content", "message"), [(None, "does not exist"), ("", "empty"), ("short", "too short")]
)
def test_bad_keys_are_refused(
    tmp_path: pytest.TempPathFactory, content: str | None, message: str
) -> None:
    path = tmp_path / "linkage.key"  # type: ignore[operator]
    if content is not None:
        path.write_text(content)
    with pytest.raises(LinkageKeyError, match=message):
        load_key(path)
    with pytest.raises(LinkageKeyError):
        load_key(environ={})


def test_bigrams_are_padded_per_token() -> None:
    assert bigrams(["ana"]) == {"_a", "an", "na", "a_"}
    assert bigrams(["ab", "ba"]) == bigrams(["ba", "ab"])


def test_each_bigram_sets_k_distinct_positions() -> None:
    encoder = BloomEncoder(KEY, "name", hashes=25)
    assert len(set(encoder.positions("an").tolist())) == 25


def test_dice_of_identical_strings_is_one() -> None:
    filter_ = encode("maria")
    assert dice_reference(filter_, filter_) == 1.0


def test_similar_strings_score_high_and_unrelated_ones_low() -> None:
    similar = dice_reference(encode("oleksandr"), encode("oleksander"))
    unrelated = dice_reference(encode("oleksandr"), encode("nguyen"))
    assert similar > 0.8
    assert unrelated < 0.3


def test_filters_depend_on_the_key() -> None:
    assert not np.array_equal(encode("maria"), encode("maria", OTHER_KEY))


def test_filters_survive_arrow() -> None:
    filters, present = BloomEncoder(KEY, "name").encode([("ana",), None, ("bo",)])
    back, back_present = filters_from_arrow(filters_to_arrow(filters, present))
    assert np.array_equal(back, filters)
    assert list(back_present) == [True, False, True]


filter_arrays = arrays(
    np.uint64, (6, FILTER_WORDS), elements=st.integers(0, 2**64 - 1).map(np.uint64)
)


@settings(max_examples=30, deadline=None)
@given(filter_arrays, filter_arrays)
def test_vectorised_dice_equals_the_reference(left: np.ndarray, right: np.ndarray) -> None:
    rows, columns = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    rows, columns = rows.ravel(), columns.ravel()
    expected = [dice_reference(left[i], right[j]) for i, j in zip(rows, columns, strict=True)]
    assert dice_pairs(left, right, rows, columns) == pytest.approx(expected, abs=1e-6)
    found = dice_all_pairs(left, right, 0.0)
    by_pair = dict(zip(zip(found.left, found.right, strict=True), found.dice, strict=True))
    for i, j, value in zip(rows, columns, expected, strict=True):
        if value > 0:
            assert by_pair[(i, j)] == pytest.approx(value, abs=1e-6)


def test_all_pairs_search_finds_exactly_the_pairs_above_the_threshold() -> None:
    rng = np.random.default_rng(3)
    bits = rng.random((300, 1024)) < 0.2
    filters = np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    filters[150:] = filters[:150]
    filters[150:, 0] ^= np.uint64(0xFF)  # near copies
    found = dice_all_pairs(filters, filters, 0.8, dedupe=True)
    rows, columns = np.triu_indices(300, k=1)
    dice = dice_pairs(filters, filters, rows, columns)
    expected = set(zip(rows[dice >= 0.8], columns[dice >= 0.8], strict=True))
    assert set(zip(found.left.tolist(), found.right.tolist(), strict=True)) == expected
    assert len(expected) >= 150


def test_empty_filters_never_match() -> None:
    empty = np.zeros((2, FILTER_WORDS), dtype=np.uint64)
    assert list(dice_pairs(empty, empty, np.array([0]), np.array([1]))) == [0.0]
    assert len(dice_all_pairs(empty, empty, 0.5).left) == 0


def test_sql_dice_on_bit_and_on_sixteen_integers_equals_native_dice() -> None:
    filters = np.stack([encode("anna"), encode("hanna"), encode("nguyen")])
    counts = popcounts(filters)
    words = filters.view(np.int64)
    table = pa.table(
        {
            "f": filters_to_arrow(filters, np.ones(3, dtype=bool)),
            "w": pa.array([list(row) for row in words], pa.list_(pa.int64(), 16)),
            "pc": counts,
            "i": [0, 1, 2],
        }
    )
    connection = duckdb.connect()
    connection.register("raw", table)
    connection.execute("CREATE TABLE t AS SELECT i, f::BLOB::BIT AS b, w, pc FROM raw")
    bit = dice_sql("l.b", "r.b", "l.pc", "r.pc")
    ints = dice_sql("l.w", "r.w", "l.pc", "r.pc", layout="int64x16", index_base=1)
    sql = f"SELECT l.i, r.i, {bit}, {ints} FROM t l, t r ORDER BY l.i, r.i"  # noqa: S608
    rows = connection.execute(sql).fetchall()
    for i, j, from_bit, from_ints in rows:
        native = dice_reference(filters[i], filters[j])
        assert from_bit == pytest.approx(native) and from_ints == pytest.approx(native)


def test_positions_are_independent_not_an_arithmetic_progression() -> None:
    """Double hashing leaves 1024 x 512 possible position sets, few enough for the linker to
    try them all (`attacks.double_hashing_itemsets`); independent positions have no such form."""
    random = BloomEncoder(KEY, "name").positions("an")
    double = BloomEncoder(KEY, "name", hashing="double").positions("an")

    def progression(positions: np.ndarray) -> bool:
        ordered = positions.tolist()
        steps = {(b - a) % 1024 for a, b in pairwise(ordered)}
        return len(steps) == 1

    assert progression(double) and not progression(random)
    assert len(set(random.tolist())) == 20
    with pytest.raises(ValueError, match="hashing"):
        BloomEncoder(KEY, "name", hashing="xor")
