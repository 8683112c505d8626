"""From an extract's rows to normalised clear-text fields, and decoys made from them.

Everything here happens at the source, before hashing; nothing in these structures may leave it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import normalise as norm
from schakel.engine.linkage.dates import PartialDate, UnparseableDate, parse_date
from schakel.engine.linkage.schema import EncodingSchema, Role

T = TypeVar("T")
Tokens = tuple[str, ...]


class ExtractError(SchakelError):
    """The extract cannot be encoded; the message names the column and row, never a value."""


@dataclass(frozen=True)
class NormalisedRecords:
    """Normalised fields of a batch of records, one list entry per record."""

    source_ids: list[str | None]  # None marks a decoy
    given: list[Tokens]
    family: list[Tokens]
    dob: list[PartialDate | None]
    sex: list[str | None]
    nationality: list[str | None]
    place_of_birth: list[Tokens]
    address: list[Tokens]
    locality: list[Tokens]
    postcode: list[str | None]
    phone: list[str | None]
    bsn: list[str | None]
    v_number: list[str | None]
    passport: list[str | None]

    def __len__(self) -> int:
        return len(self.source_ids)

    def concat(self, other: NormalisedRecords) -> NormalisedRecords:
        return NormalisedRecords(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def _joined(frame: pd.DataFrame, columns: Sequence[str]) -> list[object]:
    """The role's columns joined with spaces; missing parts are skipped."""
    if len(columns) == 1:
        return list(frame[columns[0]])
    parts = zip(*(frame[column] for column in columns), strict=True)
    return [" ".join(str(p) for p in row if not norm.is_missing(p)) or None for row in parts]


def _mapped(values: list[object], function: Callable[[object], T]) -> list[T]:
    """Apply a normaliser once per distinct value: extracts repeat names and places a lot."""
    cache: dict[object, T] = {}
    out = []
    for value in values:
        key = value if isinstance(value, str) or value is None else repr(value)
        if key not in cache:
            cache[key] = function(value)
        out.append(cache[key])
    return out


def _dates(
    values: list[object],
    estimated: list[object] | None,
    schema: EncodingSchema,
    column: str,
    first_row: int,
) -> tuple[list[PartialDate | None], int]:
    out: list[PartialDate | None] = []
    dropped = 0
    for index, value in enumerate(values):
        if norm.is_missing(value):
            out.append(None)
            continue
        try:
            date = parse_date(value, schema.date_order)
        except UnparseableDate:
            if schema.bad_dates == "error":
                raise ExtractError(
                    f"Column {column!r}, row {first_row + index}: not a readable date of birth "
                    "(use for example 1990-05-31, 31-05-1990, 1990 or 00-00-1990)."
                ) from None
            dropped += 1
            out.append(None)
            continue
        if estimated is not None and _truthy(estimated[index]):
            date = replace(date, estimated=True)
        out.append(date)
    return out, dropped


def _truthy(value: object) -> bool:
    return not norm.is_missing(value) and str(value).strip().casefold() in {
        "1", "true", "yes", "ja", "j", "y", "x", "geschat", "estimated",
    }  # fmt: skip


def normalise_frame(
    frame: pd.DataFrame, schema: EncodingSchema, first_row: int = 1
) -> tuple[NormalisedRecords, int]:
    """Normalise one chunk; returns the records and the number of unreadable dates dropped."""

    def column(role: Role) -> list[object]:
        names = schema.roles.get(role)
        return _joined(frame, names) if names else [None] * len(frame)

    def tokens(role: Role, function: Callable[[object], list[str]]) -> list[Tokens]:
        return _mapped(column(role), lambda value: tuple(function(value)))

    dob_columns = schema.roles.get(Role.DATE_OF_BIRTH)
    estimated_columns = schema.roles.get(Role.DATE_OF_BIRTH_ESTIMATED)
    dob, dropped = _dates(
        column(Role.DATE_OF_BIRTH),
        column(Role.DATE_OF_BIRTH_ESTIMATED) if estimated_columns else None,
        schema,
        dob_columns[0] if dob_columns else "",
        first_row,
    )
    records = NormalisedRecords(
        source_ids=[str(value) for value in frame[schema.id_column]],
        given=tokens(Role.GIVEN_NAMES, norm.given_name_tokens),
        family=tokens(Role.FAMILY_NAME, norm.family_name_tokens),
        dob=dob,
        sex=_mapped(column(Role.SEX), norm.normalise_sex),
        nationality=_mapped(column(Role.NATIONALITY), norm.normalise_code),
        place_of_birth=tokens(Role.PLACE_OF_BIRTH, norm.text_tokens),
        address=tokens(Role.ADDRESS, norm.text_tokens),
        locality=tokens(Role.LOCALITY, norm.text_tokens),
        postcode=_mapped(column(Role.POSTCODE), norm.normalise_postcode),
        phone=_mapped(column(Role.PHONE), norm.normalise_phone),
        bsn=_mapped(column(Role.BSN), norm.normalise_bsn),
        v_number=_mapped(column(Role.V_NUMBER), norm.normalise_document_number),
        passport=_mapped(column(Role.PASSPORT), norm.normalise_document_number),
    )
    return records, dropped


# Fields drawn together for a decoy, so that each group stays internally plausible.
_DECOY_GROUPS = (
    ("given",),
    ("family",),
    ("dob",),
    ("sex",),
    ("nationality",),
    ("place_of_birth",),
    ("address", "locality", "postcode"),
)
_DECOY_RANDOM = ("phone", "bsn", "v_number", "passport")


def make_decoys(records: NormalisedRecords, count: int) -> NormalisedRecords:
    """Fake records whose every field is a real value from a different random record.

    Each field keeps its real frequency distribution, so frequency and pattern-mining attacks
    cannot tell decoys from real records; identifiers are random (present as often as in the
    real records) so a decoy never shares an exact identifier with a real person. Randomness
    comes from the operating system: the linker must not be able to reproduce it.
    """
    if count <= 0 or len(records) == 0:
        return NormalisedRecords(**{f.name: [] for f in fields(NormalisedRecords)})
    rng = np.random.default_rng(secrets.randbits(128))
    values: dict[str, list[object]] = {"source_ids": [None] * count}
    for group in _DECOY_GROUPS:
        rows = rng.integers(0, len(records), count)
        for name in group:
            column = getattr(records, name)
            values[name] = [column[row] for row in rows]
    for name in _DECOY_RANDOM:
        column = getattr(records, name)
        rows = rng.integers(0, len(records), count)
        values[name] = [None if column[row] is None else secrets.token_hex(8) for row in rows]
    return NormalisedRecords(**values)  # type: ignore[arg-type]
