"""From scored pairs to persons, erring towards keeping people apart.

A false merge fabricates a "return to exploitation" for someone who never returned, and sends
a coordinator to the wrong person; a missed link only leaves a return unseen. So:

- the threshold is chosen for precision (`choose_threshold`);
- clustering is greedy, strongest link first, and refuses a merge that would put two records
  in one person whose own pair was scored below the threshold (no chaining around evidence
  against), or, in link mode, two records of the same source (`one_per_source`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ThresholdChoice:
    """The match weight above which pairs may be linked, and why."""

    match_weight: float
    match_probability: float
    estimated_precision: float
    pairs_at_or_above: int
    reason: str


def choose_threshold(
    weights: np.ndarray,
    probabilities: np.ndarray,
    *,
    target_precision: float = 0.99,
    min_probability: float = 0.95,
) -> ThresholdChoice:
    """The lowest threshold whose estimated precision reaches the target, never letting in a
    pair whose own match probability is below `min_probability`.

    The estimated precision of a threshold is the mean match probability of the pairs at or
    above it: the share of them the model expects to be true matches.
    """
    order = np.argsort(-weights, kind="stable")
    w, p = weights[order], probabilities[order]
    expected = np.cumsum(p) / np.arange(1, len(p) + 1)
    allowed = np.flatnonzero((expected >= target_precision) & (p >= min_probability))
    if len(allowed) == 0:
        top = float(w[0]) if len(w) else 0.0
        return ThresholdChoice(
            match_weight=float(np.nextafter(top, np.inf)),
            match_probability=1.0,
            estimated_precision=1.0,
            pairs_at_or_above=0,
            reason=f"no threshold reaches estimated precision {target_precision}: nothing linked",
        )
    last = int(allowed[-1])
    limit = "estimated precision" if p[last + 1 :].max(initial=0) >= min_probability else "floor"
    return ThresholdChoice(
        match_weight=float(w[last]),
        match_probability=float(p[last]),
        estimated_precision=float(expected[last]),
        pairs_at_or_above=last + 1,
        reason=(
            f"lowest match weight with estimated precision >= {target_precision} and pair "
            f"probability >= {min_probability} (bound by the {limit})"
        ),
    )


@dataclass(frozen=True)
class Clustering:
    """Cluster label per node (0..n-1), and which input pairs ended up in one cluster."""

    labels: np.ndarray
    linked: np.ndarray
    refused_merges: int


class _Partition:
    """Union-find that remembers members, so constraints can be checked before a merge."""

    def __init__(self, sources: np.ndarray) -> None:
        self.parent = list(range(len(sources)))
        self.members: dict[int, list[int]] = {}
        self.sources: dict[int, set[int]] = {}
        self.node_sources = sources

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def members_of(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def sources_of(self, root: int) -> set[int]:
        return self.sources.get(root, {int(self.node_sources[root])})

    def union(self, a: int, b: int) -> None:
        if len(self.members_of(a)) < len(self.members_of(b)):
            a, b = b, a
        self.members[a] = self.members_of(a) + self.members_of(b)
        self.sources[a] = self.sources_of(a) | self.sources_of(b)
        self.members.pop(b, None)
        self.sources.pop(b, None)
        self.parent[b] = a


def cluster_pairs(
    node_count: int,
    left: np.ndarray,
    right: np.ndarray,
    weights: np.ndarray,
    threshold: float,
    *,
    sources: np.ndarray | None = None,
    one_per_source: bool = False,
) -> Clustering:
    """Greedy constrained clustering of nodes 0..node_count-1 from scored pairs.

    Pairs at or above `threshold` are merged strongest first; a merge is refused when a pair
    between the two clusters was scored below the threshold, or (with `one_per_source`) when
    both clusters already hold a record of the same source.
    """
    node_sources = np.zeros(node_count, dtype=np.int64) if sources is None else sources
    above = weights >= threshold
    order = np.flatnonzero(above)
    order = order[np.lexsort((right[order], left[order], -weights[order]))]
    in_graph = np.zeros(node_count, dtype=bool)
    in_graph[left[above]] = True
    in_graph[right[above]] = True
    against: dict[int, set[int]] = defaultdict(set)
    for a, b in zip(*_below_within(left, right, above, in_graph), strict=True):
        against[a].add(b)
        against[b].add(a)
    partition = _Partition(node_sources)
    refused = 0
    for edge in order:
        a, b = partition.find(int(left[edge])), partition.find(int(right[edge]))
        if a == b:
            continue
        if one_per_source and partition.sources_of(a) & partition.sources_of(b):
            refused += 1
            continue
        if _has_evidence_against(partition, a, b, against):
            refused += 1
            continue
        partition.union(a, b)
    roots = np.fromiter((partition.find(n) for n in range(node_count)), np.int64, node_count)
    _, labels = np.unique(roots, return_inverse=True)
    return Clustering(
        labels=labels.astype(np.int64),
        linked=labels[left] == labels[right],
        refused_merges=refused,
    )


def _below_within(
    left: np.ndarray, right: np.ndarray, above: np.ndarray, in_graph: np.ndarray
) -> tuple[list[int], list[int]]:
    """Below-threshold pairs between nodes that have some link: the only ones that matter."""
    keep = ~above & in_graph[left] & in_graph[right]
    return left[keep].tolist(), right[keep].tolist()


def _has_evidence_against(
    partition: _Partition, a: int, b: int, against: dict[int, set[int]]
) -> bool:
    small, large = (
        (a, b) if len(partition.members_of(a)) <= len(partition.members_of(b)) else (b, a)
    )
    for member in partition.members_of(small):
        for other in against.get(member, ()):
            if partition.find(other) == large:
                return True
    return False
