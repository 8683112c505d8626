"""The encoding schema for Schakel's own identity records, one row per trajectory.

Used by the in-installation linkage run and by the synthetic-region benchmark, so that what is
measured is what runs.
"""

from __future__ import annotations

from schakel.engine.linkage.schema import EncodingSchema

IDENTITY_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "sex",
    "nationality",
    "place_of_birth",
    "bsn",
    "v_number",
    "passport",
    "phone",
)

IDENTITY_SCHEMA = EncodingSchema.from_mapping(
    {
        "schema_version": 1,
        "id": "trajectory",
        "date_order": "ymd",
        "bad_dates": "missing",
        "roles": {field: field for field in IDENTITY_FIELDS},
    }
)
