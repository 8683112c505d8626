"""Quality of a linkage against known truth: pairs, clusters, and candidate generation.

Records are nodes 0..n-1 with a true person label and a predicted cluster label. In link mode
a `sources` label per node restricts pairs to pairs between different sources, because pairs
within one source were never compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PairMetrics:
    """Pairwise precision, recall and F1 of the pairs that share a cluster."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class ClusterMetrics:
    """B-cubed precision and recall, and the over-merge rate.

    The over-merge rate is the share of predicted clusters with two or more records that hold
    more than one true person: each such cluster can fabricate a return.
    """

    bcubed_precision: float
    bcubed_recall: float
    over_merge_rate: float
    over_merged_clusters: int
    multi_record_clusters: int


def _pair_count(group: pd.DataFrame, cross: bool) -> int:
    if not cross:
        sizes = group["size"].to_numpy(np.int64)
        return int((sizes * (sizes - 1) // 2).sum())
    return int((group["first"].to_numpy(np.int64) * group["second"].to_numpy(np.int64)).sum())


def _counts(keys: list[str], frame: pd.DataFrame) -> pd.DataFrame:
    counted = frame.groupby(keys, sort=False).agg(
        size=("first", "size"), first=("first", "sum"), second=("second", "sum")
    )
    return counted


def pairwise_metrics(
    truth: np.ndarray, predicted: np.ndarray, sources: np.ndarray | None = None
) -> PairMetrics:
    """Pairs in one predicted cluster versus pairs of one true person (cross-source only
    when `sources` is given: it must have exactly two distinct values)."""
    cross = sources is not None
    first = np.zeros(len(truth), dtype=np.int64) if sources is None else sources == sources.min()
    frame = pd.DataFrame({"truth": truth, "predicted": predicted, "first": first.astype(np.int64)})
    frame["second"] = 1 - frame["first"]
    both = _pair_count(_counts(["truth", "predicted"], frame), cross)
    predicted_pairs = _pair_count(_counts(["predicted"], frame), cross)
    true_pairs = _pair_count(_counts(["truth"], frame), cross)
    return PairMetrics(
        true_positives=both,
        false_positives=predicted_pairs - both,
        false_negatives=true_pairs - both,
    )


def cluster_metrics(truth: np.ndarray, predicted: np.ndarray) -> ClusterMetrics:
    frame = pd.DataFrame({"truth": truth, "predicted": predicted})
    cell = frame.groupby(["truth", "predicted"])["truth"].transform("size").to_numpy()
    cluster_size = frame.groupby("predicted")["truth"].transform("size").to_numpy()
    person_size = frame.groupby("truth")["truth"].transform("size").to_numpy()
    per_cluster = frame.groupby("predicted")["truth"].agg(["size", "nunique"])
    multi = per_cluster[per_cluster["size"] >= 2]
    over = int((multi["nunique"] > 1).sum())
    return ClusterMetrics(
        bcubed_precision=float(np.mean(cell / cluster_size)),
        bcubed_recall=float(np.mean(cell / person_size)),
        over_merge_rate=over / len(multi) if len(multi) else 0.0,
        over_merged_clusters=over,
        multi_record_clusters=len(multi),
    )


@dataclass(frozen=True)
class BlockingMetrics:
    """How many true pairs the candidates keep, and how much work they save."""

    candidate_pairs: int
    true_pairs_found: int
    true_pairs: int
    possible_pairs: int

    @property
    def pair_completeness(self) -> float:
        return self.true_pairs_found / self.true_pairs if self.true_pairs else 1.0

    @property
    def reduction_ratio(self) -> float:
        return 1.0 - self.candidate_pairs / self.possible_pairs if self.possible_pairs else 0.0


def blocking_metrics(
    truth_left: np.ndarray,
    truth_right: np.ndarray,
    candidate_left: np.ndarray,
    candidate_right: np.ndarray,
    *,
    dedupe: bool = False,
) -> BlockingMetrics:
    """Pair completeness and reduction ratio of candidate pairs (row positions)."""
    found = int(np.count_nonzero(truth_left[candidate_left] == truth_right[candidate_right]))
    if dedupe:
        sizes = pd.Series(truth_left).value_counts().to_numpy(np.int64)
        true_pairs = int((sizes * (sizes - 1) // 2).sum())
        possible = len(truth_left) * (len(truth_left) - 1) // 2
    else:
        left_counts = pd.Series(truth_left).value_counts()
        right_counts = pd.Series(truth_right).value_counts()
        true_pairs = int(left_counts.mul(right_counts, fill_value=0).sum())
        possible = len(truth_left) * len(truth_right)
    return BlockingMetrics(
        candidate_pairs=len(candidate_left),
        true_pairs_found=found,
        true_pairs=true_pairs,
        possible_pairs=possible,
    )
