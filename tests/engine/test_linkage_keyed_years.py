"""Format 6 keys the year tokens with the names: the date levels they make must not count the
names a second time (`engine/linkage/keyed_years.py`)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from schakel.engine.linkage import EncodingSchema, LinkageKey, encode_frame
from schakel.engine.linkage.comparisons import SOUND_APART
from schakel.engine.linkage.identity_schema import IDENTITY_SCHEMA
from schakel.engine.linkage.keyed_years import estimate_u_given_date, years_keyed_with_names
from schakel.engine.linkage.schema import Role
from schakel.engine.linkage.splink_model import ModelOptions, SplinkScorer
from schakel.engine.synth import RegionParameters, generate_region

KEY = LinkageKey(b"the secret key of the keyed-years test")
RECORD_FILTERS = EncodingSchema.from_mapping(
    {
        "schema_version": 1,
        "id": "id",
        "date_order": "ymd",
        "mix": "record",
        "year_tokens": "names",
        "flip": 0.15,
        "roles": {
            "given_names": "given",
            "date_of_birth": "born",
            "date_of_birth_estimated": "estimated",
        },
    }
)


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


def test_one_name_in_common_on_one_date_is_counted_among_pairs_of_one_date() -> None:
    """u of the name level "same date, names sound different" is its share among pairs of one
    date: from random pairs it was the chance of one date *and* one name in common, and the
    date comparison counts the date already (synthetic region: two women with one given name,
    born the same day, linked at p 0.9998). Here many people share a given name and a date."""
    given = ("Emma", "Sven", "Lotte", "Daan")
    family = [
        f"{a}{b}" for a in ("Bak", "Dor", "Gul", "Kem", "Mol", "Pir", "Tus", "Zan") for b in "aeiou"
    ]
    frame = pd.DataFrame(
        [
            (f"{i}", given[i % 4], family[i % len(family)], f"19{70 + i % 8}-0{1 + i % 8}-12", "")
            for i in range(320)
        ],
        columns=["id", "given", "family", "born", "estimated"],
    )
    schema = replace(RECORD_FILTERS, roles={**RECORD_FILTERS.roles, Role.FAMILY_NAME: ("family",)})
    table, _ = encode_frame(frame, schema, KEY)
    scorer = SplinkScorer(table, options=ModelOptions(u_max_pairs=1e5))
    try:
        count = estimate_u_given_date(scorer, nationality=False)
        model = scorer.linker.misc.save_model_to_json()
    finally:
        scorer.close()
    names = next(c for c in model["comparisons"] if c["output_column_name"] == "given_names")
    u = {
        level["label_for_charts"]: level.get("u_probability")
        for level in names["comparison_levels"]
    }
    assert count >= 1000, count
    assert u[SOUND_APART] > 0.01, u


def test_a_session_with_nothing_left_to_estimate_is_skipped_not_an_error() -> None:
    """Splink leaves out of an EM session every comparison that reads a column its blocking
    rule reads. With the level `SOUND_APART` the name comparisons read the date columns, so on
    a file of names and dates only the same-date session has nothing left to estimate; Splink
    then failed in its own SQL (`link match` stopped at "training"). The session is skipped and
    the names' session trains."""
    given = ("Emma", "Sven", "Lotte", "Daan", "Noor", "Milan")
    family = [f"{a}{b}" for a in ("Bak", "Dor", "Gul", "Kem", "Mol") for b in "aeiou"]
    rows = [
        (f"{i}", given[i % 6], family[i % len(family)], f"19{70 + i % 9}-0{1 + i % 9}-1{i % 8}", "")
        for i in range(300)
    ]
    frame = pd.DataFrame(rows + rows[:60], columns=["id", "given", "family", "born", "estimated"])
    frame["id"] = [str(i) for i in range(len(frame))]
    schema = replace(RECORD_FILTERS, roles={**RECORD_FILTERS.roles, Role.FAMILY_NAME: ("family",)})
    table, _ = encode_frame(frame, schema, KEY)
    scorer = SplinkScorer(table, options=ModelOptions(u_max_pairs=1e5))
    try:
        by_date, by_names = scorer.options.em_rules
        assert scorer.estimable_in_session(by_date) == []
        assert "date_of_birth" in scorer.estimable_in_session(by_names)
        report = scorer.train()
    finally:
        scorer.close()
    assert {"given_names", "date_of_birth"} <= set(report.comparisons)
