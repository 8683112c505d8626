"""Reading extracts and encoded files, and writing outputs so that a crash leaves nothing.

An interrupted run must not leave a half-written file that a later step mistakes for a
complete one: outputs are written to a temporary file next to the target and renamed.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from schakel.engine.errors import SchakelError
from schakel.engine.linkage.bloom import (
    FILTER_BYTES,
    FILTER_TYPE,
    filters_from_arrow,
    flipped_dice,
    popcounts,
)
from schakel.engine.linkage.layout import (
    BLOOM,
    DOB_YEAR,
    ENCODING_COLUMN,
    KEY_ID,
    RECORD_ID,
    arrow_schema,
)
from schakel.engine.linkage.schema import Role, encoding_version

SUFFIXES = (".csv", ".parquet")
ProgressCallback = Callable[[int, int], None]  # (records done, records in total)


class LinkageFileError(SchakelError):
    """A file is missing, of the wrong type, empty or inconsistent."""


def file_kind(path: str | Path) -> str:
    """'csv' or 'parquet' from the suffix; anything else is refused before work starts."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise LinkageFileError(f"{path}: use a .csv or .parquet file (got {suffix or 'none'}).")
    return suffix[1:]


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise LinkageFileError(f"The file {path} does not exist.")
    if path.stat().st_size == 0:
        raise LinkageFileError(f"The file {path} is empty.")


def _csv_delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    return ";" if header.count(";") > header.count(",") else ","


def read_extract(path: str | Path) -> pd.DataFrame:
    """A source extract with all missing values as None and everything else as read.

    CSV cells are kept as text (so '0612345678' keeps its zero); ';' is recognised as the
    delimiter Dutch spreadsheets use.
    """
    extract_path = Path(path)
    kind = file_kind(extract_path)
    _require_file(extract_path)
    try:
        if kind == "csv":
            frame = pd.read_csv(
                extract_path,
                dtype=str,
                keep_default_na=False,
                sep=_csv_delimiter(extract_path),
                encoding="utf-8-sig",
            )
        else:
            frame = pd.read_parquet(extract_path)
    except (ValueError, OSError, pa.ArrowException) as error:
        raise LinkageFileError(f"Cannot read {extract_path} as {kind}: {error}") from None
    if frame.empty:
        raise LinkageFileError(f"The file {extract_path} has no records.")
    return frame.astype(object).where(frame.notna(), None)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path that replaces `path` only when the block completes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _filters_to_base64(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    values = column.to_pylist()
    return pa.array([None if v is None else base64.b64encode(v).decode() for v in values])


def _filters_from_base64(column: pa.Array | pa.ChunkedArray, name: str) -> pa.Array:
    out: list[bytes | None] = []
    for row, value in enumerate(column.to_pylist(), start=1):
        if value is None or value == "":
            out.append(None)
            continue
        raw = base64.b64decode(value)
        if len(raw) != FILTER_BYTES:
            raise LinkageFileError(f"Column {name!r}, row {row}: not a 1024-bit filter.")
        out.append(raw)
    return pa.array(out, type=FILTER_TYPE)


def write_table(table: pa.Table, path: str | Path, metadata: dict[str, str] | None = None) -> None:
    """Write Parquet (with metadata) or CSV (filters as base64), atomically."""
    kind = file_kind(path)
    with atomic_path(path) as temporary:
        if kind == "parquet":
            existing = table.schema.metadata or {}
            extra = {k.encode(): v.encode() for k, v in (metadata or {}).items()}
            pq.write_table(table.replace_schema_metadata({**existing, **extra}), temporary)
            return
        for index, field in enumerate(table.schema):
            if pa.types.is_fixed_size_binary(field.type) or pa.types.is_binary(field.type):
                table = table.set_column(index, field.name, _filters_to_base64(table[index]))
        pacsv.write_csv(table, temporary)


def write_frame(frame: pd.DataFrame, path: str | Path) -> None:
    """A result table (pairs, clusters) as CSV or Parquet, atomically."""
    write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _read_encoded_csv(path: Path) -> pa.Table:
    schema = arrow_schema()
    types = {
        field.name: (pa.string() if field.type == FILTER_TYPE else field.type) for field in schema
    }
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    table = pacsv.read_csv(path, convert_options=options)
    for name in BLOOM.values():
        if name in table.column_names:
            index = table.column_names.index(name)
            table = table.set_column(index, name, _filters_from_base64(table[name], name))
    return table


def read_encoded(path: str | Path) -> pa.Table:
    """An encoded file, checked for the expected columns and a single key and encoding."""
    encoded_path = Path(path)
    kind = file_kind(encoded_path)
    _require_file(encoded_path)
    try:
        table = (
            pq.read_table(encoded_path) if kind == "parquet" else _read_encoded_csv(encoded_path)
        )
    except pa.ArrowException as error:
        raise LinkageFileError(f"Cannot read {encoded_path} as {kind}: {error}") from None
    return check_encoded(table, str(encoded_path))


def check_version(table: pa.Table, name: str) -> None:
    """Refuse a file encoded by another version of the encoding: its filters and tokens would
    not agree with this version's for the same person."""
    if ENCODING_COLUMN not in table.column_names or table.num_rows == 0:
        return
    found = str(table[ENCODING_COLUMN][0].as_py())
    current = encoding_version()
    if found.split(" bits=")[0] != current:
        raise LinkageFileError(
            f"{name} was encoded by another version of Schakel's encoding "
            f"({found.split(' bits=')[0]!r}; this version reads {current!r}): names and dates "
            "are normalised or stored differently, so its records would not match. Re-encode "
            "the extract with this version; both files of a linkage need the same version."
        )


def check_encoded(table: pa.Table, name: str) -> pa.Table:
    """Refuse tables that are not encoded files, that were encoded by another version, or that
    mix keys or encodings."""
    check_version(table, name)
    expected = arrow_schema()
    missing = [field.name for field in expected if field.name not in table.column_names]
    if missing:
        raise LinkageFileError(
            f"{name} is not an encoded file: missing columns {', '.join(missing)}. "
            "Encode the extract first."
        )
    if table.num_rows == 0:
        raise LinkageFileError(f"{name} has no records.")
    for column in (KEY_ID, ENCODING_COLUMN):
        distinct = pc.unique(table[column]).to_pylist()
        if len(distinct) != 1:
            raise LinkageFileError(f"{name} mixes several values of {column!r}: {distinct[:3]}")
    ids = table[RECORD_ID]
    if ids.null_count or len(pc.unique(ids)) != table.num_rows:
        raise LinkageFileError(f"{name} has missing or duplicate record ids.")
    return table.select([field.name for field in expected]).cast(expected)


def encoded_option(table: pa.Table, name: str) -> str | None:
    """The value of one hardening option (" salt=", " flip=", " mix=", " year=") in a file's
    `encoding` column; None when the file has no such option (older formats) or no records."""
    if ENCODING_COLUMN not in table.column_names or table.num_rows == 0:
        return None
    found = re.search(rf" {name}=(\S+)", str(table[ENCODING_COLUMN][0].as_py()))
    return found.group(1) if found else None


def encoded_flip(table: pa.Table) -> float:
    """The BLIP flip probability a file was encoded with (0 without)."""
    return float(encoded_option(table, "flip") or 0.0)


def encoded_mix(table: pa.Table) -> str:
    """What a file's name filters hold (`schema.MIXES`; "none" for files before format 6)."""
    return encoded_option(table, "mix") or "none"


def name_noise_scale(table: pa.Table) -> float:
    """How far flipping lowers the Dice of two copies of one name: the expected Dice of two
    flipped copies of a name filter of this file's mean fill. Thresholds on name filters are
    multiplied by it, so that "Dice >= 0.85" still means nearly the same name (format 6;
    without flips 1.0)."""
    flip = encoded_flip(table)
    if flip <= 0.0:
        return 1.0
    counts = [
        popcounts(filters)[present]
        for filters, present in (
            filters_from_arrow(table[BLOOM[role]]) for role in (Role.GIVEN_NAMES, Role.FAMILY_NAME)
        )
    ]
    found = np.concatenate(counts)
    return flipped_dice(flip, float(found.mean())) if len(found) else 1.0


def undated_name_scale(table: pa.Table) -> float | None:
    """For record filters (mix "record"): the `name_noise_scale` of the filters of records
    without a date of birth, which hold the names alone and so fewer bits (FEBRL4 at 15%: two
    copies reach a Dice of about 0.60 at their fill, against 0.67 at the file's mean). None for
    other files: their filters never hold the date."""
    if encoded_mix(table) != "record":
        return None
    filters, present = filters_from_arrow(table[BLOOM[Role.GIVEN_NAMES]])
    _, dated = token_array(table, DOB_YEAR)
    undated = present & ~dated
    if not undated.any():
        return name_noise_scale(table)
    return flipped_dice(encoded_flip(table), float(popcounts(filters)[undated].mean()))


def table_value(table: pa.Table, column: str) -> str:
    return str(table[column][0].as_py())


def token_array(table: pa.Table, column: str) -> tuple[np.ndarray, np.ndarray]:
    """An int64 token column as values and presence mask."""
    array = table[column].combine_chunks() if table.num_rows else pa.array([], pa.int64())
    present = array.is_valid().to_numpy(zero_copy_only=False)
    values = array.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    return values, present
