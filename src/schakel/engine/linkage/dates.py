"""Dates of birth as they arrive: full, partial, estimated, or defaulted to 1 January.

Many victims have no documents; a date of birth is then estimated, and registers often record
the estimate as 1 January of the estimated year, or write unknown parts as 00 (the Dutch BRP
convention). Such a date agreeing says little, so it is flagged rather than trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from schakel.engine.errors import SchakelError

DateOrder = Literal["auto", "ymd", "dmy", "mdy"]

FIRST_YEAR = 1880
LAST_YEAR = 2100

_SEPARATED = re.compile(r"^(\w{1,4})[-/. ](\w{1,4})(?:[-/. ](\w{1,4}))?$")
_UNKNOWN_PART = re.compile(r"^(0+|x+|\?+)$", re.IGNORECASE)
_TIME_PART = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?.*$")


class UnparseableDate(SchakelError):
    """No year could be read from the value."""


@dataclass(frozen=True)
class PartialDate:
    """A date of birth with unknown parts left as None."""

    year: int
    month: int | None = None
    day: int | None = None
    estimated: bool = False

    @property
    def digits(self) -> str:
        """YYYYMMDD with 00 for unknown parts: the string the Bloom filter sees."""
        return f"{self.year:04d}{self.month or 0:02d}{self.day or 0:02d}"

    @property
    def is_first_of_january(self) -> bool:
        return self.month == 1 and self.day == 1


def _part(text: str | None) -> int | None:
    if text is None or _UNKNOWN_PART.match(text) or not text.isdigit():
        return None
    return int(text)


def _assemble(year: int | None, month: int | None, day: int | None) -> PartialDate:
    """Keep what is plausible: an impossible month drops month and day, an impossible day
    drops the day. Only a missing or implausible year makes the value unreadable."""
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise UnparseableDate("no plausible year")
    if month is None or not 1 <= month <= 12:
        return PartialDate(year, None, None, estimated=True)
    if day is None or day < 1:
        return PartialDate(year, month, None, estimated=True)
    try:
        dt.date(year, month, day)
    except ValueError:
        return PartialDate(year, month, None, estimated=True)
    return PartialDate(year, month, day, estimated=(month, day) == (1, 1))


def _from_digits(text: str, order: DateOrder) -> PartialDate:
    if len(text) == 4:
        return _assemble(int(text), None, None)
    if len(text) == 6:
        first, last = int(text[:4]), int(text[4:])
        if order in ("ymd", "auto") and FIRST_YEAR <= first <= LAST_YEAR:
            return _assemble(first, last, None)
        return _assemble(int(text[2:]), int(text[:2]), None)
    if len(text) != 8:
        raise UnparseableDate("unexpected number of digits")
    year_first = order == "ymd" or (order == "auto" and FIRST_YEAR <= int(text[:4]) <= LAST_YEAR)
    if year_first:
        return _assemble(int(text[:4]), _part(text[4:6]), _part(text[6:]))
    a, b, year = _part(text[:2]), _part(text[2:4]), int(text[4:])
    return _assemble(year, a, b) if order == "mdy" else _assemble(year, b, a)


def _from_parts(a: str, b: str, c: str | None, order: DateOrder) -> PartialDate:
    if c is None:  # YYYY-MM or MM-YYYY
        if len(a) == 4:
            return _assemble(_part(a), _part(b), None)
        return _assemble(_part(b), _part(a), None)
    if len(a) == 4 or order == "ymd":
        return _assemble(_part(a), _part(b), _part(c))
    year = _part(c)
    if year is not None and len(c) == 2:
        year += 1900 if year > dt.date.today().year % 100 else 2000
    if order == "mdy":
        return _assemble(year, _part(a), _part(b))
    return _assemble(year, _part(b), _part(a))


def parse_date(value: object, order: DateOrder = "auto") -> PartialDate:
    """Read a date of birth in the formats Dutch and foreign registers use.

    Day-first unless the year comes first (Dutch convention); `order` forces an order for
    ambiguous sources. Raises UnparseableDate when no plausible year can be found.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _assemble(value.year, value.month, value.day)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise UnparseableDate("not a date")
        value = str(int(value))
    text = _TIME_PART.sub("", str(value).strip())
    if text.isdigit():
        return _from_digits(text, order)
    match = _SEPARATED.match(text)
    if match is None:
        raise UnparseableDate("not a date")
    return _from_parts(match.group(1), match.group(2), match.group(3), order)
