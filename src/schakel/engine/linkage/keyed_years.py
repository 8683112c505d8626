"""u of the date levels only agreeing names can reach (format 6, `year_tokens = "names"`).

In format 6 the year, the year-month, the years around an estimate and an estimated full date
are keyed together with the Soundex codes of both names (`encode._year_with_names`): two
records meet on "estimated, one year apart" only when their names sound alike too. u from
random pairs is then the chance that the names agree *and* the years do (4.9e-5 on the
synthetic region at 3,000 persons, against 9e-3 among pairs whose names agree), and the name
comparison counts the same names again: a woman and her namesake, one date estimated a year
from the other, scored +11.1 on the date and +7.9 on the name, and were linked (one of the
two false pairs of that region). Fellegi-Sunter adds the weights as if the comparisons were
independent given a non-match; for these levels that holds only among pairs whose names
agree, so their u is counted there: random pairs (of one nationality, as the other u) whose
name filters reach the name comparison's top Dice band (`estimate_u_given_names`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_from_arrow
from schakel.engine.linkage.comparisons import NAME_BANDS, NAME_KEYED_DATE_LEVELS, SOUND_APART
from schakel.engine.linkage.dice import dice_pairs
from schakel.engine.linkage.files import encoded_option, name_noise_scale, token_array
from schakel.engine.linkage.schema import Role

if TYPE_CHECKING:
    from schakel.engine.linkage.splink_model import SplinkScorer

LOG = logging.getLogger(__name__)
DATE_OF_BIRTH = Role.DATE_OF_BIRTH.value  # the comparison's output column
# Random pairs drawn; about 0.4% of them agree on the names on the synthetic region.
DRAWS = 1_000_000
# Fewer name-agreeing pairs than this: the whole-file u is kept (too few to count).
LEAST_PAIRS = 200
# Half a pair for a level the pairs never reach, as for m (`confident_pairs.LABEL_PSEUDO_COUNT`).
PSEUDO_COUNT = 0.5


def years_keyed_with_names(table: pa.Table) -> bool:
    """Whether the file's year tokens carry the names (`year_tokens = "names"`)."""
    return encoded_option(table, "year") == "names"


def _name_agreeing(tables: list[pa.Table], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Which pairs reach the top Dice band on every name filter the files hold (in format 6
    one filter, the record's), and have a date of birth on both sides."""
    band = NAME_BANDS[0] * name_noise_scale(tables[0])
    keep = np.ones(len(left), dtype=bool)
    for role in (Role.GIVEN_NAMES, Role.FAMILY_NAME):
        filters = [filters_from_arrow(table[layout.BLOOM[role]]) for table in tables]
        if not all(present.any() for _, present in filters):
            continue
        keep &= dice_pairs(filters[0][0], filters[-1][0], left, right) >= band
    for table, rows in ((tables[0], left), (tables[-1], right)):
        keep &= token_array(table, layout.DOB_YEAR)[1][rows]
    return keep


def estimate_u_given_names(scorer: SplinkScorer, nationality: bool) -> int:
    """Set u of the name-keyed date levels to their share among random pairs whose names
    agree (of one nationality when `nationality`); the number of such pairs (0: too few,
    nothing changed).

    Some of these pairs are of one person (7% of 3,349 on the 3,000-person region; a fifth of
    those at "estimated, one year apart"): they raise u a little, which errs towards keeping
    people apart."""
    left, right = scorer.random_rows(DRAWS, layout.EXACT[Role.NATIONALITY] if nationality else None)
    keep = _name_agreeing(scorer._tables, left, right)
    count = int(keep.sum())
    LOG.info("%d random pairs with agreeing names for the name-keyed date levels", count)
    if count < LEAST_PAIRS:
        return 0
    pairs = scorer._pairs_frame(left[keep], right[keep])
    shares = scorer._label_shares(pairs, "name_agreeing_pairs").get(DATE_OF_BIRTH)
    if shares is None:
        return 0
    model = scorer.linker.misc.save_model_to_json()
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] != DATE_OF_BIRTH:
            continue
        levels = [c for c in comparison["comparison_levels"] if not c.get("is_null_level")]
        for level, share in zip(levels, shares, strict=True):
            if level["label_for_charts"] in NAME_KEYED_DATE_LEVELS:
                seen = float(share) * count if isinstance(share, int | float) else 0.0
                level["u_probability"] = max(seen, PSEUDO_COUNT) / count
    scorer.linker = scorer._new_linker(model)
    return count


# Random draws among pairs of one real date per file (with replacement: a small file has few
# such pairs; 100,000 records have about 140,000, of which a sample is enough).
DATE_DRAWS = 20_000
LEAST_DATE_PAIRS = 50


def _same_date_rows(
    table: pa.Table, draws: int, rng: np.random.Generator, nationality: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of distinct rows of one file with one real date (and one nationality)."""
    values, present = token_array(table, layout.BK_DOB)
    if nationality:
        national, known = token_array(table, layout.EXACT[Role.NATIONALITY])
        # One key for date and nationality: equal only when both are.
        pairs = np.stack([values, national], axis=1)
        values = np.unique(pairs, axis=0, return_inverse=True)[1].reshape(-1)
        present = present & known
    rows = np.flatnonzero(present)
    if len(rows) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = rows[np.argsort(values[rows], kind="stable")]
    keys = values[order]
    picked = rng.choice(rows, size=draws)
    start = np.searchsorted(keys, values[picked], side="left")
    stop = np.searchsorted(keys, values[picked], side="right")
    picks = order[start + (rng.random(draws) * (stop - start)).astype(np.int64)]
    keep = picks != picked
    return picked[keep], picks[keep]


def estimate_u_given_date(scorer: SplinkScorer, nationality: bool) -> int:
    """Set u of the name level `SOUND_APART` to its share among pairs of one real date within
    each file (of one nationality when `nationality`); the number of distinct such pairs (0:
    too few, nothing changed).

    The level is reached only by pairs whose dates agree, and the record filter holds the
    date's digits: among random pairs its share is the chance of one date *and* one name in
    common, which the date comparison has counted already (a few in 100,000), while about 1% of
    different people of one date reach it (FEBRL4, its victim-like corruption, the synthetic
    region). The pairs are drawn within each file: across two files to be linked most pairs of
    one date are pairs of one person (FEBRL4), and their share would be m, not u.
    Deduplicating, the file's own duplicates remain among them: a few reach the level, and
    raise u a little, which errs towards keeping people apart."""
    rng = np.random.default_rng(scorer.options.seed)
    frames = []
    for index, table in enumerate(scorer._tables):
        left, right = _same_date_rows(table, DATE_DRAWS, rng, nationality)
        ids = np.asarray(scorer._ids[index], dtype=object)
        first, second = ids[left], ids[right]
        swap = first > second  # the lower id left, as Splink expects
        first, second = np.where(swap, second, first), np.where(swap, first, second)
        source = "left" if index == 0 else "right"  # `splink_model.LEFT`, `RIGHT`
        frames.append(
            pd.DataFrame({"source_l": source, "id_l": first, "source_r": source, "id_r": second})
        )
    pairs = pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
    count = len(pairs)
    LOG.info("%d pairs of one date for the name level %r", count, SOUND_APART)
    if count < LEAST_DATE_PAIRS:
        return 0
    shares = scorer._label_shares(pairs, "same_date_pairs")
    model = scorer.linker.misc.save_model_to_json()
    changed = False
    for comparison in model["comparisons"]:
        name_shares = shares.get(comparison["output_column_name"])
        if name_shares is None:
            continue
        levels = [c for c in comparison["comparison_levels"] if not c.get("is_null_level")]
        for level, share in zip(levels, name_shares, strict=True):
            if level["label_for_charts"] == SOUND_APART:
                seen = float(share) * count if isinstance(share, int | float) else 0.0
                level["u_probability"] = max(seen, PSEUDO_COUNT) / count
                changed = True
    if changed:
        scorer.linker = scorer._new_linker(model)
    return count
