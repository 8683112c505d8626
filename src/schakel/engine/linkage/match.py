"""Linking encoded files: candidates, Splink scores, a precision-first threshold, persons.

    result = match_files("a.parquet", "b.parquet", "links.csv", clusters_out="persons.csv")
    result = match_files("a.parquet", None, "duplicates.csv")      # deduplicate one file

The linker sees only keyed data; both files must carry the same key id and encoding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import layout
from schakel.engine.linkage.candidates import CandidateOptions, CandidatePairs, candidate_pairs
from schakel.engine.linkage.cluster import (
    Clustering,
    ThresholdChoice,
    choose_threshold,
    cluster_pairs,
)
from schakel.engine.linkage.engines import ENGINES, LinkageEngine, new_engine
from schakel.engine.linkage.files import (
    LinkageFileError,
    file_kind,
    read_encoded,
    table_value,
    write_frame,
)
from schakel.engine.linkage.shared import SHARED_ADDRESS_LIMIT, mask_shared_addresses
from schakel.engine.linkage.splink_model import ModelOptions, SplinkScorer, TrainingReport


@dataclass(frozen=True)
class MatchOptions:
    """Matching settings. Pairs below `report_min_probability` are left out of the pairs file
    (they are still used as evidence against merges).

    `engine` scores the candidate pairs ("duckdb" or "spark"); `training_engine` trains the
    model, by default on DuckDB whatever the engine: parameters trained once and scored with
    the same comparisons give the same links on both engines (docs/adr/0007-spark-engine.md).
    """

    candidates: CandidateOptions = field(default_factory=CandidateOptions)
    model: ModelOptions = field(default_factory=ModelOptions)
    target_precision: float = 0.99
    min_probability: float = 0.95
    one_per_source: bool = True
    report_min_probability: float = 0.01
    shared_address_limit: int | None = SHARED_ADDRESS_LIMIT
    engine: str = "duckdb"
    training_engine: str = "duckdb"
    duckdb_memory_limit: str | None = None
    duckdb_temp_directory: str | None = None
    progress: Callable[[str], None] | None = None
    """Called with the name of each step as it starts (candidates, training, scoring, ...)."""

    def new_engine(self, name: str) -> LinkageEngine:
        return new_engine(
            name, memory_limit=self.duckdb_memory_limit, temp_directory=self.duckdb_temp_directory
        )

    def step(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name)


@dataclass(frozen=True)
class MatchResult:
    """Scored pairs, persons (cluster per record), the threshold and how long each step took.

    `scores` has every candidate pair by row position (left, right), with its unrounded match
    weight and probability; `pairs` only the linked and likely ones, by record id."""

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    threshold: ThresholdChoice
    training: TrainingReport
    candidates: CandidatePairs
    seconds: dict[str, float]
    prior: float
    shared_address_records: int = 0
    scores: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def linked_pairs(self) -> int:
        return int(self.pairs["linked"].sum())


def without_decoys(pairs: pd.DataFrame, decoy_ids: Collection[str]) -> pd.DataFrame:
    """At the source: the pairs file without any pair that involves one of its decoys."""
    decoys = set(decoy_ids)
    involved = pairs["left_record_id"].isin(decoys) | pairs["right_record_id"].isin(decoys)
    return pairs[~involved].reset_index(drop=True)


def check_compatible(left: pa.Table, right: pa.Table, names: tuple[str, str]) -> None:
    """Two files can only be linked when made with the same key and the same encoding."""
    for column, what in ((layout.KEY_ID, "key"), (layout.ENCODING_COLUMN, "encoding")):
        values = (table_value(left, column), table_value(right, column))
        if values[0] != values[1]:
            raise LinkageFileError(
                f"{names[0]} and {names[1]} were encoded with a different {what} "
                f"({values[0]!r} versus {values[1]!r}); re-encode both with the same one."
            )


def _frames(
    left: pa.Table,
    right: pa.Table | None,
    scores: pd.DataFrame,
    labels: np.ndarray,
    linked: np.ndarray,
    sources: tuple[str, str],
    report_min_probability: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairs table (linked or likely pairs) and the persons table (every record)."""
    left_ids = np.asarray(left[layout.RECORD_ID].to_pylist(), dtype=object)
    right_ids = left_ids if right is None else np.asarray(right[layout.RECORD_ID].to_pylist())
    rows_left, rows_right = scores["left"].to_numpy(), scores["right"].to_numpy()
    probability = scores["match_probability"].to_numpy()
    cluster = pd.array(labels[rows_left], dtype="Int64")
    cluster[~linked] = pd.NA
    pairs = pd.DataFrame(
        {
            "left_source": sources[0],
            "left_record_id": left_ids[rows_left],
            "right_source": sources[1] if right is not None else sources[0],
            "right_record_id": right_ids[rows_right],
            "match_weight": scores["match_weight"].to_numpy().round(4),
            "match_probability": probability,
            "linked": linked,
            "cluster_id": cluster,
        }
    )
    pairs = pairs[linked | (probability >= report_min_probability)]
    pairs = pairs.sort_values("match_weight", ascending=False, kind="stable")
    record_sources = [sources[0]] * left.num_rows
    record_ids = list(left_ids)
    if right is not None:
        record_sources += [sources[1]] * right.num_rows
        record_ids += list(right_ids)
    clusters = pd.DataFrame(
        {"source": record_sources, "record_id": record_ids, "cluster_id": labels}
    )
    return pairs.reset_index(drop=True), clusters


def _persons(
    left: pa.Table, right: pa.Table | None, scores: pd.DataFrame, options: MatchOptions
) -> tuple[ThresholdChoice, Clustering]:
    """Threshold for precision, then constrained clustering of both files' records."""
    weights = scores["match_weight"].to_numpy(np.float64)
    threshold = choose_threshold(
        weights,
        scores["match_probability"].to_numpy(np.float64),
        target_precision=options.target_precision,
        min_probability=options.min_probability,
    )
    offset = 0 if right is None else left.num_rows
    node_sources = np.zeros(offset + (left.num_rows if right is None else right.num_rows), int)
    node_sources[offset:] = 0 if right is None else 1
    clustering = cluster_pairs(
        len(node_sources),
        scores["left"].to_numpy(np.int64),
        scores["right"].to_numpy(np.int64) + offset,
        weights,
        threshold.match_weight,
        sources=node_sources,
        one_per_source=options.one_per_source and right is not None,
    )
    return threshold, clustering


def _train_and_score(
    left: pa.Table,
    right: pa.Table | None,
    candidates: CandidatePairs,
    options: MatchOptions,
    engine: LinkageEngine,
    seconds: dict[str, float],
) -> tuple[TrainingReport, pd.DataFrame, float]:
    """Train on the training engine, then score the candidates on the engine with the trained
    parameters (one scorer when both are the same)."""
    began = time.perf_counter()
    options.step("training")
    if options.training_engine == options.engine:
        scorer = SplinkScorer(left, right, options.model, engine)
        training = scorer.train(candidates)
    else:
        trainer = SplinkScorer(
            left, right, options.model, options.new_engine(options.training_engine)
        )
        try:
            training = trainer.train(candidates)
        finally:
            trainer.close()
        scorer = SplinkScorer(left, right, options.model, engine)
        scorer.use_model(training.model)
    seconds["training"] = time.perf_counter() - began
    began = time.perf_counter()
    options.step("scoring")
    scores = scorer.score(candidates)
    seconds["scoring"] = time.perf_counter() - began
    prior = scorer.prior or training.probability_two_random_records_match
    return training, scores, prior


def match_tables(
    left: pa.Table,
    right: pa.Table | None = None,
    options: MatchOptions | None = None,
    sources: tuple[str, str] = ("left", "right"),
) -> MatchResult:
    """Link two encoded tables, or deduplicate one (right=None)."""
    options = options or MatchOptions()
    if right is not None:
        check_compatible(left, right, sources)
    for engine_name in (options.engine, options.training_engine):
        if engine_name not in ENGINES:
            raise SchakelError(f"Unknown engine {engine_name!r}: use one of {', '.join(ENGINES)}.")
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    # Started first, so a missing pyspark or Java is reported before any work.
    engine = options.new_engine(options.engine)
    seconds["engine"] = time.perf_counter() - began
    try:
        began = time.perf_counter()
        tables, shared = mask_shared_addresses(
            [left] if right is None else [left, right], options.shared_address_limit
        )
        left, right = tables[0], (None if right is None else tables[1])
        options.step("candidate pairs")
        candidates = candidate_pairs(left, right, options.candidates)
        seconds["candidates"] = time.perf_counter() - began
        training, scores, prior = _train_and_score(
            left, right, candidates, options, engine, seconds
        )
    finally:
        engine.close()
    began = time.perf_counter()
    options.step("clustering")
    threshold, clustering = _persons(left, right, scores, options)
    pairs, clusters = _frames(
        left, right, scores, clustering.labels, clustering.linked, sources,
        options.report_min_probability,
    )  # fmt: skip
    seconds["clustering"] = time.perf_counter() - began
    return MatchResult(
        pairs, clusters, threshold, training, candidates, seconds, prior, shared, scores
    )


def match_files(
    left_path: str | Path,
    right_path: str | Path | None,
    out_path: str | Path,
    *,
    clusters_out: str | Path | None = None,
    options: MatchOptions | None = None,
) -> MatchResult:
    """Link two encoded files (or deduplicate one) and write the pairs, atomically.

    The pairs file has one row per scored pair with match weight, match probability, whether
    the pair was linked and the person (cluster) id; `clusters_out` lists every record with its
    person id. All inputs are checked before any work starts.
    """
    file_kind(out_path)
    if clusters_out is not None:
        file_kind(clusters_out)
    left = read_encoded(left_path)
    right = None if right_path is None else read_encoded(right_path)
    names = (Path(left_path).stem, Path(right_path).stem if right_path is not None else "")
    if right is not None and names[0] == names[1]:
        names = (f"{names[0]}-left", f"{names[1]}-right")
    result = match_tables(left, right, options, sources=names)
    write_frame(result.pairs, out_path)
    if clusters_out is not None:
        write_frame(result.clusters, clusters_out)
    return result
