"""Why two encoded records were linked, in levels a reviewer may read.

For a possible return the reviewer needs to know which fields agreed and how closely, not the
encodings and not the other organisation's names. `agreement` computes that from the encoded
file itself (Dice of the Bloom filters, equality of the keyed tokens), with the thresholds of
the model's comparison levels (`comparisons.py`: Dice >= 0.85 and >= 0.7; with random bit
flipping read against the Dice two copies of one name reach, so one name is "nearly the
same", never "the same"). It returns field names and level names only: never a filter, a
token or a value.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_from_arrow, flipped_dice, popcounts
from schakel.engine.linkage.files import encoded_flip, encoded_mix, token_array
from schakel.engine.linkage.schema import Role

CLOSE = 0.85
SIMILAR = 0.7


class Level(StrEnum):
    SAME = "same"
    CLOSE = "close"  # Dice >= 0.85
    SIMILAR = "similar"  # Dice >= 0.7
    SAME_YEAR_MONTH = "same_year_month"
    SAME_YEAR = "same_year"
    NEAR_YEAR = "near_year"  # an estimated date within three years of the other
    SWAPPED = "swapped"  # day and month exchanged
    DIFFERENT = "different"
    MISSING = "missing"  # absent in one or both records


# The fields a reviewer is told about, in this order.
FILTER_FIELDS = (Role.GIVEN_NAMES, Role.FAMILY_NAME, Role.PLACE_OF_BIRTH)
TOKEN_FIELDS = (Role.SEX, Role.NATIONALITY)
FIELDS = (Role.GIVEN_NAMES, Role.FAMILY_NAME, Role.DATE_OF_BIRTH, *FILTER_FIELDS[2:],
          *TOKEN_FIELDS)  # fmt: skip


def _filter_level(table: pa.Table, role: Role, a: int, b: int) -> Level:
    filters, present = filters_from_arrow(table[layout.BLOOM[role]].take([a, b]))
    if not (present[0] and present[1]):
        return Level.MISSING
    if np.array_equal(filters[0], filters[1]):
        return Level.SAME
    counts = popcounts(filters)
    common = int(np.bitwise_count(filters[0] & filters[1]).sum())
    dice = 2.0 * common / max(int(counts[0]) + int(counts[1]), 1)
    if role in (Role.GIVEN_NAMES, Role.FAMILY_NAME):  # BLIP flips only the name filters
        dice /= flipped_dice(encoded_flip(table), (int(counts[0]) + int(counts[1])) / 2)
    if dice >= CLOSE:
        return Level.CLOSE
    return Level.SIMILAR if dice >= SIMILAR else Level.DIFFERENT


def _token(table: pa.Table, column: str, row: int) -> int | None:
    values, has = token_array(table.slice(row, 1), column)
    return int(values[0]) if has[0] else None


def _date_level(table: pa.Table, a: int, b: int) -> Level:
    if _token(table, layout.DOB_YEAR, a) is None or _token(table, layout.DOB_YEAR, b) is None:
        return Level.MISSING
    for column, level in (
        (layout.DOB_FULL, Level.SAME),
        (layout.DOB_YEAR_MONTH, Level.SAME_YEAR_MONTH),
        (layout.DOB_YEAR, Level.SAME_YEAR),
    ):
        left, right = _token(table, column, a), _token(table, column, b)
        if left is not None and left == right:
            return level
    swapped = _token(table, layout.DOB_SWAP, a)
    if swapped is not None and swapped == _token(table, layout.DOB_FULL, b):
        return Level.SWAPPED
    years = {_token(table, layout.DOB_YEAR, a), _token(table, layout.DOB_YEAR, b)}
    for column in layout.DOB_YEAR_NEAR.values():
        near = {_token(table, column, a), _token(table, column, b)} - {None}
        if near & years:
            return Level.NEAR_YEAR
    return Level.DIFFERENT


# Format 6 with mixed name filters: one filter holds the whole name (and the date's digits),
# so the reviewer is told about the names together.
NAMES = "names"


def _is_mixed(table: pa.Table) -> bool:
    return encoded_mix(table) != "none"


def agreement(table: pa.Table, a: int, b: int) -> dict[str, str]:
    """Field (role name, or "names" for a mixed name filter) -> level name for the records at
    rows `a` and `b` of `table`."""
    out: dict[str, str] = {}
    mixed = _is_mixed(table)
    for role in FIELDS:
        if mixed and role in (Role.GIVEN_NAMES, Role.FAMILY_NAME):
            if role is Role.GIVEN_NAMES:
                out[NAMES] = _filter_level(table, role, a, b).value
        elif role is Role.DATE_OF_BIRTH:
            out[role.value] = _date_level(table, a, b).value
        elif role in FILTER_FIELDS:
            out[role.value] = _filter_level(table, role, a, b).value
        else:
            left = _token(table, layout.EXACT[role], a)
            right = _token(table, layout.EXACT[role], b)
            if left is None or right is None:
                out[role.value] = Level.MISSING.value
            else:
                out[role.value] = (Level.SAME if left == right else Level.DIFFERENT).value
    return out
