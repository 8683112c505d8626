"""Simulated attacks on an encoded file: what the linking party could learn without the key.

The linker sees keyed Bloom filters and tokens, never a name. An honest-but-curious linker, or
anyone who obtains an encoded file, can still try:

- a frequency attack: align the most frequent filters with the most frequent names of a public
  list (`frequency_guesses`);
- a pattern-mining attack (Christen, Ranbaduge, Vatsalan and Schnell 2017): each bigram sets
  the same k bit positions in every filter that holds it, so the positions that are set
  together in about as many filters as a bigram's public frequency predicts are that bigram's.
  Mining them for the most frequent bigrams, the attacker learns which bigrams each filter
  holds and picks the public name with exactly those (`pattern_mining_guesses`);
- closed-itemset mining (`closed_itemset_guesses`, the strongest here): every bigram's k
  positions are a *closed* set (the AND of all filters that hold them is exactly those k
  positions), found by intersecting filters that share a position gently, one filter at a time;
  the sets are labelled with bigrams by frequency and co-occurrence, every filter gets the public
  name that fits its labelled sets, and the labels are re-voted from those names. On format 3
  this re-identified 85% of given and 97% of family names of the synthetic region with a name
  list drawn from another sample of the same population;
- singling out: a record whose combination of encoded values is unique in the file can be
  followed across files once one clear record leaks (`singling_out`);
- ordering birth years: the years kept around estimated dates chain the year tokens
  (`birth_year_order`).

Attacks return guesses per record; `score_guesses` compares them with the truth, which only an
evaluation has. The attacker is assumed to know everything but the key: the normalisation
code, the encoding parameters (bits, k, bigrams: they are in the `encoding` column) and a
public list of name frequencies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import FILTER_BITS, bigrams
from schakel.engine.linkage.files import token_array

Filters = Sequence[bytes | None]
SPECIFICITY = 0.05


@dataclass(frozen=True)
class Reidentification:
    """How many records an attack gave their own (normalised) value, overall and per group."""

    attack: str
    target: str  # the field attacked
    records: int
    guessed: int
    reidentified: int
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # (re-identified, records)

    @property
    def rate(self) -> float:
        return self.reidentified / self.records if self.records else 0.0

    @property
    def precision(self) -> float:
        """Share of the attacker's guesses that are right (what a guess is worth to them)."""
        return self.reidentified / self.guessed if self.guessed else 0.0


def score_hits(
    attack: str,
    target: str,
    hits: Sequence[bool],
    known: Sequence[bool],
    groups: Sequence[str] | None = None,
    guessed: int | None = None,
) -> Reidentification:
    """Re-identified records (`hits`) among the records with a value (`known`), per group."""
    by_group: dict[str, tuple[int, int]] = {}
    if groups is not None:
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for group, hit, has in zip(groups, hits, known, strict=True):
            total[group] += bool(has)
            found[group] += bool(hit and has)
        by_group = {group: (found[group], total[group]) for group in sorted(total) if total[group]}
    records = int(sum(bool(k) for k in known))
    return Reidentification(
        attack=attack,
        target=target,
        records=records,
        guessed=records if guessed is None else guessed,
        reidentified=int(sum(bool(h and k) for h, k in zip(hits, known, strict=True))),
        by_group=by_group,
    )


def score_guesses(
    attack: str,
    target: str,
    guesses: Sequence[str | None],
    truth: Sequence[str | None],
    groups: Sequence[str] | None = None,
) -> Reidentification:
    """Compare guesses with the true normalised values (records without a value are skipped)."""
    hits = [g is not None and g == t for g, t in zip(guesses, truth, strict=True)]
    known = [t is not None for t in truth]
    guessed = sum(g is not None and k for g, k in zip(guesses, known, strict=True))
    return score_hits(attack, target, hits, known, groups, guessed)


def _ranked(public: Mapping[str, float]) -> list[str]:
    return [name for name, _ in sorted(public.items(), key=lambda item: (-item[1], item[0]))]


def frequency_guesses(
    filters: Sequence[Hashable | None], public: Mapping[str, float]
) -> list[str | None]:
    """Rank-align distinct values (filters or tokens, by count) with the public values (by
    frequency); ties in count keep the order of first appearance."""
    counts = Counter(f for f in filters if f is not None)
    ranked = [f for f, _ in counts.most_common()]
    guess = dict(zip(ranked, _ranked(public), strict=False))
    return [None if f is None else guess.get(f) for f in filters]


def _bits(filters: Filters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct filters as a (distinct, bits) boolean matrix, their counts, and the distinct
    row of every record (-1 without a value)."""
    known = [f for f in filters if f is not None]
    if not known:
        return np.zeros((0, FILTER_BITS), bool), np.zeros(0), np.full(len(filters), -1)
    raw = np.frombuffer(b"".join(known), dtype=np.uint8).reshape(len(known), -1)
    distinct, inverse, counts = np.unique(raw, axis=0, return_inverse=True, return_counts=True)
    bits = np.unpackbits(distinct, axis=1, bitorder="little").astype(bool)
    rows = np.full(len(filters), -1)
    rows[[i for i, f in enumerate(filters) if f is not None]] = inverse.reshape(-1)
    return bits, counts.astype(np.float64), rows


@dataclass(frozen=True)
class PatternMining:
    """The bigrams the attacker placed (bigram -> its k bit positions) and the guesses."""

    positions: dict[str, np.ndarray]
    guesses: list[str | None]


def _gram_shares(public: Mapping[str, float], keep: int) -> tuple[list[str], np.ndarray]:
    """The `keep` most frequent public bigrams and their co-shares (share of the population
    whose name holds both; the diagonal is each bigram's share)."""
    names = _ranked(public)
    weights = np.array([public[n] for n in names], dtype=np.float64)
    weights /= weights.sum() or 1.0
    grams_of = [bigrams(name.split()) for name in names]
    shares: dict[str, float] = {}
    for grams, weight in zip(grams_of, weights.tolist(), strict=True):
        for gram in grams:
            shares[gram] = shares.get(gram, 0.0) + weight
    kept = sorted(shares, key=lambda gram: (-shares[gram], gram))[:keep]
    index = {gram: i for i, gram in enumerate(kept)}
    holds = np.zeros((len(names), len(kept)), dtype=np.float32)
    for row, grams in enumerate(grams_of):
        holds[row, [index[g] for g in grams if g in index]] = 1.0
    return kept, (holds * weights[:, None].astype(np.float32)).T @ holds


def _itemsets(bits: np.ndarray, weights: np.ndarray, hashes: int, count: int) -> list[np.ndarray]:
    """Greedy frequent itemsets of `hashes` positions. Seed: the most often set position not
    yet in an itemset; grow by the position that keeps most filters having all of them."""
    support = weights @ bits
    explained = np.zeros(bits.shape[1], dtype=bool)
    found: list[np.ndarray] = []
    for _ in range(count):
        seed = int(np.argmax(np.where(explained, -1.0, support)))
        if explained[seed] or support[seed] <= 0:
            break
        chosen = [seed]
        rows = bits[:, seed].copy()
        while len(chosen) < hashes:
            together = weights[rows] @ bits[rows]
            # Among positions set in as many of these filters, prefer those set in few others:
            # a position of this bigram alone, rather than one shared with frequent bigrams.
            together -= SPECIFICITY * (support - together)
            together[chosen] = -np.inf
            best = int(np.argmax(together))
            chosen.append(best)
            rows &= bits[:, best]
        explained[chosen] = True
        found.append(np.array(sorted(chosen)))
    return found


def _packed_columns(bits: np.ndarray) -> np.ndarray:
    """Each bit position as a bitset over the filters: (positions, words) uint64."""
    packed = np.packbits(bits.T, axis=1, bitorder="little")
    padded = np.pad(packed, ((0, 0), (0, (-packed.shape[1]) % 8)))
    return np.ascontiguousarray(padded).view(np.uint64)


def double_hashing_itemsets(bits: np.ndarray, hashes: int) -> list[np.ndarray]:
    """Every set of positions h1 + i*h2 (mod bits, h2 odd, i < k) that is fully set in some
    filter: with double hashing these are exactly the bigrams' position sets, plus a few that
    other bigrams happen to cover together, which are dropped.

    Double hashing (Kirsch and Mitzenmacher) is what this encoding and most Bloom-filter PPRL
    use; Kroll and Steinmetzer (2015) showed that it leaves only bits x bits/2 candidate sets,
    few enough to test them all (here 512 x 1024, under a second).
    """
    size = bits.shape[1]
    columns = _packed_columns(bits)
    starts = np.arange(size)
    found: dict[frozenset[int], np.ndarray] = {}
    for step in range(1, size, 2):
        common = columns[starts].copy()
        for i in range(1, hashes):
            common &= columns[(starts + i * step) % size]
        for start in np.flatnonzero(common.any(axis=1)).tolist():
            positions = frozenset(((start + np.arange(hashes) * step) % size).tolist())
            found.setdefault(positions, common[start])
    sets = list(found)
    filters_of = [
        np.unpackbits(found[s].view(np.uint8), bitorder="little")[: bits.shape[0]].astype(bool)
        for s in sets
    ]
    covered: list[set[int]] = [set() for _ in range(bits.shape[0])]
    for positions, rows in zip(sets, filters_of, strict=True):
        for row in np.flatnonzero(rows).tolist():
            covered[row] |= positions
    kept = []
    for index, (positions, rows) in enumerate(zip(sets, filters_of, strict=True)):
        others_cover = all(
            positions
            <= set().union(
                *(other for j, other in enumerate(sets) if j != index and filters_of[j][row])
            )
            for row in np.flatnonzero(rows).tolist()
        )
        if not others_cover:
            kept.append(np.array(sorted(positions)))
    return kept


def closed_itemsets(
    bits: np.ndarray, hashes: int, *, seeds: int = 3, random_seed: int = 0
) -> list[np.ndarray]:
    """Closed sets of exactly `hashes` positions that at least two distinct filters hold.

    From a filter that has position p, intersect with the filter holding p that removes the
    fewest positions while at least `hashes` remain, until no such filter is left; then the
    closure (AND of all filters holding the result). A filter that has p for another bigram
    cuts the intersection below `hashes` and is never taken, so the descent ends at the
    position set of a bigram of the seed filter. `seeds` seed filters per position.
    """
    if bits.shape[0] < 2:
        return []
    packed = np.packbits(bits, axis=1, bitorder="little").view(np.uint64)
    rng = np.random.default_rng(random_seed)
    found: dict[bytes, None] = {}
    for position in range(bits.shape[1]):
        rows = np.flatnonzero(bits[:, position])
        if len(rows) < 2:
            continue
        holders = packed[rows]
        for seed in rng.choice(rows, size=min(seeds, len(rows)), replace=False).tolist():
            current = packed[seed].copy()
            size = int(np.bitwise_count(current).sum())
            while True:
                common = holders & current
                sizes = np.bitwise_count(common).sum(axis=1)
                fits = (sizes >= hashes) & (sizes < size)
                if not fits.any():
                    break
                best = int(np.flatnonzero(fits)[np.argmax(sizes[fits])])
                current, size = common[best], int(sizes[best])
            holding = ((packed & current) == current).all(axis=1)
            if holding.sum() < 2:
                continue
            closure = np.bitwise_and.reduce(packed[holding], axis=0)
            if int(np.bitwise_count(closure).sum()) == hashes:
                found[closure.tobytes()] = None
    return [
        np.flatnonzero(np.unpackbits(np.frombuffer(key, dtype=np.uint8), bitorder="little"))
        for key in found
    ]


def mine_patterns(
    bits: np.ndarray,
    counts: np.ndarray,
    public: Mapping[str, float],
    *,
    hashes: int,
    grams: int,
    double_hashing: bool = False,
) -> dict[str, np.ndarray]:
    """The k positions of frequent public bigrams: mined itemsets, each given the bigram whose
    frequency and co-occurrence with the bigrams placed before it fit best.

    Frequencies alone are too close to tell neighbours apart (ov 0.137, i_ 0.138); how often a
    bigram occurs together with others (ov with v_, sk with ki) is much more telling, and the
    attacker has both from the public list.
    """
    if bits.shape[0] == 0:
        return {}
    weights = counts / counts.sum()
    if double_hashing:
        itemsets = double_hashing_itemsets(bits, hashes)
        support = [float(weights[bits[:, positions].all(axis=1)].sum()) for positions in itemsets]
        itemsets = [itemsets[i] for i in np.argsort(support, kind="stable")[::-1][:grams]]
    else:
        itemsets = _itemsets(bits, weights, hashes, grams)
    return _label_itemsets(bits, weights, itemsets, public)


def _label_itemsets(
    bits: np.ndarray,
    weights: np.ndarray,
    itemsets: Sequence[np.ndarray],
    public: Mapping[str, float],
) -> dict[str, np.ndarray]:
    """Give each itemset the free bigram whose public share and co-shares with the bigrams
    placed before it (most supported itemsets first) fit its observed ones best."""
    if not itemsets:
        return {}
    rows = np.stack([bits[:, positions].all(axis=1) for positions in itemsets], axis=1)
    observed = (rows * weights[:, None]).T @ rows.astype(np.float64)  # itemset co-support
    names, expected = _gram_shares(public, keep=4 * len(itemsets))
    shares = np.diag(expected)
    order = np.argsort(-np.diag(observed), kind="stable")
    placed: dict[str, np.ndarray] = {}
    assigned: list[tuple[int, int]] = []  # (itemset, bigram)
    free = np.ones(len(names), dtype=bool)
    for item in order:
        support = observed[item, item]
        cost = np.abs(shares - support)
        for other, gram in assigned:
            cost = cost + np.abs(expected[:, gram] - observed[item, other])
        cost[~free] = np.inf
        gram = int(np.argmin(cost))
        if not np.isfinite(cost[gram]):
            break
        free[gram] = False
        assigned.append((int(item), gram))
        placed[names[gram]] = itemsets[item]
    return placed


def _disagreements(present: np.ndarray, holds: np.ndarray) -> np.ndarray:
    """Filters x names: placed bigrams set in the filter but not in the name, or the reverse."""
    p = present.astype(np.float32)
    h = holds.astype(np.float32)
    return p.sum(axis=1)[:, None] + h.sum(axis=1)[None, :] - 2.0 * (p @ h.T)


def _unambiguous(disagree: np.ndarray, counts: np.ndarray) -> float:
    """Share of records whose filter fits exactly one public name."""
    exact = (disagree == 0).sum(axis=1) == 1
    return float(counts[exact].sum() / counts.sum())


def pattern_mining_guesses(
    filters: Filters,
    public: Mapping[str, float],
    *,
    hashes: int,
    grams: int = 60,
    also_mine: Filters = (),
    mining_public: Mapping[str, float] | None = None,
    tolerance: int | None = None,
    double_hashing: bool = False,
) -> PatternMining:
    """Mine bigram positions, then give every filter the public name whose bigrams disagree
    least with the placed bigrams (a bigram is in a filter when all its positions are set);
    ties go to the more frequent name. `tolerance`: most disagreements for a guess (None: no
    limit). `also_mine`: filters of another column made with the same keys (given and family
    names share them), mined together with `mining_public` as the bigram frequencies.

    Later placements are less certain, and one misplaced bigram spoils many names. Without the
    truth the attacker can still see which number of placed bigrams (10, 20, ... `grams`) lets
    the most records fit exactly one name, and uses that many.
    """
    bits, counts, rows = _bits(filters)
    if len(also_mine):
        extra_bits, extra_counts, _ = _bits(also_mine)
        mine_bits = np.vstack([bits, extra_bits])
        mine_counts = np.concatenate([counts, extra_counts])
    else:
        mine_bits, mine_counts = bits, counts
    positions = mine_patterns(
        mine_bits,
        mine_counts,
        mining_public or public,
        hashes=hashes,
        grams=grams,
        double_hashing=double_hashing,
    )
    if not positions or bits.shape[0] == 0:
        return PatternMining(positions, [None] * len(filters))
    placed = list(positions)
    present = np.stack([bits[:, positions[g]].all(axis=1) for g in placed], axis=1)
    names = _ranked(public)
    grams_of = [bigrams(name.split()) for name in names]
    holds = np.array([[g in grams for g in placed] for grams in grams_of], dtype=bool)
    best_share, used = -1.0, len(placed)
    disagree = np.zeros((present.shape[0], len(names)), dtype=np.float32)
    best = disagree
    for start in range(0, len(placed), 10):
        stop = min(start + 10, len(placed))
        disagree = disagree + _disagreements(present[:, start:stop], holds[:, start:stop])
        share = _unambiguous(disagree, counts)
        if share > best_share:
            best_share, used, best = share, stop, disagree
    disagree = best
    fewest = disagree.min(axis=1)
    limit = np.inf if tolerance is None else tolerance
    first = np.where(fewest <= limit, disagree.argmin(axis=1), -1)
    guess_of_row = [names[i] if i >= 0 else None for i in first]
    kept = {gram: positions[gram] for gram in placed[:used]}
    return PatternMining(kept, [guess_of_row[r] if r >= 0 else None for r in rows])


def _holds(names: Sequence[str], grams: Sequence[str]) -> np.ndarray:
    index = {gram: i for i, gram in enumerate(grams)}
    holds = np.zeros((len(names), len(grams)), dtype=np.float32)
    for row, name in enumerate(names):
        holds[row, [index[g] for g in bigrams(name.split()) if g in index]] = 1.0
    return holds


def _fit_names(
    present: np.ndarray, unlabelled: np.ndarray, grams: Sequence[str], names: Sequence[str]
) -> np.ndarray:
    """Filters x names: labelled bigrams the filter holds and the name lacks or the reverse,
    plus the difference between the filter's unlabelled sets and the name's other bigrams."""
    holds = _holds(names, grams)
    other = np.array([len(bigrams(n.split())) for n in names], np.float32) - holds.sum(axis=1)
    p = present.astype(np.float32)
    return (
        p.sum(axis=1)[:, None]
        + holds.sum(axis=1)[None, :]
        - 2.0 * (p @ holds.T)
        + np.abs(unlabelled[:, None] - other[None, :])
    )


def _revote(
    rows: np.ndarray, weights: np.ndarray, guesses: Sequence[str], agreement: float = 0.8
) -> dict[int, str]:
    """Each itemset gets the bigram whose (weighted) filters, by the names guessed for them,
    coincide best with the filters holding the itemset (Dice of the two weights >= agreement)."""
    grams = sorted({g for name in set(guesses) for g in bigrams(name.split())})
    holds = _holds(guesses, grams)
    weighted = rows.astype(np.float32) * weights[:, None].astype(np.float32)
    inside = weighted.T @ holds
    total = weighted.sum(axis=0)[:, None] + (holds * weights[:, None]).sum(axis=0)[None, :]
    fit = 2.0 * inside / np.maximum(total, 1e-12)
    best = fit.argmax(axis=1)
    return {i: grams[b] for i, b in enumerate(best.tolist()) if fit[i, b] >= agreement}


def closed_itemset_guesses(
    filters: Filters,
    public: Mapping[str, float],
    *,
    hashes: int,
    also_mine: Filters = (),
    mining_public: Mapping[str, float] | None = None,
    seeds: int = 3,
    rounds: int = 3,
) -> PatternMining:
    """Closed itemsets (`closed_itemsets`) labelled with bigrams by frequency and
    co-occurrence; every filter gets the public name that fits its labelled itemsets best
    (ties: the more frequent name); then the labels are re-voted from those guesses, `rounds`
    times. `also_mine`: filters of another column with the same keys, mined together."""
    bits, counts, rows = _bits(filters)
    if bits.shape[0] == 0 or not public:
        return PatternMining({}, [None] * len(filters))
    if len(also_mine):
        extra_bits, extra_counts, _ = _bits(also_mine)
        mine_bits = np.vstack([bits, extra_bits])
        mine_counts = np.concatenate([counts, extra_counts])
    else:
        mine_bits, mine_counts = bits, counts
    itemsets = closed_itemsets(mine_bits, hashes, seeds=seeds)
    if not itemsets:
        return PatternMining({}, [None] * len(filters))
    placed = _label_itemsets(
        mine_bits, mine_counts / mine_counts.sum(), itemsets, mining_public or public
    )
    index = {positions.tobytes(): i for i, positions in enumerate(itemsets)}
    labels = {index[positions.tobytes()]: gram for gram, positions in placed.items()}
    held = np.stack([bits[:, positions].all(axis=1) for positions in itemsets], axis=1)
    names = _ranked(public)
    weights = counts / counts.sum()
    guess_of_row: list[str] = []
    for _ in range(max(rounds, 1)):
        labelled = sorted(labels)
        fit = _fit_names(
            held[:, labelled],
            held.sum(axis=1) - held[:, labelled].sum(axis=1),
            [labels[i] for i in labelled],
            names,
        )
        guess_of_row = [names[i] for i in fit.argmin(axis=1).tolist()]
        labels = _revote(held, weights, guess_of_row) or labels
    positions = {labels[i]: itemsets[i] for i in sorted(labels)}
    return PatternMining(positions, [guess_of_row[r] if r >= 0 else None for r in rows])


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


@dataclass(frozen=True)
class SinglingOut:
    """Records whose combination of encoded values is unique (k = 1) or shared by fewer than
    five records, among the records of interest."""

    columns: tuple[str, ...]
    records: int
    unique: int
    below_five: int
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # (unique, records)

    @property
    def unique_share(self) -> float:
        return self.unique / self.records if self.records else 0.0

    @property
    def below_five_share(self) -> float:
        return self.below_five / self.records if self.records else 0.0


def singling_out(
    table: pa.Table,
    columns: Sequence[str],
    *,
    real: np.ndarray | None = None,
    groups: Sequence[str] | None = None,
) -> SinglingOut:
    """How many records are unique on `columns` in the whole file (decoys included), counted
    over the `real` records only. A missing value is a value too: it is what the linker sees."""
    frame = pd.DataFrame({c: table[c].to_pylist() for c in columns})
    group_ids = frame.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy()
    sizes = np.bincount(group_ids)[group_ids]
    mask = np.ones(len(frame), dtype=bool) if real is None else np.asarray(real, dtype=bool)
    by_group: dict[str, tuple[int, int]] = {}
    if groups is not None:
        labels = np.asarray(groups, dtype=object)
        for group in sorted(set(labels[mask].tolist())):
            members = mask & (labels == group)
            by_group[group] = (int((sizes[members] == 1).sum()), int(members.sum()))
    return SinglingOut(
        columns=tuple(columns),
        records=int(mask.sum()),
        unique=int((sizes[mask] == 1).sum()),
        below_five=int((sizes[mask] < 5).sum()),
        by_group=by_group,
    )


def birth_year_order(table: pa.Table) -> tuple[int, int, int]:
    """The years kept around estimated dates tell the linker which year tokens are 1, 2 or 3
    years apart: the tokens chain, and with one anchor (the age distribution) the birth year
    of every record on the chain is known. Returns (records on the largest chain, records
    with a year, distinct year tokens on it)."""
    years, has_year = token_array(table, layout.DOB_YEAR)
    parent: dict[int, int] = {}

    def root(token: int) -> int:
        parent.setdefault(token, token)
        while parent[token] != token:
            parent[token] = parent[parent[token]]
            token = parent[token]
        return token

    for column in layout.DOB_YEAR_NEAR.values():
        near, has_near = token_array(table, column)
        for a, b in zip(
            years[has_year & has_near].tolist(), near[has_year & has_near].tolist(), strict=True
        ):
            parent[root(a)] = root(b)
    known = years[has_year].tolist()
    chains = Counter(root(token) for token in known)
    if not chains:
        return 0, 0, 0
    largest, records = chains.most_common(1)[0]
    tokens = {token for token in set(known) if root(token) == largest}
    return records, len(known), len(tokens)
