"""Pattern mining of Bloom filters: bigram position sets mined and labelled (see `attacks`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from schakel.engine.linkage.attacks.scoring import Filters, _ranked
from schakel.engine.linkage.bloom import FILTER_BITS, bigrams

SPECIFICITY = 0.05


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
