"""The encoding schema: which columns of a source extract play which role.

Each organisation's extract has its own column names; the schema maps them to roles once, in a
small versioned TOML or JSON file kept with the extract job, for example:

    schema_version = 1
    id = "client_number"
    date_order = "dmy"

    [roles]
    given_names = "first_names"
    family_name = ["prefix", "surname"]      # several columns are joined with a space
    date_of_birth = "birth_date"
    date_of_birth_estimated = "birth_date_estimated"
    bsn = "bsn"
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from schakel.engine.errors import SchakelError
from schakel.engine.linkage.bloom import DEFAULT_HASHES, HASHING
from schakel.engine.linkage.dates import DateOrder
from schakel.engine.linkage.normalise import NORMALISATION_VERSION

SCHEMA_VERSION = 1  # of the schema file (this mapping), not of the encoding

# What an encoded file is: the columns and how they are made (FORMAT_VERSION, layout.py) and what
# a value becomes before it is hashed (NORMALISATION_VERSION, normalise.py). Files that differ
# in either cannot be linked: the same name would give different filters.
ENCODING_FORMAT = "schakel-pprl"
# 2: the years around an estimated date of birth (dob_y_m1 ...). 3: bigram positions by
# independent keyed hashing (bloom.py), not double hashing.
# 4: hardening against the linker (salt, BLIP; docs/linkage.md, "Hardened encoding").
# 5: random bit flipping of the name filters by default (ADR 0022); format-4 files were
# encoded without it by default, so the same name gave the same filter.
# 6: record-level name filters (both names and the date's digits in one flipped filter) and
# year tokens keyed with the names by default (ADR 0028); in format-5 files a name had a filter
# of its own, which a vote among near neighbours cleans, and the year had a token of its own.
FORMAT_VERSION = 6
# What salts the positions of every Bloom filter and the date and blocking tokens of a record
# (`encode._salts`): nothing, the sex, the initials of the first given and family name, or
# their Soundex codes (order-free, so swapped names keep one salt), or the year of birth.
SALTS = ("none", "sex", "initials", "names", "year")
# BLIP on the name filters: 15% (ADR 0028: 10% at first; 20% by the second amendment, back to
# 15% by the third: at 20% the app's own linkage run missed the cross-organisation returns it
# exists for in 2 of 3 runs, and precision at 100,000 x 100,000 fell to 0.91). A format-6 file
# says its rate in the `encoding` string, and files of two rates are not linked together. The
# similarity-graph attack named 1.85% of the region's records at 10%, 0.80% at 15% and
# 0.20-0.30% at 20% (docs/linkage.md, "Flip rate of the record-level filter").
DEFAULT_FLIP = 0.15
# What else a name filter holds (`encode._name_tokens`): its own field only ("none"), both
# name fields ("names": one record-level name filter, so an equal family name with another
# given name gives another filter), or both names and the date of birth ("record", a CLK-like
# filter of the identity). Measured in docs/linkage.md, "Format 6".
MIXES = ("none", "names", "record")
DEFAULT_MIX = "record"
# Which tokens carry the year of birth alone (`encode._date_keys`): "plain" keys the year,
# the years around an estimate and the year-month as they are; "names" keys each of them
# together with the record's two Soundex codes, so their frequencies are not the year counts.
YEAR_TOKENS = ("plain", "names")
DEFAULT_YEAR_TOKENS = "names"


def encoding_version() -> str:
    """The versions an encoded file carries at the start of its `encoding` column."""
    return f"{ENCODING_FORMAT}/{FORMAT_VERSION} norm={NORMALISATION_VERSION}"


class Role(StrEnum):
    """What a column means for linkage; the encoder treats each role its own way."""

    GIVEN_NAMES = "given_names"
    FAMILY_NAME = "family_name"
    DATE_OF_BIRTH = "date_of_birth"
    DATE_OF_BIRTH_ESTIMATED = "date_of_birth_estimated"
    SEX = "sex"
    NATIONALITY = "nationality"
    PLACE_OF_BIRTH = "place_of_birth"
    BSN = "bsn"
    V_NUMBER = "v_number"
    PASSPORT = "passport"
    PHONE = "phone"
    POSTCODE = "postcode"
    ADDRESS = "address"
    LOCALITY = "locality"


BLOOM_ROLES = (
    Role.GIVEN_NAMES,
    Role.FAMILY_NAME,
    Role.DATE_OF_BIRTH,
    Role.PLACE_OF_BIRTH,
    Role.ADDRESS,
    Role.LOCALITY,
)
IDENTIFIER_ROLES = (Role.BSN, Role.V_NUMBER, Role.PASSPORT)


class SchemaError(SchakelError):
    """The schema file is malformed or names something that does not exist."""


@dataclass(frozen=True)
class EncodingSchema:
    """Column mapping and encoding options for one source extract."""

    id_column: str
    roles: Mapping[Role, tuple[str, ...]]
    date_order: DateOrder = "auto"
    bloom_hashes: Mapping[Role, int] = field(default_factory=dict)
    bad_dates: str = "error"
    version: int = SCHEMA_VERSION
    bloom_hashing: str = "random"
    salt: str = "none"
    # BLIP: probability that each bit of a name filter is flipped. ADR 0022: the measured
    # choice (docs/linkage.md, "Hardened encoding").
    flip: float = DEFAULT_FLIP
    # ADR 0028: the measured choice (docs/linkage.md, "Format 6").
    mix: str = DEFAULT_MIX
    year_tokens: str = DEFAULT_YEAR_TOKENS

    def __post_init__(self) -> None:
        if self.version != SCHEMA_VERSION:
            raise SchemaError(
                f"Schema version {self.version} is not supported; this Schakel reads version "
                f"{SCHEMA_VERSION}."
            )
        if self.date_order not in ("auto", "ymd", "dmy", "mdy"):
            raise SchemaError("date_order must be one of auto, ymd, dmy, mdy.")
        if self.bad_dates not in ("error", "missing"):
            raise SchemaError("bad_dates must be 'error' or 'missing'.")
        if self.bloom_hashing not in HASHING:
            raise SchemaError(f"bloom_hashing must be one of {', '.join(HASHING)}.")
        if self.salt not in SALTS:
            raise SchemaError(f"salt must be one of {', '.join(SALTS)}.")
        if not 0.0 <= self.flip < 0.5:
            raise SchemaError("flip must be at least 0 and below 0.5.")
        if self.mix not in MIXES:
            raise SchemaError(f"mix must be one of {', '.join(MIXES)}.")
        if self.year_tokens not in YEAR_TOKENS:
            raise SchemaError(f"year_tokens must be one of {', '.join(YEAR_TOKENS)}.")
        if not any(role in self.roles for role in (Role.GIVEN_NAMES, Role.FAMILY_NAME)):
            raise SchemaError("Map at least one of the roles given_names and family_name.")
        for role, hashes in self.bloom_hashes.items():
            if role not in BLOOM_ROLES or not 1 <= hashes <= 64:
                raise SchemaError(f"bloom_hashes for {role}: a Bloom role and 1 to 64 hashes.")

    def hashes(self, role: Role) -> int:
        return self.bloom_hashes.get(role, DEFAULT_HASHES)

    def source_columns(self) -> list[str]:
        """Every column the extract must have, id first."""
        columns = [self.id_column]
        for names in self.roles.values():
            columns.extend(name for name in names if name not in columns)
        return columns

    @property
    def fingerprint(self) -> str:
        """The encoding parameters both files of a linkage must share (not the column names)."""
        hashes = ",".join(f"{role.value}:{self.hashes(role)}" for role in BLOOM_ROLES)
        hashing = "" if self.bloom_hashing == "random" else f" hashing={self.bloom_hashing}"
        hardening = f" salt={self.salt} flip={self.flip:g}"
        if self.mix != "none" or self.year_tokens != "plain":
            hardening += f" mix={self.mix} year={self.year_tokens}"
        return f"{encoding_version()} bits=1024 k={hashes}{hardening}{hashing}"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EncodingSchema:
        """Build from the parsed TOML or JSON document; errors name the offending key."""
        known = {
            "schema_version",
            "id",
            "roles",
            "date_order",
            "bloom_hashes",
            "bloom_hashing",
            "bad_dates",
            "salt",
            "flip",
            "mix",
            "year_tokens",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise SchemaError(f"Unknown schema keys: {', '.join(unknown)}.")
        if not isinstance(data.get("id"), str) or not data["id"]:
            raise SchemaError("The schema needs 'id': the column with each record's own id.")
        return cls(
            id_column=data["id"],
            roles=_roles(data.get("roles")),
            date_order=cast(DateOrder, data.get("date_order", "auto")),
            bloom_hashes={_role(k): int(v) for k, v in dict(data.get("bloom_hashes", {})).items()},
            bad_dates=str(data.get("bad_dates", "error")),
            version=int(data.get("schema_version", 0)),
            bloom_hashing=str(data.get("bloom_hashing", "random")),
            salt=str(data.get("salt", cls.salt)),
            flip=float(data.get("flip", cls.flip)),
            mix=str(data.get("mix", cls.mix)),
            year_tokens=str(data.get("year_tokens", cls.year_tokens)),
        )

    def to_mapping(self) -> dict[str, Any]:
        return {
            "schema_version": self.version,
            "id": self.id_column,
            "date_order": self.date_order,
            "bad_dates": self.bad_dates,
            "roles": {role.value: list(columns) for role, columns in self.roles.items()},
            "bloom_hashes": {role.value: hashes for role, hashes in self.bloom_hashes.items()},
            "bloom_hashing": self.bloom_hashing,
            "salt": self.salt,
            "flip": self.flip,
            "mix": self.mix,
            "year_tokens": self.year_tokens,
        }


def _role(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        allowed = ", ".join(role.value for role in Role)
        raise SchemaError(f"Unknown role {name!r}; the roles are: {allowed}.") from None


def _roles(data: object) -> dict[Role, tuple[str, ...]]:
    if not isinstance(data, Mapping) or not data:
        raise SchemaError("The schema needs a 'roles' table mapping roles to column names.")
    roles: dict[Role, tuple[str, ...]] = {}
    for name, columns in data.items():
        role = _role(str(name))
        names = (columns,) if isinstance(columns, str) else tuple(columns)
        if not names or not all(isinstance(c, str) and c for c in names):
            raise SchemaError(f"Role {name!r}: give a column name or a list of column names.")
        roles[role] = names
    return roles


def load_schema(path: str | Path) -> EncodingSchema:
    """Read a schema from a .toml or .json file."""
    schema_path = Path(path)
    if not schema_path.is_file():
        raise SchemaError(f"The schema file {schema_path} does not exist.")
    text = schema_path.read_text(encoding="utf-8")
    try:
        if schema_path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        elif schema_path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            raise SchemaError(f"Schema {schema_path}: use a .toml or .json file.")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise SchemaError(f"Schema {schema_path} is not valid: {error}") from None
    if not isinstance(data, Mapping):
        raise SchemaError(f"Schema {schema_path}: expected a table at the top level.")
    return EncodingSchema.from_mapping(data)
