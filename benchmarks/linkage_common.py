"""Shared parts of the linkage benchmarks: one method run, its metrics, and the table.

Each method runs in a fresh process (spawn) so that its peak memory is its own.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from schakel.engine.linkage import normalise
from schakel.engine.linkage.cluster import choose_threshold, cluster_pairs
from schakel.engine.linkage.dice import dice_all_pairs
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.evaluate import blocking_metrics, cluster_metrics, pairwise_metrics
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, ID_COLUMN, person_of
from schakel.engine.linkage.keys import LinkageKey, record_tokens
from schakel.engine.linkage.match import MatchOptions, match_tables
from schakel.engine.linkage.schema import EncodingSchema, Role

# A fixed key makes runs reproducible (Bloom positions depend on the key); never use it for data.
BENCHMARK_KEY = LinkageKey(b"schakel benchmark key: public, for reproducible runs only")


@dataclass
class Row:
    """One line of the results table."""

    method: str
    precision: float = float("nan")
    recall: float = float("nan")
    f1: float = float("nan")
    bcubed_precision: float = float("nan")
    bcubed_recall: float = float("nan")
    over_merge_rate: float = float("nan")
    pair_completeness: float = float("nan")
    reduction_ratio: float = float("nan")
    encode_rate: float = float("nan")
    dice_per_second: float = float("nan")
    wall_seconds: float = float("nan")
    peak_mb: float = float("nan")
    notes: dict[str, str] = field(default_factory=dict)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process and its children, running (Spark's JVM) or
    ended."""
    import psutil

    process = psutil.Process()
    own = process.cpu_times()
    running = [child.cpu_times() for child in process.children(recursive=True)]
    return (
        own.user + own.system + own.children_user + own.children_system
        + sum(times.user + times.system for times in running)
    )  # fmt: skip


def _evaluate(row: Row, truth: np.ndarray, labels: np.ndarray, sources: np.ndarray) -> None:
    pairs = pairwise_metrics(truth, labels, sources)
    clusters = cluster_metrics(truth, labels)
    row.precision, row.recall, row.f1 = pairs.precision, pairs.recall, pairs.f1
    row.bcubed_precision, row.bcubed_recall = clusters.bcubed_precision, clusters.bcubed_recall
    row.over_merge_rate = clusters.over_merge_rate


def _encoded_truth(frame: pd.DataFrame, key: LinkageKey, table_ids: list[str]) -> np.ndarray:
    tokens = record_tokens(key, list(frame[ID_COLUMN]))
    person = dict(zip(tokens, person_of(frame[ID_COLUMN]), strict=True))
    return np.array([person[value] for value in table_ids], dtype=np.int64)


def run_pprl(
    left: pd.DataFrame,
    right: pd.DataFrame,
    options: MatchOptions | None = None,
    schema: EncodingSchema = FEBRL_SCHEMA,
) -> Row:
    """Encode both files with a fresh key, link them, and score against the FEBRL ids."""
    began = time.perf_counter()
    key = BENCHMARK_KEY
    encode_began = time.perf_counter()
    left_table, _ = encode_frame(left, schema, key)
    right_table, _ = encode_frame(right, schema, key)
    encode_seconds = time.perf_counter() - encode_began
    result = match_tables(left_table, right_table, options)
    row = Row("Splink on Bloom filters (PPRL)")
    truth_left = _encoded_truth(left, key, left_table["record_id"].to_pylist())
    truth_right = _encoded_truth(right, key, right_table["record_id"].to_pylist())
    blocking = blocking_metrics(
        truth_left, truth_right, result.candidates.left, result.candidates.right
    )
    truth = np.concatenate([truth_left, truth_right])
    sources = np.repeat([0, 1], [len(truth_left), len(truth_right)])
    _evaluate(row, truth, result.clusters["cluster_id"].to_numpy(), sources)
    row.pair_completeness, row.reduction_ratio = (
        blocking.pair_completeness,
        blocking.reduction_ratio,
    )
    row.encode_rate = (len(left) + len(right)) / encode_seconds
    row.dice_per_second = _single_core_dice_rate(left_table)
    row.wall_seconds = time.perf_counter() - began
    row.peak_mb = peak_mb()
    row.notes = {
        "candidates": f"{len(result.candidates):,}",
        "threshold": f"weight {result.threshold.match_weight:.2f} "
        f"(p {result.threshold.match_probability:.3f}, estimated precision "
        f"{result.threshold.estimated_precision:.4f}; {result.threshold.reason})",
        "prior": f"{result.training.probability_two_random_records_match:.3g} from the exact "
        f"rule, {result.prior:.3g} after recalibration",
        "seconds": ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
        + f", encode {encode_seconds:.1f}",
        "candidate Dice search": f"{result.candidates.dice_comparisons / 1e6:.0f}M comparisons "
        f"at {result.candidates.dice_comparisons / result.candidates.dice_seconds / 1e6:.0f}M/s"
        " (all threads)",
    }
    return row


def _single_core_dice_rate(table: object) -> float:
    """All-pairs Dice of the family-name filters on one thread (comparisons per second)."""
    from schakel.engine.linkage.bloom import filters_from_arrow
    from schakel.engine.linkage.layout import BLOOM

    filters, _ = filters_from_arrow(table[BLOOM[Role.FAMILY_NAME]])  # type: ignore[index]
    began = time.perf_counter()
    matches = dice_all_pairs(filters, filters, 0.9, workers=1)
    return matches.comparisons / (time.perf_counter() - began)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Standard cleaning for the clear-text baseline: case, diacritics, script."""
    out = frame.copy()
    for column in ("given_name", "surname", "suburb"):
        out[column] = [normalise.fold_text(value) for value in out[column]]
    parts = out[["street_number", "address_1", "address_2"]].fillna("").astype(str)
    out["address"] = parts.agg(" ".join, axis=1).str.split().str.join(" ").replace("", None)
    return out.astype(object).where(out.notna(), None)


def _clear_settings() -> object:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name=ID_COLUMN,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("suburb"),
        ],
        retain_matching_columns=False,
    )


def _clear_scores(left: pd.DataFrame, right: pd.DataFrame, options: MatchOptions) -> pd.DataFrame:
    """Train and predict with Splink on cleaned clear text (same training steps as ours)."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    db_api = DuckDBAPI()
    frames = [_clean(left), _clean(right)]
    inputs = [db_api.register(f, dataset_display_name=n) for f, n in zip(frames, "ab", strict=True)]
    linker = Linker(inputs, _clear_settings(), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    training.estimate_u_using_random_sampling(max_pairs=options.model.u_max_pairs, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    return linker.inference.predict(warning_mode="never").as_pandas_dataframe()


def run_clear_splink(left: pd.DataFrame, right: pd.DataFrame, options: MatchOptions) -> Row:
    """The baseline: Splink on clear text with its own comparison library, the same training
    steps, and the same precision-first threshold and clustering."""
    began = time.perf_counter()
    scored = _clear_scores(left, right, options)
    truth_left, truth_right = person_of(left[ID_COLUMN]), person_of(right[ID_COLUMN])
    position_left = {v: i for i, v in enumerate(left[ID_COLUMN])}
    position_right = {v: i for i, v in enumerate(right[ID_COLUMN])}
    rows_left = scored[f"{ID_COLUMN}_l"].map(position_left).to_numpy(np.int64)
    rows_right = scored[f"{ID_COLUMN}_r"].map(position_right).to_numpy(np.int64)
    weights = scored["match_weight"].to_numpy(np.float64)
    threshold = choose_threshold(
        weights,
        scored["match_probability"].to_numpy(np.float64),
        target_precision=options.target_precision,
        min_probability=options.min_probability,
    )
    sources = np.repeat([0, 1], [len(left), len(right)])
    clustering = cluster_pairs(
        len(left) + len(right), rows_left, rows_right + len(left), weights,
        threshold.match_weight, sources=sources, one_per_source=options.one_per_source,
    )  # fmt: skip
    row = Row("Splink on clear text (baseline)")
    _evaluate(row, np.concatenate([truth_left, truth_right]), clustering.labels, sources)
    blocking = blocking_metrics(truth_left, truth_right, rows_left, rows_right)
    row.pair_completeness, row.reduction_ratio = (
        blocking.pair_completeness,
        blocking.reduction_ratio,
    )
    row.wall_seconds = time.perf_counter() - began
    row.peak_mb = peak_mb()
    row.notes = {
        "candidates": f"{len(scored):,}",
        "threshold": f"weight {threshold.match_weight:.2f}",
    }
    return row


def in_fresh_process(function: Callable[..., Row], *args: object) -> Row:
    """Run one method in a spawned process, so its peak memory is measured on its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}\n")
    header = (
        f"{'method':<34} {'P':>7} {'R':>7} {'F1':>7} {'B3 P':>7} {'B3 R':>7} {'overmrg':>8} "
        f"{'PC':>7} {'RR':>8} {'enc rec/s':>10} {'Dice/s 1core':>13} {'wall s':>7} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.method:<34} {row.precision:7.4f} {row.recall:7.4f} {row.f1:7.4f} "
            f"{row.bcubed_precision:7.4f} {row.bcubed_recall:7.4f} {row.over_merge_rate:8.4f} "
            f"{row.pair_completeness:7.4f} {row.reduction_ratio:8.5f} {row.encode_rate:10,.0f} "
            f"{row.dice_per_second / 1e6:12.1f}M {row.wall_seconds:7.1f} {row.peak_mb:8.0f}"
        )
    for row in rows:
        for name, value in row.notes.items():
            print(f"  {row.method}: {name}: {value}")
