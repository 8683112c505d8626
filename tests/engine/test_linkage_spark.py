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
from schakel.engine.linkage.candidates import candidate_pairs
from schakel.engine.linkage.comparisons import SqlDialect
from schakel.engine.linkage.dice import dice_pairs
from schakel.engine.linkage.engines import SparkEngine
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.splink_model import ModelOptions, SplinkScorer

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


@pytest.mark.parametrize("dedupe", [False, True], ids=["link", "deduplicate"])
def test_spark_scores_every_pair_like_duckdb(
    spark: Any, encoded: tuple[pa.Table, pa.Table], dedupe: bool
) -> None:
    """Trained once, scored on both engines: the same pairs with the same match weights."""
    left, right = encoded
    if dedupe:
        left, right = pa.concat_tables([left, right]), None
    candidates = candidate_pairs(left, right)
    duckdb_scorer = SplinkScorer(left, right, MODEL)
    training = duckdb_scorer.train(candidates)
    on_duckdb = duckdb_scorer.score(candidates)
    duckdb_scorer.close()
    spark_scorer = SplinkScorer(left, right, MODEL, SparkEngine(spark))
    spark_scorer.use_model(training.model)
    try:
        on_spark = spark_scorer.score(candidates)
    finally:
        spark_scorer.close()
    assert len(on_duckdb) == len(candidates) > 100
    pd.testing.assert_frame_equal(
        on_spark[["left", "right"]], on_duckdb[["left", "right"]], check_dtype=False
    )
    weights = on_duckdb["match_weight"].to_numpy()
    assert np.ptp(weights) > 20  # real evidence both ways, not a constant
    assert np.abs(on_spark["match_weight"].to_numpy() - weights).max() < 1e-9
    assert spark_scorer.prior == pytest.approx(duckdb_scorer.prior, rel=1e-12)


def test_match_on_spark_gives_the_same_links(
    spark: Any, encoded: tuple[pa.Table, pa.Table]
) -> None:
    left, right = encoded
    results = {
        engine: match_tables(left, right, MatchOptions(model=MODEL, engine=engine))
        for engine in ("duckdb", "spark")
    }
    duckdb, on_spark = results["duckdb"], results["spark"]
    assert duckdb.linked_pairs > 250
    linked = {
        engine: set(
            result.pairs.loc[
                result.pairs["linked"], ["left_record_id", "right_record_id"]
            ].itertuples(index=False, name=None)
        )
        for engine, result in results.items()
    }
    assert linked["spark"] == linked["duckdb"]
    pd.testing.assert_frame_equal(on_spark.clusters, duckdb.clusters)
    assert on_spark.threshold.match_weight == pytest.approx(duckdb.threshold.match_weight)
    assert (
        np.abs(
            on_spark.pairs["match_probability"].to_numpy() - duckdb.pairs["match_probability"]
        ).max()
        < 1e-12
    )
