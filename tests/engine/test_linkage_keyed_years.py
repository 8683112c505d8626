"""Format 6 keys the year tokens with the names: the date levels they make must not count the
names a second time (`engine/linkage/keyed_years.py`)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from schakel.engine.linkage import LinkageKey, encode_frame
from schakel.engine.linkage.identity_schema import IDENTITY_SCHEMA
from schakel.engine.linkage.keyed_years import years_keyed_with_names
from schakel.engine.linkage.splink_model import ModelOptions, SplinkScorer
from schakel.engine.synth import RegionParameters, generate_region

KEY = LinkageKey(b"the secret key of the keyed-years test")


@pytest.mark.slow
def test_date_levels_keyed_with_the_names_are_not_rare_among_namesakes() -> None:
    """u of "estimated, one year apart" is counted among pairs whose names agree. From random
    pairs it was the chance of both names and years agreeing (4.9e-5 on the 3,000-person
    region), and a namesake whose estimated date was a year off scored +11 on the date alone
    and was linked."""
    region = generate_region(RegionParameters(persons=600, seed=5))
    records = region.identity_records
    frame = pd.DataFrame(
        {
            "trajectory": [r.trajectory_key for r in records],
            "given_names": [r.given_names for r in records],
            "family_name": [r.family_name for r in records],
            "date_of_birth": [r.date_of_birth for r in records],
            "date_of_birth_estimated": [r.dob_estimated for r in records],
            "sex": [r.sex.value for r in records],
            "nationality": [r.nationality for r in records],
        }
    )
    for column in ("place_of_birth", "bsn", "v_number", "passport", "phone"):
        frame[column] = None
    table, _ = encode_frame(frame, IDENTITY_SCHEMA, KEY)
    assert years_keyed_with_names(table)
    scorer = SplinkScorer(table, options=ModelOptions(u_max_pairs=1e5))
    try:
        model = scorer.train().model
    finally:
        scorer.close()
    date = next(c for c in model["comparisons"] if c["output_column_name"] == "date_of_birth")
    u = {
        level["label_for_charts"]: level.get("u_probability", math.nan)
        for level in date["comparison_levels"]
    }
    assert u["estimated, one year apart"] > 1e-3, u
    assert u["estimated, same year"] > 1e-3, u
    assert u["same full date"] < 1e-3, u  # a real full date is not keyed: its u stays
