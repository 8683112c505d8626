"""Comparison levels on encoded records: which level a pair of dates of birth falls in, and
trained weights that never reward a less similar value more."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pytest

from schakel.engine.linkage import EncodingSchema, LinkageKey, encode_frame, layout
from schakel.engine.linkage.comparisons import (
    SOUND_APART,
    date_of_birth_comparison,
    monotone_similarity,
    name_comparison,
)
from schakel.engine.linkage.engines import DuckDBEngine
from schakel.engine.linkage.files import name_noise_scale, undated_name_scale
from schakel.engine.linkage.keyed_years import years_keyed_with_names
from schakel.engine.linkage.keys import record_token
from schakel.engine.linkage.schema import Role
from schakel.engine.linkage.splink_model import _with_full_name

KEY = LinkageKey(b"the secret key of this test, long enough")
SCHEMA = EncodingSchema.from_mapping(
    {
        "schema_version": 1,
        "id": "id",
        "date_order": "ymd",
        # Format 5's date tokens and date filter; format 6 below.
        "mix": "none",
        "year_tokens": "plain",
        "roles": {
            "given_names": "given",
            "date_of_birth": "born",
            "date_of_birth_estimated": "estimated",
        },
    }
)
DATES = {
    "real": ("1990-06-12", ""),
    "real, one digit off": ("1990-06-13", ""),
    "real, january": ("1990-01-17", ""),
    "real, five years later": ("1995-03-04", ""),
    "same, flagged estimated": ("1990-06-12", "yes"),
    "1 january": ("1990-01-01", ""),
    "year only, next year": ("1991", ""),
    "1 january, three years later": ("1993-01-01", ""),
}


@pytest.fixture(scope="module")
def encoded() -> pa.Table:
    frame = pd.DataFrame(
        [(name, "Sara", born, flag) for name, (born, flag) in DATES.items()],
        columns=["id", "given", "born", "estimated"],
    )
    table, _ = encode_frame(frame, SCHEMA, KEY)
    return table


def date_level(table: pa.Table, left: str, right: str) -> str:
    """The label of the date-of-birth level the pair falls in, evaluated by DuckDB."""
    engine = DuckDBEngine()
    engine.register_records(_with_full_name(table), "left")
    columns = engine.connection.execute("SELECT * FROM records_left LIMIT 0").df().columns
    select = [f"l.{c} AS {c}_l" for c in columns] + [f"r.{c} AS {c}_r" for c in columns]
    levels = date_of_birth_comparison(engine.dialect)["comparison_levels"]
    case = " ".join(
        f"WHEN {level['sql_condition']} THEN '{level['label_for_charts']}'"
        for level in levels
        if level["sql_condition"] != "ELSE"
    )
    ids = record_token(KEY, left), record_token(KEY, right)
    sql = (
        f"SELECT CASE {case} ELSE 'all other' END FROM (SELECT {', '.join(select)} "  # noqa: S608
        f"FROM records_left l, records_left r WHERE l.record_id = ? AND r.record_id = ?)"
    )
    found = engine.connection.execute(sql, list(ids)).fetchone()
    engine.close()
    assert found is not None
    return str(found[0])


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("real", "same, flagged estimated", "same date, estimated or 1 January"),
        ("real", "real, one digit off", "one digit differs (Dice >= 0.7)"),
        ("real", "1 january", "estimated, same year"),
        # A 1 January default says nothing about the month: not "same year and month".
        ("real, january", "1 january", "estimated, same year"),
        ("real", "year only, next year", "estimated, one year apart"),
        ("year only, next year", "real", "estimated, one year apart"),
        ("real", "1 january, three years later", "estimated, two or three years apart"),
        ("1 january", "1 january, three years later", "estimated, two or three years apart"),
        ("1 january", "real, five years later", "differs more, one is estimated"),
        ("real", "real, five years later", "all other"),
    ],
)
def test_an_estimated_date_near_the_other_is_a_level_of_its_own(
    encoded: pa.Table, left: str, right: str, level: str
) -> None:
    assert date_level(encoded, left, right) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # The estimated full date is keyed with the names: it meets the real date through its
        # year and month.
        ("real", "same, flagged estimated", "same year and month"),
        ("real", "1 january", "estimated, same year"),
        ("real", "year only, next year", "estimated, one year apart"),
        ("real", "real, five years later", "all other"),
    ],
)
def test_year_tokens_keyed_with_the_names_keep_the_date_levels(
    left: str, right: str, level: str
) -> None:
    """Format 6 (year tokens keyed with the names, no date filter): with the same names the
    year and month levels stay; "one digit differs" is gone (the record filter holds the
    digits)."""
    frame = pd.DataFrame(
        [(name, "Sara", born, flag) for name, (born, flag) in DATES.items()],
        columns=["id", "given", "born", "estimated"],
    )
    table, _ = encode_frame(frame, replace(SCHEMA, year_tokens="names", mix="record"), KEY)
    assert date_level(table, left, right) == level


def test_only_estimated_dates_carry_the_years_around_them(encoded: pa.Table) -> None:
    by_id = {record_token(KEY, name): i for i, name in enumerate(DATES)}
    rows = [by_id[value] for value in encoded[layout.RECORD_ID].to_pylist()]
    column = {
        name: dict(zip(rows, encoded[name].to_pylist(), strict=True))
        for name in (layout.DOB_YEAR, layout.DOB_YEAR_MONTH, *layout.DOB_YEAR_NEAR.values())
    }
    names = list(DATES)
    real, january, next_year = (
        names.index(n) for n in ("real", "1 january", "year only, next year")
    )
    assert all(column[c][real] is None for c in layout.DOB_YEAR_NEAR.values())
    # Keyed like the year itself: 1990 + 1 is the token of 1991.
    assert column[layout.DOB_YEAR_NEAR[1]][january] == column[layout.DOB_YEAR][next_year]
    assert column[layout.DOB_YEAR_NEAR[-1]][next_year] == column[layout.DOB_YEAR][january]
    assert column[layout.DOB_YEAR_MONTH][january] is None
    assert column[layout.DOB_YEAR_MONTH][real] is not None


def test_a_less_similar_level_never_weighs_more() -> None:
    def level(label: str, m: float, u: float) -> dict[str, object]:
        return {"label_for_charts": label, "m_probability": m, "u_probability": u}

    model = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"label_for_charts": "missing", "is_null_level": True},
                    level("identical filters", 0.5, 0.01),  # factor 50
                    level("Dice >= 0.85", 0.02, 0.0002),  # 100: capped to 50
                    level("Dice >= 0.7", 0.1, 0.004),  # 25: stays
                    level("whole name similar in any order", 0.2, 0.0001),  # not on the scale
                    level("Dice >= 0.5", 0.1, 0.002),  # 50: capped to 25
                    level("all other", 0.08, 0.98),
                ]
            }
        ]
    }
    levels = monotone_similarity(model)["comparisons"][0]["comparison_levels"]
    factors = [lv["m_probability"] / lv["u_probability"] for lv in levels[1:]]
    assert [round(f, 6) for f in factors] == [50, 50, 25, 2000, 25, round(0.08 / 0.98, 6)]
    assert model["comparisons"][0]["comparison_levels"][2]["m_probability"] == 0.02  # a copy
    assert all(math.isfinite(f) for f in factors)


def name_levels(table: pa.Table, pairs: list[tuple[str, str]]) -> list[str]:
    """The labels of the name levels the pairs of source ids fall in (format 6, one record
    filter), evaluated by DuckDB with the file's own noise scales."""
    engine = DuckDBEngine()
    engine.register_records(_with_full_name(table), "left")
    columns = engine.connection.execute("SELECT * FROM records_left LIMIT 0").df().columns
    select = [f"l.{c} AS {c}_l" for c in columns] + [f"r.{c} AS {c}_r" for c in columns]
    comparison = name_comparison(
        Role.GIVEN_NAMES,
        engine.dialect,
        scale=name_noise_scale(table),
        undated_scale=undated_name_scale(table),
        years_keyed=years_keyed_with_names(table),
    )
    case = " ".join(
        f"WHEN {level['sql_condition']} THEN '{level['label_for_charts']}'"
        for level in comparison["comparison_levels"]
        if level["sql_condition"] != "ELSE"
    )
    sql = (
        f"SELECT CASE {case} ELSE 'all other' END FROM (SELECT {', '.join(select)} "  # noqa: S608
        f"FROM records_left l, records_left r WHERE l.record_id = ? AND r.record_id = ?)"
    )
    found = []
    for left, right in pairs:
        row = engine.connection.execute(sql, [record_token(KEY, left), record_token(KEY, right)])
        found.append(str(row.fetchone()[0]))  # type: ignore[index]
    engine.close()
    return found


FAMILY = ("Wu", "Ng", "Li", "Ho", "Konstantinopoulou", "Vanderheijden", "Abdulrahman", "Oosterhuis")
GIVEN = ("Bo", "Yi", "An", "Jo", "Alexandrina", "Maximiliaan", "Mohammedamin", "Wilhelmina")
MEDIUM_GIVEN = ("Emma", "Sven", "Lotte", "Daan")
MEDIUM_FAMILY = ("Jansen", "Smit", "Bakker", "Visser")
MISSPELT_FAMILY = ("Janssen", "Smid", "Bakkr", "Vissers")
RECORD_FILTERS = replace(SCHEMA, mix="record", year_tokens="names", flip=0.15)


def twice(rows: list[tuple[str, str, str, str]]) -> pa.Table:
    """Each (id, given, family, born) encoded as two records, `a-id` and `b-id` (other flips);
    `born` of the second may be left empty with a `|`: "1990-06-12|"."""
    frame = pd.DataFrame(
        [
            (f"{side}-{person}", given, family, born.split("|")[index], "")
            for person, given, family, born in rows
            for index, side in enumerate(("a", "b"))
        ],
        columns=["id", "given", "family", "born", "estimated"],
    )
    schema = replace(RECORD_FILTERS, roles={**RECORD_FILTERS.roles, Role.FAMILY_NAME: ("family",)})
    table, _ = encode_frame(frame, schema, KEY)
    return table


def test_flipped_copies_of_names_without_a_date_reach_the_top_band() -> None:
    """Two flipped copies of one record filter reach a Dice that depends on the filter's fill
    (`bloom.flipped_dice`: 0.57 at 300 bits set, 0.72 at 460, at 15%), and a record without a
    date has fewer bits: the names alone. Read against the file's mean fill, copies of short
    names without a date never reached "Dice >= 0.85"; read against the fill of the file's
    records without a date, they do, as copies of long names with a date do."""
    rows = [
        (f"{i}", GIVEN[i % 4], FAMILY[(i // 4) % 4], "|") for i in range(16)
    ] + [
        (f"{i}", GIVEN[4 + i % 4], FAMILY[4 + (i // 4) % 4], f"19{50 + i}-0{1 + i % 9}-1{i % 10}|"
         f"19{50 + i}-0{1 + i % 9}-1{i % 10}")
        for i in range(16, 32)
    ]  # fmt: skip
    levels = name_levels(twice(rows), [(f"a-{i}", f"b-{i}") for i in range(32)])
    top = {"identical filters", "Dice >= 0.85"}
    short, long = levels[:16], levels[16:]
    assert sum(level in top for level in short) >= 14, short
    assert sum(level in top for level in long) >= 14, long


def test_a_record_filter_with_a_date_on_one_side_has_levels_of_its_own() -> None:
    """Mixed with the date's digits (mix "record"), the same name with a date on one side
    only shares the name's bits and not the date's: its own bands, where it reaches the
    first and a record of another name does not."""
    rows = [
        (f"{i}", GIVEN[4 + i % 4], FAMILY[4 + i // 4], f"19{60 + i}-0{1 + i % 9}-2{i % 8}|")
        for i in range(16)
    ]
    table = twice(rows)
    same = name_levels(table, [(f"a-{i}", f"b-{i}") for i in range(16)])
    assert sum(level == "date on one side, Dice >= 0.75" for level in same) >= 14, same
    other = name_levels(table, [(f"a-{i}", f"b-{(i + 5) % 16}") for i in range(16)])
    assert not any(level == "date on one side, Dice >= 0.75" for level in other), other


def test_a_changed_date_and_a_misspelt_name_stay_above_chance() -> None:
    """A misspelt family name and another date of birth (FEBRL4's most common miss): the
    record filters of one person fall between the top band and chance, in levels records of
    other people do not reach. Before the flipped band between 0.7 and 0.85 was split, both
    fell in it (FEBRL4: +0.2, for a tenth of all random pairs as for those true pairs)."""
    frame = pd.DataFrame(
        [
            (f"{side}-{i}", MEDIUM_GIVEN[i % 4], family, born, "")
            for i in range(16)
            for side, family, born in (
                ("a", MEDIUM_FAMILY[i // 4], f"19{60 + i}-0{1 + i % 9}-2{i % 8}"),
                ("b", MISSPELT_FAMILY[i // 4], f"19{40 + i}-1{i % 3}-0{1 + i % 9}"),
            )
        ],
        columns=["id", "given", "family", "born", "estimated"],
    )
    schema = replace(RECORD_FILTERS, roles={**RECORD_FILTERS.roles, Role.FAMILY_NAME: ("family",)})
    table, _ = encode_frame(frame, schema, KEY)
    same = name_levels(table, [(f"a-{i}", f"b-{i}") for i in range(16)])
    other = name_levels(table, [(f"a-{i}", f"b-{(i + 5) % 16}") for i in range(16)])
    above = {"Dice >= 0.85", "Dice >= 0.8", "Dice >= 0.75"}
    assert sum(level in above for level in same) >= 14, same
    assert not any(level in above for level in other), other


def test_one_name_in_common_and_one_date_is_not_the_top_band() -> None:
    """The record filter holds the date's digits: two women with one given name in common,
    born the same day, reached the top band (synthetic region: "Ivie Edosa" and "Ivie Aigbe",
    +7.8 on the names, linked). Their year tokens carry both names' Soundex codes and differ,
    so in the lower part of the top band such a pair is a level of its own (without it, most
    of these pairs were in the top band); copies of one record stay there."""
    born = [f"19{60 + i}-0{1 + i % 9}-2{i % 8}" for i in range(16)]
    frame = pd.DataFrame(
        [
            (f"{side}-{i}", MEDIUM_GIVEN[i % 4], family, born[i], "")
            for i in range(16)
            for side, family in (
                ("a", MEDIUM_FAMILY[i // 4]),
                ("b", MEDIUM_FAMILY[i // 4]),
                ("c", MEDIUM_FAMILY[(i // 4 + 1) % 4]),
            )
        ],
        columns=["id", "given", "family", "born", "estimated"],
    )
    schema = replace(RECORD_FILTERS, roles={**RECORD_FILTERS.roles, Role.FAMILY_NAME: ("family",)})
    table, _ = encode_frame(frame, schema, KEY)
    top = {"identical filters", "Dice >= 0.85"}
    same = name_levels(table, [(f"a-{i}", f"b-{i}") for i in range(16)])
    assert sum(level in top for level in same) >= 14, same
    other = name_levels(table, [(f"a-{i}", f"c-{i}") for i in range(16)])
    # Above 0.9 of the copies' Dice the names must nearly agree: short family names can.
    assert sum(level in top for level in other) <= 3, other
    assert sum(level == SOUND_APART for level in other) >= 8, other
