"""m from pairs taken as labels, and the prior the model's own predictions imply.

Unsupervised training gets some m values wrong (ADR 0032): residence, names and date of birth
are then counted among the candidate pairs the other comparisons make near-certain
(`train_on_confident_pairs`), and the date of birth among identifier-labelled pairs
(`set_smoothed_m`, used by `splink_model`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from copy import deepcopy
from typing import TYPE_CHECKING, Any

import numpy as np

from schakel.engine.linkage.candidates import CandidatePairs

if TYPE_CHECKING:
    from schakel.engine.linkage.splink_model import SplinkScorer

LOG = logging.getLogger(__name__)
LABEL_PSEUDO_COUNT = 0.5


def train_on_confident_pairs(
    scorer: SplinkScorer,
    candidates: CandidatePairs,
    targets: Collection[str],
    label: str,
    least: int | None = None,
) -> int:
    """m of the comparisons `targets` from the candidate pairs the other comparisons alone
    make near-certain matches (match probability >= `confident_probability`).

    Residence (`RESIDENCE`): unsupervised, EM can make "same residence" the match class.
    Three correlated residence comparisons (address, locality, postcode) against one
    mixed, flipped name filter (format 6) let it split the pairs on residence: on the
    5,000 x 5,000 diagnosis files m(address identical) came out 1.0 and m(locality differs)
    1.3e-29, so every true pair whose person had moved lost 13-370 bits per field, while
    about 40% of those people had moved. Scored with the residence comparisons set to
    weight 0 (m = u), the pairs that names, date and the rest make certain show how often
    one person's residence differs between two registrations; moving does not depend on
    the name or the date of birth, so those pairs are a fair sample of the matches for it.
    Half a pair per level keeps a level these pairs never reach finite.

    Comparisons no EM session trained (the names in format 6, when the same-date session
    fails) get their m the same way, from the pairs the trained comparisons decide.
    Returns the number of confident pairs (0: fewer than `least`, by default
    `min_confident_pairs`; nothing changed).
    """
    model = scorer.linker.misc.save_model_to_json()
    present = {c["output_column_name"] for c in model["comparisons"]}
    neutral = set(targets) & present
    if not neutral:
        return 0
    scoring = deepcopy(model)
    for comparison in scoring["comparisons"]:
        name = comparison["output_column_name"]
        if name in neutral or name in untrained_comparisons(model):
            for level in comparison["comparison_levels"]:
                if not level.get("is_null_level"):
                    level["m_probability"] = level.get("u_probability", 1.0)
    trained_linker = scorer.linker
    scorer.linker = scorer._new_linker(scoring)
    try:
        scored = scorer._predict(candidates.left, candidates.right, f"{label}_blocked")
    finally:
        scorer.linker = trained_linker
    weights = scored["match_weight"].to_numpy()
    prior = recalibrated_prior(weights, model["probability_two_random_records_match"], scorer)
    shift = logit2(prior) - logit2(model["probability_two_random_records_match"])
    sure = probability(weights + shift) >= scorer.options.confident_probability
    count = int(sure.sum())
    LOG.info("%s: %d confident pairs for %s", label, count, sorted(neutral))
    if count < (scorer.options.min_confident_pairs if least is None else least):
        return 0
    rows = scored.loc[sure, ["left", "right"]].to_numpy(dtype=np.int64)
    pairs = scorer._pairs_frame(rows[:, 0], rows[:, 1])
    shares = scorer._label_shares(pairs, f"{label}_pairs")
    updated = deepcopy(model)
    for comparison in updated["comparisons"]:
        name = comparison["output_column_name"]
        if name not in neutral or name not in shares:
            continue
        values = [v if isinstance(v, int | float) else 0.0 for v in shares[name]]
        if sum(values) <= 0:
            continue
        set_smoothed_m(comparison, values, count)
    scorer.linker = scorer._new_linker(updated)
    return count


def set_smoothed_m(comparison: dict[str, Any], proportions: list[float], observed: int) -> None:
    """Date of birth m from identifier-labelled pairs only, with half a pair added per level
    (also used for the m values from confident pairs, `train_on_confident_pairs`).

    Unsupervised, the date of birth is trained only by EM on the sorted-name block, and where
    different people often share a name (small name pools per nationality) EM takes "same
    name" for "same person": the m values then copy the u values, and a different date of
    birth costs nothing (-0.05). Labelled pairs know better; the half pair keeps a level the
    labels never reach (a plainly different date) strongly negative but finite.
    """
    levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
    counts = [p * observed + LABEL_PSEUDO_COUNT for p in proportions]
    total = sum(counts)
    for level, count in zip(levels, counts, strict=True):
        level["m_probability"] = count / total


def untrained_comparisons(model: dict[str, Any]) -> set[str]:
    """Comparisons whose non-null levels no training session gave an m value."""
    return {
        comparison["output_column_name"]
        for comparison in model["comparisons"]
        if not any(
            "m_probability" in level
            for level in comparison["comparison_levels"]
            if not level.get("is_null_level")
        )
    }


def logit2(probability: float) -> float:
    return float(np.log2(probability / (1.0 - probability)))


def probability(weights: np.ndarray) -> np.ndarray:
    # Clipped: a strongly negative weight would overflow exp2 (the probability is 0 anyway).
    return 1.0 / (1.0 + np.exp2(-np.clip(weights, -1000.0, 1000.0)))


def recalibrated_prior(weights: np.ndarray, prior: float, scorer: SplinkScorer) -> float:
    """The prior match probability that agrees with the model's own predictions.

    The deterministic-rule estimate depends on a guessed recall; here the prior becomes the
    expected number of matches among the candidates (the sum of their match probabilities)
    divided by all possible pairs, iterated to a fixed point: the EM update of lambda, with
    candidates standing in for all pairs (they hold nearly all true matches). It is capped at
    one match per record of the smaller file.
    """
    possible = scorer.possible_pairs()
    smaller = min(table.num_rows for table in scorer._tables)
    ceiling = smaller / possible
    current = prior
    for _ in range(100):
        shift = logit2(current) - logit2(prior)
        updated = min(float(probability(weights + shift).sum()) / possible, ceiling)
        updated = max(updated, 1.0 / possible)
        if abs(updated - current) <= 1e-6 * current:
            return updated
        current = updated
    return current
