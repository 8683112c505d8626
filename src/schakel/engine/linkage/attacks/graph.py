"""The similarity-graph attack (see `attacks`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _dice_matrix(filters: np.ndarray) -> np.ndarray:
    """All-pairs Dice of (n, 16) uint64 filters (small n: the attack works on a sample)."""
    counts = np.bitwise_count(filters).sum(axis=1).astype(np.float32)
    bits = np.unpackbits(filters.view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    common = bits @ bits.T
    return 2.0 * common / np.maximum(counts[:, None] + counts[None, :], 1.0)


def _graph_features(similarity: np.ndarray, thresholds: Sequence[float], top: int) -> np.ndarray:
    """Per node: the share of nodes at or above each similarity threshold, and its `top`
    highest similarities to other nodes (Vidanage et al. 2020 use such node features)."""
    others = similarity.copy()
    np.fill_diagonal(others, -1.0)
    counts = np.stack([(others >= t).sum(axis=1) for t in thresholds], axis=1)
    highest = -np.sort(-others, axis=1)[:, :top]
    return np.hstack([np.log1p(counts), 5.0 * highest]).astype(np.float64)


def similarity_graph_guesses(
    encoded: Sequence[np.ndarray],
    plain_filters: Sequence[np.ndarray],
    plain_names: Sequence[str],
    *,
    thresholds: Sequence[float] = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.999),
    top: int = 20,
    rounds: int = 4,
    anchor_share: float = 0.25,
) -> list[str | None]:
    """Similarity-graph attack: the linker builds the graph of Dice similarities between
    encoded records (one (n, 16) array per name column, averaged) and the graph of plain-text
    records it knows, encoded by itself with the published parameters and a key of its own
    (so similarities are on the same scale), and matches nodes by their features (one to one,
    closest pairs first). Each encoded record gets the name of its plain-text node."""
    left = np.mean([_dice_matrix(f) for f in encoded], axis=0)
    right = np.mean([_dice_matrix(f) for f in plain_filters], axis=0)
    features_left = _graph_features(left, thresholds, top)
    features_right = _graph_features(right, thresholds, top)
    pairs = _greedy_match(_distances(features_left, features_right))
    for _ in range(rounds):
        # Seeded propagation: the most confident matches become anchors, and every node is
        # matched again by its similarities to the anchors (a fingerprint of where it lies).
        confident = pairs[: max(int(anchor_share * len(pairs)), 1)]
        anchors_left = np.array([a for a, _, _ in confident])
        anchors_right = np.array([b for _, b, _ in confident])
        pairs = _greedy_match(_distances(left[:, anchors_left], right[:, anchors_right]))
    guesses: list[str | None] = [None] * len(left)
    for row, column, _ in pairs:
        guesses[row] = plain_names[column]
    return guesses


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    squared = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(squared, 0.0))


def _greedy_match(distance: np.ndarray) -> list[tuple[int, int, float]]:
    """One-to-one matches, closest first: (left, right, distance), in that order."""
    taken_left = np.zeros(distance.shape[0], dtype=bool)
    taken_right = np.zeros(distance.shape[1], dtype=bool)
    pairs: list[tuple[int, int, float]] = []
    limit = min(distance.shape)
    for flat in np.argsort(distance, axis=None, kind="stable").tolist():
        row, column = divmod(flat, distance.shape[1])
        if taken_left[row] or taken_right[column]:
            continue
        taken_left[row] = taken_right[column] = True
        pairs.append((row, column, float(distance[row, column])))
        if len(pairs) == limit:
            break
    return pairs
