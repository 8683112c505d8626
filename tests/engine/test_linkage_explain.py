"""The reason for a link in levels: computed from the encodings, never returning them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from schakel.engine.linkage import EncodingSchema, LinkageKey, encode_frame, layout
from schakel.engine.linkage.explain import FIELDS, NAMES, agreement
from schakel.engine.linkage.keys import record_tokens
from schakel.engine.linkage.schema import DEFAULT_FLIP

KEY = LinkageKey(b"the secret key of the explain test, long enough")
SCHEMA = EncodingSchema.from_mapping(
    {"schema_version": 1, "id": "id", "flip": 0.0, "mix": "none", "year_tokens": "plain",
     "roles": {"given_names": "given", "family_name": "family", "sex": "sex",
               "date_of_birth": "dob", "nationality": "nationality"}}
)  # fmt: skip


def test_agreement_names_each_field_and_its_level() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "given": ["Annemarie", "Annemaria", "Petra"],
            "family": ["Haddad", "Haddad", "Jansen"],
            "sex": ["m", "m", None],
            "dob": ["1990-05-04", "1990-07-04", "1971-01-01"],
            "nationality": ["SY", "SY", "NL"],
        }
    )
    table, _ = encode_frame(frame, SCHEMA, KEY)
    row = {t: i for i, t in enumerate(table[layout.RECORD_ID].to_pylist())}
    a, b, c = (row[t] for t in record_tokens(KEY, ["a", "b", "c"]))
    same_person = agreement(table, a, b)
    assert list(same_person) == [role.value for role in FIELDS]
    assert same_person["family_name"] == "same"
    assert same_person["given_names"] in {"close", "similar"}
    assert same_person["date_of_birth"] == "same_year"
    assert same_person["sex"] == "same"
    assert same_person["nationality"] == "same"
    assert same_person["place_of_birth"] == "missing"
    other = agreement(table, a, c)
    assert other["family_name"] == "different"
    assert other["date_of_birth"] == "different"
    assert other["sex"] == "missing"
    assert other["nationality"] == "different"
    # With the default random bit flipping one name is nearly the same, not different.
    flipped, _ = encode_frame(frame, replace(SCHEMA, flip=DEFAULT_FLIP), KEY)
    row = {t: i for i, t in enumerate(flipped[layout.RECORD_ID].to_pylist())}
    a, b = (row[t] for t in record_tokens(KEY, ["a", "b"]))
    assert agreement(flipped, a, b)["family_name"] == "close"
    # Only field and level names: nothing of the encoding leaves.
    assert all(isinstance(v, str) and len(v) < 20 for v in same_person.values())


def test_a_mixed_name_filter_is_told_as_the_names_together() -> None:
    """Format 6: one filter holds the whole name (and the date's digits), so the reviewer reads
    one line for the names, never a given or family name level the file cannot tell apart."""
    frame = pd.DataFrame(
        {"id": ["a", "b"], "given": ["Annemarie", "Annemarie"], "family": ["Haddad", "Hadad"],
         "sex": "f", "dob": ["1990-05-04", "1990-05-04"], "nationality": "SY"}
    )  # fmt: skip
    mixed = replace(SCHEMA, flip=DEFAULT_FLIP, mix="record", year_tokens="names")
    table, _ = encode_frame(frame, mixed, KEY)
    row = {t: i for i, t in enumerate(table[layout.RECORD_ID].to_pylist())}
    a, b = (row[t] for t in record_tokens(KEY, ["a", "b"]))
    found = agreement(table, a, b)
    assert "given_names" not in found and "family_name" not in found
    assert found[NAMES] in {"close", "similar"}
    assert found["date_of_birth"] == "same"
