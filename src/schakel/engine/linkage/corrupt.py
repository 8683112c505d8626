"""A harder, victim-like corruption of FEBRL, for evaluation only (seeded, reproducible).

FEBRL4 is saturated: every good method scores F1 > 0.99 on it. Records of trafficking victims
are harder: names are transliterated differently (or written in Cyrillic), given and family
name swap places, family names change, dates of birth are missing, estimated as 1 January or
have day and month swapped, people move, and many share a shelter address. This module applies
those changes at rates that can be set, so methods can be told apart.
"""

# ruff: noqa: RUF001  (Cyrillic and typographic letters are the point here)

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Spelling alternations of transliteration and of writing a name down from hearing.
ALTERNATIONS = (
    ("y", "i"), ("i", "y"), ("j", "y"), ("y", "j"), ("k", "c"), ("c", "k"), ("ck", "k"),
    ("x", "ks"), ("ks", "x"), ("ph", "f"), ("f", "ph"), ("v", "w"), ("w", "v"), ("sh", "sch"),
    ("ch", "tch"), ("ts", "tz"), ("u", "ou"), ("ou", "u"), ("ie", "i"), ("ll", "l"),
    ("l", "ll"), ("nn", "n"), ("n", "nn"), ("tt", "t"), ("kh", "h"), ("h", "kh"), ("g", "h"),
    ("h", "g"), ("z", "s"), ("s", "z"), ("th", "t"), ("e", "a"), ("a", "e"), ("o", "a"),
    ("j", "dzh"), ("zh", "j"), ("ae", "e"), ("ey", "ei"), ("ei", "ey"), ("ia", "ya"),
)  # fmt: skip

# Latin to Cyrillic as a clerk might write a name heard in Ukrainian or Bulgarian.
_TO_CYRILLIC = (
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("ye", "є"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"),
    ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "і"), ("j", "й"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "и"),
    ("z", "з"),
)  # fmt: skip


@dataclass(frozen=True)
class CorruptionRates:
    """Probability per record of each change (independent of each other)."""

    spelling_variant: float = 0.30
    cyrillic: float = 0.08
    swapped_names: float = 0.15
    surname_change: float = 0.08
    missing_given: float = 0.05
    missing_dob: float = 0.12
    estimated_dob: float = 0.10
    transposed_dob: float = 0.08
    moved_address: float = 0.35
    shelter_address: float = 0.10
    shelters: int = 5


@dataclass(frozen=True)
class FebrlColumns:
    given: str = "given_name"
    family: str = "surname"
    dob: str = "date_of_birth"
    address: tuple[str, ...] = (
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
    )


def spelling_variant(name: str, rng: np.random.Generator) -> str:
    """One or two alternations applied at random places where they fit."""
    for _ in range(int(rng.integers(1, 3))):
        fitting = [(a, b) for a, b in ALTERNATIONS if a in name]
        if not fitting:
            break
        old, new = fitting[int(rng.integers(len(fitting)))]
        places = [i for i in range(len(name)) if name.startswith(old, i)]
        at = places[int(rng.integers(len(places)))]
        name = name[:at] + new + name[at + len(old) :]
    return name


def to_cyrillic(name: str) -> str:
    """The name written in Cyrillic letters (longest Latin groups first)."""
    out, index = [], 0
    lowered = name.lower()
    while index < len(lowered):
        for latin, cyrillic in _TO_CYRILLIC:
            if lowered.startswith(latin, index):
                out.append(cyrillic)
                index += len(latin)
                break
        else:
            out.append(lowered[index])
            index += 1
    return "".join(out)


def _dob_changed(value: str, rng: np.random.Generator, how: str) -> str | None:
    if how == "missing":
        return None
    if not (isinstance(value, str) and len(value) == 8 and value.isdigit()):
        return value
    year, month, day = value[:4], value[4:6], value[6:]
    if how == "estimated":
        return f"{int(year) + int(rng.integers(-2, 3)):04d}0101"
    if int(day) <= 12 and day != month:
        return f"{year}{day}{month}"
    return f"{year}{month}{day[1]}{day[0]}"


def _names(frame: pd.DataFrame, rng: np.random.Generator, rates: CorruptionRates,
           columns: FebrlColumns) -> None:  # fmt: skip
    n = len(frame)
    families = frame[columns.family].dropna().to_numpy()
    for column in (columns.given, columns.family):
        values = frame[column].to_numpy(dtype=object)
        for row in np.flatnonzero(rng.random(n) < rates.spelling_variant):
            if isinstance(values[row], str):
                values[row] = spelling_variant(values[row], rng)
        for row in np.flatnonzero(rng.random(n) < rates.cyrillic):
            if isinstance(values[row], str):
                values[row] = to_cyrillic(values[row])
        frame[column] = values
    changed = rng.random(n) < rates.surname_change
    frame.loc[changed, columns.family] = rng.choice(families, int(changed.sum()))
    swap = rng.random(n) < rates.swapped_names
    given = frame.loc[swap, columns.given].copy()
    frame.loc[swap, columns.given] = frame.loc[swap, columns.family]
    frame.loc[swap, columns.family] = given
    frame.loc[rng.random(n) < rates.missing_given, columns.given] = None


def _dates(frame: pd.DataFrame, rng: np.random.Generator, rates: CorruptionRates,
           columns: FebrlColumns) -> None:  # fmt: skip
    values = frame[columns.dob].to_numpy(dtype=object)
    draw = rng.random(len(frame))
    bounds = np.cumsum([rates.missing_dob, rates.estimated_dob, rates.transposed_dob])
    for row, x in enumerate(draw):
        if x < bounds[-1]:
            how = ("missing", "estimated", "transposed")[int(np.searchsorted(bounds, x, "right"))]
            values[row] = _dob_changed(values[row], rng, how)
    frame[columns.dob] = values


def _moved(frame: pd.DataFrame, rng: np.random.Generator, rate: float,
           columns: FebrlColumns) -> None:  # fmt: skip
    """A move: house number, street and town each from a different random record, so the new
    address is one that (almost surely) nobody in the data has."""
    rows = np.flatnonzero(rng.random(len(frame)) < rate)
    parts = (columns.address[:1], columns.address[1:3], columns.address[3:])
    for part in parts:
        source = frame[list(part)].to_numpy(dtype=object)
        picks = source[rng.integers(0, len(source), len(rows))]
        frame.iloc[rows, [frame.columns.get_loc(c) for c in part]] = picks


def _sheltered(frame: pd.DataFrame, rng: np.random.Generator, rate: float,
               columns: FebrlColumns, shelters: np.ndarray) -> None:  # fmt: skip
    """A share of records gets one of a few shelter addresses (in both files: many people who
    are not the same person share them)."""
    rows = np.flatnonzero(rng.random(len(frame)) < rate)
    picks = shelters[rng.integers(0, len(shelters), len(rows))]
    frame.iloc[rows, [frame.columns.get_loc(c) for c in columns.address]] = picks


def victimise(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    seed: int,
    rates: CorruptionRates | None = None,
    columns: FebrlColumns | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Corrupt the right file like victim records, and put shelter addresses in both files."""
    rates, columns = rates or CorruptionRates(), columns or FebrlColumns()
    rng = np.random.default_rng(seed)
    left, right = left.copy(), right.copy()
    _names(right, rng, rates, columns)
    _dates(right, rng, rates, columns)
    _moved(right, rng, rates.moved_address, columns)
    everyone = pd.concat([left, right])[list(columns.address)].to_numpy(dtype=object)
    shelters = everyone[rng.integers(0, len(everyone), rates.shelters)]
    _sheltered(left, rng, rates.shelter_address, columns, shelters)
    _sheltered(right, rng, rates.shelter_address, columns, shelters)
    return left, right
