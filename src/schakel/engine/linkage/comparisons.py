"""Splink comparisons on encoded columns: Dice levels, keyed exact levels, partial dates, swaps.

Only SQL lives here, so the same model runs wherever the SQL runs: DuckDB with filters as BIT
(the default), or Spark with filters as 16 64-bit integers (`layout="int64x16"`,
`index_base=0`). Levels are ordered from most to least specific, as Splink requires.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import dice_sql
from schakel.engine.linkage.schema import Role

Level = dict[str, Any]
Comparison = dict[str, Any]


@dataclass(frozen=True)
class SqlDialect:
    """How filters are stored in the engine that runs the comparisons."""

    layout: str = "bit"
    index_base: int = 1


def count_column(filter_column: str) -> str:
    """Name of the column holding a filter's popcount (precomputed once per record)."""
    return filter_column.replace("bf_", "pc_", 1)


def _dice(left_column: str, right_column: str, dialect: SqlDialect) -> str:
    return dice_sql(
        f"{left_column}_l",
        f"{right_column}_r",
        f"{count_column(left_column)}_l",
        f"{count_column(right_column)}_r",
        layout=dialect.layout,
        index_base=dialect.index_base,
    )


def _level(sql: str, label: str, *, null: bool = False, tf_column: str | None = None) -> Level:
    level: Level = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf_column is not None:
        level["tf_adjustment_column"] = tf_column
        level["tf_adjustment_weight"] = 1.0
    return level


def _null(*columns: str) -> Level:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return _level(sql, "missing on either side", null=True)


# Comparisons whose agreement depends on nationality: names come from national name pools,
# places of birth lie in the country, and ages differ by origin. Their u values can be
# estimated among pairs of the same nationality.
NATIONALITY_BOUND = ("given_names", "family_name", "date_of_birth", "place_of_birth")
# Comparisons of salted columns (format 4, `schema.SALTS`): equal values can only meet within
# one salt, so their u values are estimated among pairs of the same salt.
SALT_BOUND = (*NATIONALITY_BOUND, "address", "locality", "residence")

# Date levels whose tokens carry the names' Soundex codes with `year_tokens = "names"`
# (`encode._year_with_names`): only records whose names sound alike reach them (`keyed_years`).
NAME_KEYED_DATE_LEVELS = (
    "same date, estimated or 1 January",
    "same year and month",
    "same year",
    "estimated, same year",
    "estimated, one year apart",
    "estimated, two or three years apart",
)

# Derived when the records are loaded: given names OR family name (they share hash keys), a
# filter of all name bigrams in any order.
FULL_NAME = "bf_full_name"


# Dice bands of a name filter, read against the Dice two flipped copies reach (`scale`).
# Flipped filters share many bits by chance: unrelated record filters at 15% flips reach about
# 0.62 of that Dice, so the band between 0.7 and 0.85 held a tenth of all random pairs and
# weighed +0.2, and FEBRL4's true pairs with a misspelt name and a changed date of birth fell
# in it (docs/linkage.md, "Bands of the flipped record filter"). Flipped, it is split.
NAME_BANDS = (0.85, 0.7)
FLIPPED_NAME_BANDS = (0.85, 0.8, 0.75, 0.7)
# A record filter (mix "record") holds the date's digits only when the record has a date: with
# a date on one side only the same name reaches 0.7 to 0.9 of the copies' Dice, unrelated
# pairs of that kind 0.5 to 0.65 (FEBRL4); such pairs are read on bands of their own.
ONE_DATE_BANDS = (0.75, 0.65)
# A record filter also holds the date's digits, so two records of one date reach the top band
# with only one name in common (synthetic region: two women with one given name, born the same
# day in one town, at +7.8). With the year tokens keyed with both names' Soundex codes
# (`year_tokens = "names"`), two records of one real date whose year tokens differ have names
# that do not both sound alike; in the lower part of the top band (below `SOUND_APART_BELOW`
# of the scale: above it the names themselves must nearly agree) such a pair is a level of its
# own, whose u is counted among pairs of one date (`keyed_years.estimate_u_given_date`).
SOUND_APART = "same date, names sound different"
SOUND_APART_BELOW = 0.9


def name_comparison(
    role: Role,
    dialect: SqlDialect,
    *,
    swap_level: bool = False,
    swap_with: Role | None = None,
    term_frequencies: bool = True,
    scale: float = 1.0,
    undated_scale: float | None = None,
    years_keyed: bool = False,
) -> Comparison:
    """Given or family name: exact, Dice bands, and a level for the whole name in any order.

    That level fires when all name tokens agree in another order (keyed sorted-token key) or
    when the order-free full-name filters are similar while the other name field (`swap_with`)
    does not agree in place: registrations swap given and family name, most often for
    Vietnamese, Chinese, Hungarian and Eritrean names. Without that last condition a long
    shared given name ("Thi Phuong") made the full names similar whatever the family names,
    and two sisters-in-name scored as a swap. The swap is one fact about the whole name, so
    only one of the two name comparisons has the level (`swap_level`); on both, a swapped
    name counted twice (+11 and +12).

    `scale`: the Dice two flipped copies of one name reach (`files.name_noise_scale`); every
    band is multiplied by it, so flipped filters keep all their levels. `undated_scale`: the
    filter holds the date's digits (mix "record"), and this is the scale of the filters of
    records without a date (`files.undated_name_scale`), for pairs of two such records; a pair
    with a date on one side only is read on `ONE_DATE_BANDS` first. `years_keyed`: the year
    tokens carry both names' Soundex codes, and a pair of one real date whose names do not both
    sound alike is read on a level of its own (`SOUND_APART`) in the lower part of the top band.
    """
    column = layout.BLOOM[role]
    year = layout.DOB_YEAR

    def band(value: float) -> str:
        if undated_scale is None:
            return f"{value * scale:.4f}"
        return (
            f"(CASE WHEN {year}_l IS NULL AND {year}_r IS NULL THEN {value * undated_scale:.4f}"
            f" ELSE {value * scale:.4f} END)"
        )

    levels = [
        _null(column),
        _level(
            f"{column}_l = {column}_r",
            "identical filters",
            tf_column=column if term_frequencies else None,
        ),
    ]
    dice = _dice(column, column, dialect)
    if undated_scale is not None:
        one_date = (
            f"(({year}_l IS NULL AND {year}_r IS NOT NULL)"
            f" OR ({year}_l IS NOT NULL AND {year}_r IS NULL))"
        )
        levels += [
            _level(f"{one_date} AND {dice} >= {band(value)}", f"date on one side, Dice >= {value}")
            for value in ONE_DATE_BANDS
        ]
    bands = FLIPPED_NAME_BANDS if scale < 1.0 else NAME_BANDS
    if undated_scale is not None and years_keyed:
        full, estimated = layout.DOB_FULL, layout.DOB_ESTIMATED
        apart = (
            f"{full}_l = {full}_r AND NOT ({estimated}_l OR {estimated}_r) AND {year}_l <> {year}_r"
            f" AND {dice} >= {band(bands[0])} AND {dice} < {band(SOUND_APART_BELOW)}"
        )
        levels.append(_level(apart, SOUND_APART))
    levels += [_level(f"{dice} >= {band(value)}", f"Dice >= {value}") for value in bands]
    if swap_level:
        levels.append(_level(_swapped(swap_with, dialect, band), "whole name similar in any order"))
    levels += [_level(f"{dice} >= {band(0.5)}", "Dice >= 0.5"), _level("ELSE", "all other")]
    return {
        "output_column_name": role.value,
        "comparison_description": f"{role.value} (Dice on Bloom filters)",
        "comparison_levels": levels,
    }


def _swapped(swap_with: Role | None, dialect: SqlDialect, band: Callable[[float], str]) -> str:
    """SQL of the whole-name swap level (`name_comparison`)."""
    swapped = f"{layout.BK_NAME_SORTED}_l = {layout.BK_NAME_SORTED}_r"
    if swap_with is not None:
        other = layout.BLOOM[swap_with]
        swapped += (
            f" OR ({_dice(FULL_NAME, FULL_NAME, dialect)} >= {band(0.8)}"
            f" AND {other}_l IS NOT NULL AND {other}_r IS NOT NULL"
            f" AND {_dice(other, other, dialect)} < {band(0.7)})"
        )
    return swapped


def _years_apart(*offsets: int) -> str:
    """SQL: the years are `offsets` apart (either side estimated: only an estimated date carries
    the tokens of the years around it)."""
    year = layout.DOB_YEAR
    checks = [
        f"{year}_{side} = {layout.DOB_YEAR_NEAR[sign * offset]}_{other}"
        for offset in offsets
        for sign in (-1, 1)
        for side, other in (("l", "r"), ("r", "l"))
    ]
    return "(" + " OR ".join(checks) + ")"


def date_of_birth_comparison(dialect: SqlDialect) -> Comparison:
    """Partial-date levels: a real full date agreeing is strong, an estimated one is not, and an
    estimate near the other date is a little agreement rather than a disagreement.

    An estimated date (1 January, a partial date, or flagged) says "born around that year": its
    month and day carry nothing, so the digit and month levels are for real dates only, and an
    estimate one to three years from the other date gets levels of its own (synthetic region:
    most true pairs left unlinked had such a date, counted as 'differs, but one is estimated').
    """
    full, swap, estimated = layout.DOB_FULL, layout.DOB_SWAP, layout.DOB_ESTIMATED
    year = layout.DOB_YEAR
    bloom = layout.BLOOM[Role.DATE_OF_BIRTH]
    either = f"({estimated}_l OR {estimated}_r)"
    return {
        "output_column_name": "date_of_birth",
        "comparison_description": "date of birth (keyed partial dates)",
        "comparison_levels": [
            _null(year),
            _level(f"{full}_l = {full}_r AND NOT {either}", "same full date"),
            _level(f"{full}_l = {full}_r", "same date, estimated or 1 January"),
            _level(f"{full}_l = {swap}_r", "day and month swapped"),
            _level(
                f"NOT {either} AND {_dice(bloom, bloom, dialect)} >= 0.7",
                "one digit differs (Dice >= 0.7)",
            ),
            _level(f"{layout.DOB_YEAR_MONTH}_l = {layout.DOB_YEAR_MONTH}_r", "same year and month"),
            _level(f"{year}_l = {year}_r AND NOT {either}", "same year"),
            _level(f"{year}_l = {year}_r", "estimated, same year"),
            _level(_years_apart(1), "estimated, one year apart"),
            _level(_years_apart(2, 3), "estimated, two or three years apart"),
            _level(either, "differs more, one is estimated"),
            _level("ELSE", "all other"),
        ],
    }


def text_comparison(
    role: Role, dialect: SqlDialect, bands: tuple[float, ...], *, term_frequencies: bool = True
) -> Comparison:
    """Free text such as the place of birth: identical (with a term-frequency adjustment, so a
    common value says less), then Dice bands."""
    column = layout.BLOOM[role]
    tf_column = column if term_frequencies else None
    levels = [_null(column), _level(f"{column}_l = {column}_r", "identical", tf_column=tf_column)]
    levels += [
        _level(f"{_dice(column, column, dialect)} >= {band}", f"Dice >= {band}") for band in bands
    ]
    return {
        "output_column_name": role.value,
        "comparison_description": f"{role.value} (Dice on Bloom filters)",
        "comparison_levels": [*levels, _level("ELSE", "all other")],
    }


def residence_comparison(present: Collection[Role], dialect: SqlDialect) -> Comparison:
    """Address, locality and postcode as one comparison: they are one fact (where someone
    lived), and as separate comparisons a shared address would count three times. Shelters and
    shared housing make that fact weak for this population; an identical address also gets a
    term-frequency adjustment, so an address shared by many says less."""
    address, locality = layout.BLOOM[Role.ADDRESS], layout.BLOOM[Role.LOCALITY]
    postcode = layout.EXACT[Role.POSTCODE]
    has_address, has_town, has_postcode = (
        role in present for role in (Role.ADDRESS, Role.LOCALITY, Role.POSTCODE)
    )
    columns = [
        c
        for c, ok in ((address, has_address), (locality, has_town), (postcode, has_postcode))
        if ok
    ]
    both = " OR ".join(f"({c}_l IS NOT NULL AND {c}_r IS NOT NULL)" for c in columns)
    area_parts = []
    if has_postcode:
        area_parts.append(f"{postcode}_l = {postcode}_r")
    if has_town:
        area_parts.append(f"{_dice(locality, locality, dialect)} >= 0.85")
    same_area = " OR ".join(area_parts) or "FALSE"
    levels = [_level(f"NOT ({both})", "no residence on both sides", null=True)]
    if has_address:
        address_dice = _dice(address, address, dialect)
        levels += [
            _level(f"{address}_l = {address}_r", "identical address", tf_column=address),
            _level(f"{address_dice} >= 0.8 AND ({same_area})", "similar address, same area"),
            _level(f"{address_dice} >= 0.7", "similar address"),
        ]
    if area_parts:
        levels.append(_level(same_area, "same postcode or locality"))
    return {
        "output_column_name": "residence",
        "comparison_description": "address, locality and postcode (Dice and keyed tokens)",
        "comparison_levels": [*levels, _level("ELSE", "all other")],
    }


def exact_comparison(role: Role, *, term_frequencies: bool = False) -> Comparison:
    column = layout.EXACT[role]
    tf_column = column if term_frequencies else None
    return {
        "output_column_name": role.value,
        "comparison_description": f"{role.value} (keyed token)",
        "comparison_levels": [
            _null(column),
            _level(f"{column}_l = {column}_r", "same", tf_column=tf_column),
            _level("ELSE", "different"),
        ],
    }


def identifier_comparison(roles: Collection[Role]) -> Comparison:
    """BSN, V-number and passport as one comparison: any agreeing identifier is near-proof,
    a different one is strong evidence against, and they are not independent evidence."""
    columns = [layout.EXACT[role] for role in roles]
    both = " OR ".join(f"({c}_l IS NOT NULL AND {c}_r IS NOT NULL)" for c in columns)
    agree = " OR ".join(f"{c}_l = {c}_r" for c in columns)
    return {
        "output_column_name": "identifiers",
        "comparison_description": "BSN, V-number, passport (keyed tokens)",
        "comparison_levels": [
            _level(f"NOT ({both})", "no identifier on both sides", null=True),
            _level(agree, "an identifier agrees"),
            _level("ELSE", "identifiers differ"),
        ],
    }


# Labels of the levels that form one similarity scale (identical, then Dice bands, strongest
# first); other levels (a swapped name, "all other") are not on it.
SIMILARITY_SCALE = ("identical", "Dice >=")


def monotone_similarity(model: dict[str, Any]) -> dict[str, Any]:
    """A trained model in which a less similar level never weighs more than a more similar one.

    With few pairs per level the estimates can invert: on the synthetic region a given name
    with Dice >= 0.85 weighed 5.5 against 5.1 for an identical one (near-identical given names
    of different people are rare in a small name pool, typos of one person's name less so), and
    a woman with one extra given name was linked to another. m is lowered to the ceiling set by
    the levels above (u is left alone), so the Bayes factors fall along the scale.
    """
    out = deepcopy(model)
    for comparison in out["comparisons"]:
        ceiling = math.inf
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            on_scale = str(level.get("label_for_charts", "")).startswith(SIMILARITY_SCALE)
            if level.get("is_null_level") or not on_scale or not m or not u:
                continue
            if m / u > ceiling:
                level["m_probability"] = ceiling * u
            else:
                ceiling = m / u
    return out


def build_comparisons(
    present: set[Role],
    dialect: SqlDialect,
    *,
    combined_residence: bool = False,
    within_nationality: bool = False,
    salted: bool = False,
    name_scale: float = 1.0,
    undated_name_scale: float | None = None,
    years_keyed: bool = False,
) -> list[Comparison]:
    """Comparisons for the roles that have values on both sides (others would not train).

    `within_nationality`: names and place of birth get no term-frequency adjustment, because
    their u values are then estimated among pairs of the same nationality (`NATIONALITY_BOUND`;
    a whole-file term frequency would undo that).

    `salted`: the file's filters and date tokens are salted per record; the comparisons of
    `SALT_BOUND` get no term-frequency adjustment either (their u is estimated within a salt).

    Address, locality and postcode are separate comparisons by default: on FEBRL4 that gives
    F1 0.999 against 0.983 combined, and on the victim-like set 0.86 against 0.84. Combined
    (`residence_comparison`) is more cautious where many unrelated people share addresses.
    """
    out: list[Comparison] = []
    # The whole-name swap level goes on the family name, or on the given names when there is
    # no family name (then only the sorted-token key can show it): one level for one fact.
    names: list[Role] = [r for r in (Role.GIVEN_NAMES, Role.FAMILY_NAME) if r in present]
    for role in names:
        others = [other for other in names if other is not role]
        swap_with = others[0] if others else None
        swap_level = role is names[-1]
        out.append(
            name_comparison(
                role,
                dialect,
                swap_level=swap_level,
                swap_with=swap_with,
                term_frequencies=not (within_nationality or salted),
                scale=name_scale,
                undated_scale=undated_name_scale,
                years_keyed=years_keyed,
            )
        )
    if Role.DATE_OF_BIRTH in present:
        out.append(date_of_birth_comparison(dialect))
    for role in (Role.SEX, Role.NATIONALITY):
        if role in present:
            out.append(exact_comparison(role))
    if Role.PLACE_OF_BIRTH in present:
        out.append(
            text_comparison(
                Role.PLACE_OF_BIRTH,
                dialect,
                (0.85, 0.65),
                term_frequencies=not (within_nationality or salted),
            )
        )
    if combined_residence and present & {Role.ADDRESS, Role.LOCALITY, Role.POSTCODE}:
        out.append(residence_comparison(present, dialect))
    elif not combined_residence:
        bands = {Role.ADDRESS: (0.85, 0.7, 0.55), Role.LOCALITY: (0.85, 0.65)}
        out += [
            text_comparison(r, dialect, b, term_frequencies=not salted)
            for r, b in bands.items()
            if r in present
        ]
        if Role.POSTCODE in present:
            out.append(exact_comparison(Role.POSTCODE, term_frequencies=True))
    if Role.PHONE in present:
        out.append(exact_comparison(Role.PHONE))
    identifiers = [r for r in (Role.BSN, Role.V_NUMBER, Role.PASSPORT) if r in present]
    if identifiers:
        out.append(identifier_comparison(identifiers))
    return out
