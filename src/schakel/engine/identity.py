"""The identity record of a person: what it may hold and how each field is checked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schakel.engine.errors import SchakelError
from schakel.engine.problems import Code, Problem, custom_error, from_validation, problem
from schakel.engine.vocabulary import Sex

PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class InvalidIdentityError(SchakelError):
    code = "invalid_identity"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.errors = [p.pair for p in problems]
        super().__init__("Invalid identity: " + "; ".join(f"{f}: {m}" for f, m in self.errors))


def is_valid_bsn(value: str) -> bool:
    """The eleven test (elfproef) of a Dutch citizen service number."""
    if not re.fullmatch(r"\d{9}", value) or value == "000000000":
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


class Identifiers(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    bsn: str | None = None
    v_number: str | None = Field(default=None, pattern=r"^\d{10}$")
    passport: str | None = Field(default=None, min_length=5, max_length=20)

    @field_validator("bsn")
    @classmethod
    def bsn_passes_eleven_test(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_bsn(value):
            raise custom_error(Code.INVALID_BSN)
        return value


class IdentityData(BaseModel):
    """Identifying data; stored only encrypted and read only by roles that need it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    given_names: str = Field(default="", max_length=200)
    family_name: str = Field(default="", max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    sex: Sex = Sex.UNKNOWN
    date_of_birth: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    date_of_birth_estimated: bool = False
    place_of_birth: str | None = Field(default=None, max_length=200)
    nationality: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    identifiers: Identifiers = Field(default_factory=Identifiers)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")

    @field_validator("date_of_birth")
    @classmethod
    def partial_date(cls, value: str | None) -> str | None:
        """A date that exists (no 30 February) and has come (no birth next year); a year or a
        month alone is compared with today's year or month."""
        if value is None:
            return value
        if not PARTIAL_DATE.match(value):
            raise custom_error(Code.PARTIAL_DATE)
        if len(value) == 10:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise custom_error(Code.IMPOSSIBLE_DATE) from None
        if value > dt.date.today().isoformat()[: len(value)]:
            raise custom_error(Code.FUTURE_DATE)
        return value

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part) or "-"


def parse_identity(data: Mapping[str, object]) -> IdentityData:
    try:
        identity = IdentityData.model_validate(data)
    except ValidationError as error:
        raise InvalidIdentityError(from_validation(error, "identity")) from None
    if not (identity.given_names or identity.family_name or identity.aliases):
        raise InvalidIdentityError([problem("family_name", Code.NAME_REQUIRED)])
    return identity
