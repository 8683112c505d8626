"""The shipped catalogue: counts, strengths as in the reference, markers, texts, mappings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schakel.engine.indicators import (
    Dimension,
    Phase,
    SetKind,
    Strength,
    Verification,
    load_catalogue,
)

CATALOGUE = load_catalogue()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"

# Strengths transcribed from indicators.md ("Adults-labour (A-L) and children-labour (C-L)
# strengths"), in the reference's order; "-" = not in that set.
REFERENCE_STRENGTHS = {
    "D1": ("S M M M M M M M M W", "S M M M M M M M M S"),
    "D2": ("S M M M M M M M M M", "S S S S M M M M M M"),
    "D3": ("M M M M M M M M M M M M M M W W", "M M M M M M M - M M M M M M M M"),
    "D4": ("S M M M M M M M W", "S M M M M M M - M"),
    "D5": ("S S S S M M M M M M M M M M W", "S S S S S S S S M M M M M M M"),
    "D6": ("M M M M M W W", "M M M M M M M"),
}
LETTER = {"S": Strength.STRONG, "M": Strength.MEDIUM, "W": Strength.WEAK}

EXPECTED_COUNTS = {  # D1..D6, observation aids
    "adults-labour": (10, 10, 16, 9, 15, 7, 0),
    "children-labour": (10, 10, 15, 8, 15, 7, 0),
    "adults-sexual": (10, 10, 16, 9, 15, 7, 0),
    "children-sexual": (10, 10, 15, 8, 15, 7, 0),
    "criminal-exploitation-minors": (10, 10, 15, 8, 15, 7, 4),
    "nl-generic": (1, 0, 0, 5, 7, 1, 0),
    "nl-loverboy": (0, 0, 3, 0, 0, 0, 12),
    "nl-school": (0, 0, 0, 0, 0, 0, 7),
    "nl-prosecution-labour": (0, 0, 0, 4, 4, 4, 2),
    "ilo-forced-labour-2012": (0, 0, 0, 2, 7, 0, 2),
}


def counts(set_id: str) -> tuple[int, ...]:
    per = CATALOGUE.get_set(set_id).counts_per_dimension()
    return (*(per[d] for d in Dimension), per.get(None, 0))


def test_adults_labour_is_the_complete_ilo_set() -> None:
    assert counts("adults-labour")[:6] == (10, 10, 16, 9, 15, 7)
    assert len(CATALOGUE.indicators_of("adults-labour")) == 67


@pytest.mark.parametrize("set_id", sorted(EXPECTED_COUNTS))
def test_counts_per_set_and_dimension(set_id: str) -> None:
    assert counts(set_id) == EXPECTED_COUNTS[set_id]


def test_every_set_is_counted() -> None:
    assert {s.id for s in CATALOGUE.sets} == set(EXPECTED_COUNTS)


@pytest.mark.parametrize(("set_id", "column"), [("adults-labour", 0), ("children-labour", 1)])
def test_strengths_are_those_of_the_reference(set_id: str, column: int) -> None:
    for dimension, columns in REFERENCE_STRENGTHS.items():
        letters = columns[column].split()
        expected = {
            f"{set_id[0].upper()}L-{dimension}-{n:02d}": LETTER[letter]
            for n, letter in enumerate(letters, start=1)
            if letter != "-"
        }
        actual = {
            i.id: i.strength
            for i in CATALOGUE.indicators_of(set_id)
            if i.dimension is Dimension(dimension)
        }
        assert actual == expected, dimension


def test_children_labour_has_no_weak_tier() -> None:
    assert all(i.strength is not Strength.WEAK for i in CATALOGUE.indicators_of("children-labour"))


DERIVED = [
    ("adults-sexual", "adults-labour"),
    ("children-sexual", "children-labour"),
    ("criminal-exploitation-minors", "children-labour"),
]


@pytest.mark.parametrize(("derived", "base"), DERIVED)
def test_derived_sets_keep_the_base_strengths_and_are_provisional(derived: str, base: str) -> None:
    indicator_set = CATALOGUE.get_set(derived)
    assert indicator_set.provisional
    for indicator in indicator_set.indicators:
        assert indicator.provisional
        if indicator.dimension is None:
            continue
        source = CATALOGUE.indicator(indicator.derived_from or "")
        assert source.set_id == base and source.dimension is indicator.dimension
        if indicator.id.endswith("-D5-07"):  # "forced tasks or clients is strong there"
            assert indicator.strength is Strength.STRONG
        else:
            assert indicator.strength is source.strength, indicator.id


def test_sexual_sets_are_marked_as_a_gap() -> None:
    for set_id in ("adults-sexual", "children-sexual"):
        assert {i.verification for i in CATALOGUE.indicators_of(set_id)} == {Verification.GAP}
    assert CATALOGUE.indicator("AL-D5-07").strength is Strength.MEDIUM
    assert CATALOGUE.indicator("AS-D5-07").strength is Strength.STRONG


def test_ilo_sets_are_secondary_and_not_provisional() -> None:
    for set_id in ("adults-labour", "children-labour"):
        indicators = CATALOGUE.indicators_of(set_id)
        assert {i.verification for i in indicators} == {Verification.SECONDARY}
        assert not any(i.provisional for i in indicators)
        assert all(i.source == "ILO/EC 2009 Delphi" for i in indicators)


def test_strength_conflict_is_noted() -> None:
    for key in ("D4-01", "D4-02", "D4-04", "D4-06"):
        assert "strong" in (CATALOGUE.indicator(f"AL-{key}").note or "")


def test_phase_follows_the_dimension() -> None:
    for indicator_set in CATALOGUE.sets:
        for i in indicator_set.indicators:
            if i.dimension is None:
                assert i.phase is None and i.strength is None
            else:
                recruitment = i.dimension in (Dimension.D1, Dimension.D2, Dimension.D3)
                assert i.phase is (Phase.RECRUITMENT if recruitment else Phase.DESTINATION)


def test_no_two_indicators_of_a_set_share_a_wording() -> None:
    """A check asks every indicator of its set: two with one wording (the walk found four pairs,
    one at recruitment and one at destination) read as the same question asked twice."""
    for indicator_set in CATALOGUE.sets:
        for language in ("nl", "en"):
            seen: dict[str, str] = {}
            for i in indicator_set.indicators:
                wording = getattr(i.label, language).strip().casefold()
                assert wording not in seen, (language, seen.get(wording), i.id)
                seen[wording] = i.id


def test_texts_are_written_in_both_languages() -> None:
    for indicator_set in CATALOGUE.sets:
        assert indicator_set.label.nl != indicator_set.label.en
        for i in indicator_set.indicators:
            assert i.label.nl != i.label.en, i.id
            assert i.explanation.nl != i.explanation.en, i.id
            assert i.explanation.en.endswith(".") and i.explanation.nl.endswith("."), i.id


def test_signals_map_to_indicators_and_stay_observation_aids_otherwise() -> None:
    for indicator_set in CATALOGUE.sets:
        if indicator_set.kind is not SetKind.SIGNAL_LIST:
            continue
        assert indicator_set.rule is None
        for signal in indicator_set.indicators:
            if signal.maps_to is None:
                assert signal.dimension is None and not signal.provisional
            else:
                target = CATALOGUE.indicator(signal.maps_to)
                assert (signal.dimension, signal.strength) == (target.dimension, target.strength)
                assert signal.provisional  # the mapping is ours, not the source list's


def test_signals_count_in_the_sets_of_their_population() -> None:
    assert CATALOGUE.signal_targets("adults-labour")["NLG-04"] == "AL-D4-01"
    assert CATALOGUE.signal_targets("adults-sexual")["NLG-04"] == "AS-D4-01"
    assert CATALOGUE.signal_targets("adults-sexual")["NLG-01"] == "AS-D5-07"
    assert "NLG-01" not in CATALOGUE.signal_targets("adults-labour")
    assert "NLG-04" not in CATALOGUE.signal_targets("children-labour")
    assert CATALOGUE.signal_targets("children-sexual")["NLLB-07"] == "CS-D3-10"
    assert "NLLB-07" not in CATALOGUE.signal_targets("children-labour")
    prompts = {s.id for s in CATALOGUE.signals_for("AL-D5-01")}
    assert prompts == {"NLG-06", "NLOM-10", "FL12-07"}


def test_catalogue_has_a_version_and_a_fingerprint() -> None:
    assert re.match(r"^\d{4}\.\d+$", CATALOGUE.version)
    assert re.match(r"^[0-9a-f]{64}$", CATALOGUE.digest)
    assert load_catalogue().digest == CATALOGUE.digest


def test_docs_list_the_counts() -> None:
    """docs/indicators.md must show the counts of the shipped catalogue."""
    text = DOCS.read_text(encoding="utf-8")
    assert f"version {CATALOGUE.version}" in text
    for set_id, expected in EXPECTED_COUNTS.items():
        row = re.search(rf"^\| `{re.escape(set_id)}` \|(.+)\|\s*$", text, re.MULTILINE)
        assert row, set_id
        numbers = tuple(int(cell) for cell in row.group(1).split("|")[-8:])
        assert numbers == (*expected, sum(expected)), set_id
