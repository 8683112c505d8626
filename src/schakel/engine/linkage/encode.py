"""Encoding at the source: an extract in, a keyed table for the linker out.

    report = encode_file("clients.csv", load_schema("schema.toml"), "clients.parquet",
                         key=load_key("linkage.key"), decoy_fraction=0.25,
                         decoys_out="clients.decoys.txt")

The key is read by the caller and never written. Decoy ids go to a separate file that stays at
the source: after linking, the source drops every link that involves one of them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import layout
from schakel.engine.linkage import normalise as norm
from schakel.engine.linkage.bloom import BloomEncoder, filters_to_arrow
from schakel.engine.linkage.dates import PartialDate
from schakel.engine.linkage.files import (
    LinkageFileError,
    ProgressCallback,
    atomic_path,
    file_kind,
    read_extract,
    write_table,
)
from schakel.engine.linkage.keys import LinkageKey, Tokeniser, record_tokens
from schakel.engine.linkage.records import (
    ExtractError,
    NormalisedRecords,
    Tokens,
    make_decoys,
    normalise_frame,
)
from schakel.engine.linkage.schema import EncodingSchema, Role

CHUNK_ROWS = 50_000
_TOKEN_PURPOSE = {
    layout.DOB_SWAP: layout.DOB_FULL,
    layout.BK_DOB: layout.DOB_FULL,
    **{column: layout.DOB_YEAR for column in layout.DOB_YEAR_NEAR.values()},
}


@dataclass(frozen=True)
class EncodeReport:
    """What an encoding run did; safe to log (no values, no key)."""

    records: int
    decoys: int
    key_id: str
    encoding: str
    unreadable_dates: int
    seconds: float
    decoy_ids: tuple[str, ...] = ()

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else float("inf")


class _Encoders:
    """Keyed encoders for one run; their caches hold derived positions, never clear text."""

    def __init__(self, key: LinkageKey, schema: EncodingSchema) -> None:
        self.tokens = Tokeniser(key)
        hashing = schema.bloom_hashing
        self.bloom = {
            Role.GIVEN_NAMES: BloomEncoder(key, "name", schema.hashes(Role.GIVEN_NAMES), hashing),
            Role.FAMILY_NAME: BloomEncoder(key, "name", schema.hashes(Role.FAMILY_NAME), hashing),
            **{
                role: BloomEncoder(key, role.value, schema.hashes(role), hashing)
                for role in (Role.DATE_OF_BIRTH, Role.PLACE_OF_BIRTH, Role.ADDRESS, Role.LOCALITY)
            },
        }


def _date_keys(dob: list[PartialDate | None]) -> dict[str, list[str | None]]:
    """Keyed-date inputs: full date, day/month swapped, year-month (not of a 1 January
    default: its month is not known), year, the years around an estimate, blocking date."""
    keys: dict[str, list[str | None]] = {name: [] for name in (*layout.DOB_TOKENS, layout.BK_DOB)}
    for date in dob:
        full = swap = year_month = year = None
        if date is not None:
            year = str(date.year)
            if date.month is not None:
                if not date.is_first_of_january:
                    year_month = f"{date.year}-{date.month}"
                if date.day is not None:
                    full = f"{date.year}-{date.month}-{date.day}"
                    if date.day <= 12 and date.day != date.month:
                        swap = f"{date.year}-{date.day}-{date.month}"
        keys[layout.DOB_FULL].append(full)
        keys[layout.DOB_SWAP].append(swap)
        keys[layout.DOB_YEAR_MONTH].append(year_month)
        keys[layout.DOB_YEAR].append(year)
        estimated = date is not None and date.estimated
        for offset, column in layout.DOB_YEAR_NEAR.items():
            keys[column].append(str(date.year + offset) if date is not None and estimated else None)
        keys[layout.BK_DOB].append(full if date is not None and not estimated else None)
    return keys


def _year_with_names(
    keys: dict[str, list[str | None]], records: NormalisedRecords
) -> dict[str, list[str | None]]:
    """The tokens that carry the year without the day (the year, the years around an
    estimate, the year-month) keyed together with the record's Soundex codes (sorted, so
    swapped names agree): equal years of different people give different tokens, so the
    token counts are not the year counts (format 6, ADR 0028). A real full date stays as it
    is: it is rare, and it is the evidence that survives a changed or transliterated name."""
    sounds = [
        " ".join(sorted(c for c in (_sound(g), _sound(f)) if c)) or "-"
        for g, f in zip(records.given, records.family, strict=True)
    ]
    columns = (layout.DOB_YEAR, layout.DOB_YEAR_MONTH, *layout.DOB_YEAR_NEAR.values())
    out = dict(keys)
    for column in columns:
        out[column] = [
            None if value is None else f"{value}\x1d{sound}"
            for value, sound in zip(keys[column], sounds, strict=True)
        ]
    # An estimated full date (a 1 January default, one of the most frequent full dates) is a
    # year too. A flagged estimate therefore meets the same real date only as "same year".
    out[layout.DOB_FULL] = [
        f"{value}\x1d{sound}" if value is not None and date is not None and date.estimated
        else value
        for value, sound, date in zip(keys[layout.DOB_FULL], sounds, records.dob, strict=True)
    ]  # fmt: skip
    return out


def _name_tokens(records: NormalisedRecords, mix: str) -> tuple[Sequence[Tokens], Sequence[Tokens]]:
    """Token lists of the given-name and family-name filters (`schema.MIXES`). Mixed, the
    given-name filter is the record's name filter (with the date's digits, "record") and the
    family-name filter stays empty: two columns of one content would count the same evidence
    twice."""
    if mix == "none":
        return records.given, records.family
    mixed: list[Tokens] = []
    for given, family, date in zip(records.given, records.family, records.dob, strict=True):
        names = (*given, *family)
        if names and date is not None and mix == "record":
            mixed.append((*names, date.digits))
        else:
            mixed.append(names)
    return mixed, [()] * len(mixed)


def _name_keys_with_year(
    keys: dict[str, list[str | None]], records: NormalisedRecords
) -> dict[str, list[str | None]]:
    """Mixed filters (format 6): the blocking keys made of the names alone (all tokens
    sorted; the two Soundex codes) keyed together with the year of birth, or missing without
    one, so that a frequent name is not one frequent token."""
    out = dict(keys)
    for column in (layout.BK_NAME_SORTED, layout.BK_NAME_SOUND):
        out[column] = [
            None if value is None or date is None else f"{value}\x1d{date.year}"
            for value, date in zip(keys[column], records.dob, strict=True)
        ]
    return out


def _sound(tokens: Tokens) -> str | None:
    return norm.soundex(tokens[0]) if tokens else None


def _blocking_keys(records: NormalisedRecords) -> dict[str, list[str | None]]:
    sorted_names, given_year, family_year, name_sound = [], [], [], []
    postcode_given, postcode_family = [], []
    for given, family, dob, postcode in zip(
        records.given, records.family, records.dob, records.postcode, strict=True
    ):
        given_code, family_code = _sound(given), _sound(family)
        year = str(dob.year) if dob else None
        sorted_names.append(norm.sorted_name_key(given, family))
        given_year.append(f"{given_code} {year}" if given_code and year else None)
        family_year.append(f"{family_code} {year}" if family_code and year else None)
        codes = sorted(c for c in (given_code, family_code) if c)
        name_sound.append(" ".join(codes) if len(codes) == 2 else None)
        postcode_given.append(f"{postcode} {given_code}" if postcode and given_code else None)
        postcode_family.append(f"{postcode} {family_code}" if postcode and family_code else None)
    return {
        layout.BK_NAME_SORTED: sorted_names,
        layout.BK_GIVEN_YEAR: given_year,
        layout.BK_FAMILY_YEAR: family_year,
        layout.BK_NAME_SOUND: name_sound,
        layout.BK_POSTCODE_GIVEN: postcode_given,
        layout.BK_POSTCODE_FAMILY: postcode_family,
    }


# Tokens that stay unsalted: identifiers are unique anyway, and the model conditions u on
# nationality and compares sex, postcode and phone across the whole file.
_UNSALTED = {*layout.EXACT.values(), layout.SALT_GROUP}


def _salts(records: NormalisedRecords, kind: str) -> list[str] | None:
    """Each record's salt (format 4): the same for the same person in most records, so the
    linker compares like with like, but different for most different people, so a bigram has
    other positions in other records and an equal name gives other filters."""
    if kind == "none":
        return None
    if kind == "sex":
        return [value or "-" for value in records.sex]
    if kind == "year":
        return ["-" if date is None else str(date.year) for date in records.dob]
    salts: list[str] = []
    for given, family in zip(records.given, records.family, strict=True):
        if kind == "initials":
            codes = [tokens[0][:1] if tokens else "-" for tokens in (given, family)]
        else:
            codes = [_sound(tokens) or "-" for tokens in (given, family)]
        salts.append(" ".join(sorted(codes)))
    return salts


def _record_ids(key: LinkageKey, source_ids: list[str | None]) -> list[str]:
    """Keyed ids for real records, random ids of the same shape for decoys."""
    real = record_tokens(key, [value for value in source_ids if value is not None])
    found = iter(real)
    return [next(found) if value is not None else secrets.token_hex(8) for value in source_ids]


def encode_records(
    records: NormalisedRecords, key: LinkageKey, schema: EncodingSchema, encoders: _Encoders
) -> pa.Table:
    """Keyed encoding of normalised records, in the layout of `layout.arrow_schema()`."""
    count = len(records)
    columns: dict[str, pa.Array] = {
        layout.RECORD_ID: pa.array(_record_ids(key, records.source_ids), pa.string()),
        layout.KEY_ID: pa.array([key.key_id] * count, pa.string()),
        layout.ENCODING_COLUMN: pa.array([schema.fingerprint] * count, pa.string()),
    }
    # Year-free tokens (format 6): the date filter is left empty. Its digit bigrams are a
    # hundred, set the same positions in every filter and can be mined back to the date; the
    # similarity of two dates is in the record-level name filter instead (mix "record").
    dates: list[Tokens] = [
        (d.digits,) if d and schema.year_tokens == "plain" else () for d in records.dob
    ]
    given, family = _name_tokens(records, schema.mix)
    token_lists: dict[Role, Sequence[Tokens]] = {
        Role.GIVEN_NAMES: given,
        Role.FAMILY_NAME: family,
        Role.DATE_OF_BIRTH: dates,
        Role.PLACE_OF_BIRTH: records.place_of_birth,
        Role.ADDRESS: records.address,
        Role.LOCALITY: records.locality,
    }
    salts = _salts(records, schema.salt)
    for role, token_list in token_lists.items():
        flip = schema.flip if role in (Role.GIVEN_NAMES, Role.FAMILY_NAME) else 0.0
        seeds = None
        if flip > 0.0:
            # Keyed per record and field (a purpose the file never carries): the same record
            # gets the same flips in every run, equal names in other records other flips.
            # Decoys (no source id) get fresh randomness, like their ids.
            ids = [None if v is None else f"{v}\x1f{role.value}" for v in records.source_ids]
            keyed = encoders.tokens.tokens("blip", ids)
            seeds = [
                secrets.randbits(63) if v is None else int(t)
                for v, t in zip(ids, keyed, strict=True)
            ]
        filters, present = encoders.bloom[role].encode(token_list, salts, flip, seeds)
        columns[layout.BLOOM[role]] = filters_to_arrow(filters, present)
    date_keys = _date_keys(records.dob)
    if schema.year_tokens == "names":
        date_keys = _year_with_names(date_keys, records)
    blocking = _blocking_keys(records)
    if schema.mix != "none":
        blocking = _name_keys_with_year(blocking, records)
    if schema.year_tokens == "names":
        # Soundex + year keys chain the records of one year through shared names (one given
        # name, then one family name ...) until a year is one group: not written. A changed
        # family name with the same real date still meets through the date key.
        blocking[layout.BK_GIVEN_YEAR] = blocking[layout.BK_FAMILY_YEAR] = [None] * count
    plain: dict[str, list[str | None]] = {
        **date_keys,
        **blocking,
        **{column: getattr(records, role.value) for role, column in layout.EXACT.items()},
        layout.SALT_GROUP: list(salts) if salts is not None else [None] * count,
    }
    for column, values in plain.items():
        # A swapped date must produce the token of the same date written the right way round,
        # the date blocking key the token of the full date, a year near an estimate the token
        # of that year.
        purpose = _TOKEN_PURPOSE.get(column, column)
        if salts is not None and column not in _UNSALTED:
            values = [
                None if value is None else f"{salt}\x1f{value}"
                for value, salt in zip(values, salts, strict=True)
            ]
        columns[column] = pa.array(encoders.tokens.tokens(purpose, values))
    estimated = [None if d is None else d.estimated for d in records.dob]
    columns[layout.DOB_ESTIMATED] = pa.array(estimated, pa.bool_())
    schema_arrow = layout.arrow_schema()
    return pa.table([columns[field.name] for field in schema_arrow], schema=schema_arrow)


def _check_extract(frame: pd.DataFrame, schema: EncodingSchema, name: str) -> None:
    """Refuse an extract before any work: missing columns, missing or duplicate ids."""
    missing = [column for column in schema.source_columns() if column not in frame.columns]
    if missing:
        roles = [
            f"{column!r} ({'id' if column == schema.id_column else _role_of(schema, column)})"
            for column in missing
        ]
        raise ExtractError(
            f"{name}: the schema names columns the extract lacks: {', '.join(roles)}."
        )
    ids = frame[schema.id_column]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1
        raise ExtractError(f"{name}: column {schema.id_column!r}, row {row}: the id is missing.")
    duplicated = ids.astype(str).duplicated(keep=False).to_numpy()
    if duplicated.any():
        rows = [str(r + 1) for r in np.flatnonzero(duplicated)[:5]]
        raise ExtractError(
            f"{name}: column {schema.id_column!r} has duplicate ids (rows {', '.join(rows)})."
        )


def _role_of(schema: EncodingSchema, column: str) -> str:
    return ", ".join(role.value for role, names in schema.roles.items() if column in names)


def encode_frame(
    frame: pd.DataFrame,
    schema: EncodingSchema,
    key: LinkageKey,
    *,
    decoy_fraction: float = 0.0,
    progress: ProgressCallback | None = None,
    name: str = "extract",
) -> tuple[pa.Table, EncodeReport]:
    """Encode an extract held in memory; rows are returned sorted by their keyed id, which
    hides the source's order and where the decoys are."""
    if not 0.0 <= decoy_fraction <= 1.0:
        raise SchakelError("decoy_fraction must be between 0 and 1")
    if frame.empty:
        raise ExtractError(f"{name} has no records.")
    _check_extract(frame, schema, name)
    began = time.perf_counter()
    encoders = _Encoders(key, schema)
    parts, decoy_ids, unreadable = [], [], 0
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        records, dropped = normalise_frame(chunk, schema, first_row=start + 1)
        unreadable += dropped
        decoys = make_decoys(records, round(decoy_fraction * len(records)))
        encoded = encode_records(records.concat(decoys), key, schema, encoders)
        decoy_ids.extend(encoded[layout.RECORD_ID].to_pylist()[len(records) :])
        parts.append(encoded)
        if progress is not None:
            progress(min(start + CHUNK_ROWS, len(frame)), len(frame))
    table = pa.concat_tables(parts).sort_by(layout.RECORD_ID)
    report = EncodeReport(
        records=len(frame),
        decoys=len(decoy_ids),
        key_id=key.key_id,
        encoding=schema.fingerprint,
        unreadable_dates=unreadable,
        seconds=time.perf_counter() - began,
        decoy_ids=tuple(sorted(decoy_ids)),
    )
    return table, report


def encode_file(
    input_path: str | Path,
    schema: EncodingSchema,
    out_path: str | Path,
    *,
    key: LinkageKey,
    decoy_fraction: float = 0.0,
    decoys_out: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> EncodeReport:
    """Encode a CSV or Parquet extract into a CSV or Parquet file for the linker.

    Problems are reported before any output exists; the output appears only when complete.
    """
    file_kind(out_path)
    if decoy_fraction > 0 and decoys_out is None:
        raise LinkageFileError(
            "Decoys need decoys_out: without their ids the source cannot remove them later."
        )
    frame = read_extract(input_path)
    table, report = encode_frame(
        frame,
        schema,
        key,
        decoy_fraction=decoy_fraction,
        progress=progress,
        name=str(input_path),
    )
    metadata = {"schakel.key_id": report.key_id, "schakel.encoding": report.encoding}
    if decoys_out is not None:
        with atomic_path(decoys_out) as temporary:
            temporary.write_text("".join(f"{i}\n" for i in report.decoy_ids), encoding="utf-8")
    write_table(table, out_path, metadata)
    return report
