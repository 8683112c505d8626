"""Columns of an encoded file: the only thing a source sends to the linker.

Everything is keyed: Bloom filters (bf_*), exact tokens (tk_*), date tokens (dob_*) and
blocking keys (bk_*), each a 64-bit HMAC token. No clear text, no key, no decoy flag.
"""

from __future__ import annotations

import pyarrow as pa

from schakel.engine.linkage.bloom import FILTER_TYPE
from schakel.engine.linkage.schema import Role

RECORD_ID = "record_id"
KEY_ID = "key_id"
ENCODING_COLUMN = "encoding"

BLOOM = {
    Role.GIVEN_NAMES: "bf_given_names",
    Role.FAMILY_NAME: "bf_family_name",
    Role.DATE_OF_BIRTH: "bf_date_of_birth",
    Role.PLACE_OF_BIRTH: "bf_place_of_birth",
    Role.ADDRESS: "bf_address",
    Role.LOCALITY: "bf_locality",
}
EXACT = {
    Role.SEX: "tk_sex",
    Role.NATIONALITY: "tk_nationality",
    Role.POSTCODE: "tk_postcode",
    Role.PHONE: "tk_phone",
    Role.BSN: "tk_bsn",
    Role.V_NUMBER: "tk_v_number",
    Role.PASSPORT: "tk_passport",
}
DOB_FULL = "dob_full"  # the whole date
DOB_SWAP = "dob_swap"  # the date with day and month exchanged (only when that is a date)
DOB_YEAR_MONTH = "dob_ym"
DOB_YEAR = "dob_y"
DOB_ESTIMATED = "dob_estimated"  # estimated, partial, or 1 January: agreement is weak
# Only for an estimated date: the tokens of the years around it (keyed as dob_y), so that an
# estimate one to three years off a real date still counts as agreeing a little.
DOB_YEAR_NEAR = {
    offset: f"dob_y_{'m' if offset < 0 else 'p'}{abs(offset)}" for offset in (-3, -2, -1, 1, 2, 3)
}
DOB_TOKENS = (DOB_FULL, DOB_SWAP, DOB_YEAR_MONTH, DOB_YEAR, *DOB_YEAR_NEAR.values())

# Blocking keys: coarse on purpose, used only to choose candidate pairs.
BK_DOB = "bk_dob"  # full date unless estimated (defaulted dates make huge blocks)
BK_NAME_SORTED = "bk_name_sorted"  # all name tokens sorted: swapped names agree
BK_GIVEN_YEAR = "bk_given_year"  # Soundex of first given name + birth year
BK_FAMILY_YEAR = "bk_family_year"  # Soundex of family name + birth year
BK_NAME_SOUND = "bk_name_sound"  # the two Soundex codes, sorted
BK_POSTCODE_GIVEN = "bk_postcode_given"  # postcode + given-name Soundex (shelters share postcodes)
BK_POSTCODE_FAMILY = "bk_postcode_family"  # postcode + family-name Soundex
BLOCKING_KEYS = (
    BK_DOB,
    BK_NAME_SORTED,
    BK_GIVEN_YEAR,
    BK_FAMILY_YEAR,
    BK_NAME_SOUND,
    BK_POSTCODE_GIVEN,
    BK_POSTCODE_FAMILY,
)
# Format 4: a keyed token of the record's salt (`schema.SALTS`), so that the linker can estimate
# u among pairs of one salt; null without a salt.
SALT_GROUP = "tk_salt"
TOKEN_COLUMNS = (*DOB_TOKENS, *EXACT.values(), *BLOCKING_KEYS, SALT_GROUP)


def arrow_schema() -> pa.Schema:
    """The encoded table's Arrow schema; CSV output writes filters as base64 text."""
    return pa.schema(
        [
            pa.field(RECORD_ID, pa.string(), nullable=False),
            pa.field(KEY_ID, pa.string(), nullable=False),
            pa.field(ENCODING_COLUMN, pa.string(), nullable=False),
            *(pa.field(name, FILTER_TYPE) for name in BLOOM.values()),
            *(pa.field(name, pa.int64()) for name in TOKEN_COLUMNS),
            pa.field(DOB_ESTIMATED, pa.bool_()),
        ]
    )
