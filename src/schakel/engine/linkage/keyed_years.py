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
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_from_arrow
from schakel.engine.linkage.comparisons import NAME_BANDS, NAME_KEYED_DATE_LEVELS
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
