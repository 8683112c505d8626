"""A broken catalogue is refused with an error that names the item."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schakel.engine.indicators import (
    CatalogueError,
    DuplicateIdError,
    InvalidStrengthError,
    MissingTextError,
    UnknownDimensionError,
    UnknownIndicatorError,
    UnknownSetError,
    build_catalogue,
    load_catalogue,
)
from schakel.engine.indicators.loader import default_catalogue_path

Json = dict[str, Any]


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    with as_file(default_catalogue_path()) as source:
        shutil.copytree(source, tmp_path / "catalogue")
    return tmp_path / "catalogue"


def edit(directory: Path, name: str, change: Callable[[Json], None]) -> None:
    path = directory / name
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


AL = "sets/adults-labour.json"


def first(document: Json) -> Json:
    item: Json = document["indicators"][0]
    return item


def test_copy_loads(catalogue_dir: Path) -> None:
    assert load_catalogue(catalogue_dir).version == load_catalogue().version


def test_duplicate_id(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: d["indicators"][1].update(id="AL-D1-01"))
    with pytest.raises(DuplicateIdError, match=r"AL-D1-01") as error:
        load_catalogue(catalogue_dir)
    assert error.value.items == ("AL-D1-01",)


def test_strength_outside_the_three(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).update(strength="very strong"))
    with pytest.raises(InvalidStrengthError, match=r"AL-D1-01: strength 'very strong'"):
        load_catalogue(catalogue_dir)


def test_missing_strength(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).pop("strength"))
    with pytest.raises(InvalidStrengthError, match=r"AL-D1-01: missing strength"):
        load_catalogue(catalogue_dir)


def test_unknown_dimension(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).update(dimension="D7"))
    with pytest.raises(UnknownDimensionError, match=r"AL-D1-01: dimension 'D7'"):
        load_catalogue(catalogue_dir)


def test_unknown_set(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: d.update(set="adults-organ-removal"))
    with pytest.raises(UnknownSetError, match=r"adults-organ-removal") as error:
        load_catalogue(catalogue_dir)
    assert error.value.items == ("adults-organ-removal",)


@pytest.mark.parametrize(
    ("field", "language"),
    [("label", "nl"), ("label", "en"), ("explanation", "nl"), ("explanation", "en")],
)
def test_missing_text(catalogue_dir: Path, field: str, language: str) -> None:
    edit(catalogue_dir, AL, lambda d: first(d)[field].pop(language))
    name = {"nl": "Dutch", "en": "English"}[language]
    with pytest.raises(MissingTextError, match=f"AL-D1-01: {field} has no {name}"):
        load_catalogue(catalogue_dir)


def test_missing_label_altogether(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).pop("label"))
    with pytest.raises(MissingTextError, match=r"label"):
        load_catalogue(catalogue_dir)


def test_signal_maps_to_unknown_indicator(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "sets/nl-generic.json", lambda d: first(d).update(maps_to="AS-D9-99"))
    with pytest.raises(UnknownIndicatorError, match=r"NLG-01: maps_to names unknown"):
        load_catalogue(catalogue_dir)


def test_signal_maps_to_an_observation_aid(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "sets/nl-generic.json", lambda d: first(d).update(maps_to="NLSCH-01"))
    with pytest.raises(CatalogueError, match=r"NLG-01: maps_to must name a counted indicator"):
        load_catalogue(catalogue_dir)


def test_signal_cannot_carry_its_own_strength(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "sets/nl-generic.json", lambda d: first(d).update(strength="strong"))
    with pytest.raises(CatalogueError, match=r"NLG-01: a signal takes"):
        load_catalogue(catalogue_dir)


def test_derived_from_unknown(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "sets/adults-sexual.json", lambda d: first(d).update(derived_from="X-1"))
    with pytest.raises(UnknownIndicatorError, match=r"AS-D1-01: derived_from"):
        load_catalogue(catalogue_dir)


def test_adults_labour_must_keep_its_67(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: d["indicators"].pop())
    edit(catalogue_dir, "sets/adults-sexual.json", lambda d: d["indicators"].pop())
    with pytest.raises(CatalogueError, match=r"set 'adults-labour' has .*'D6': 6"):
        load_catalogue(catalogue_dir)


def test_unknown_field_is_named(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).update(strenght="strong"))
    with pytest.raises(CatalogueError, match=r"unknown field.*strenght"):
        load_catalogue(catalogue_dir)


def test_id_must_carry_prefix_and_dimension(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).update(id="XX-D1-01"))
    with pytest.raises(CatalogueError, match=r"XX-D1-01: id must start with the set prefix AL-"):
        load_catalogue(catalogue_dir)


def test_id_and_dimension_must_agree(catalogue_dir: Path) -> None:
    edit(catalogue_dir, AL, lambda d: first(d).update(dimension="D2"))
    with pytest.raises(CatalogueError, match=r"AL-D1-01: id does not carry its dimension D2"):
        load_catalogue(catalogue_dir)


def test_invalid_json_names_the_file(catalogue_dir: Path) -> None:
    (catalogue_dir / AL).write_text("{", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"sets/adults-labour.json: not valid JSON"):
        load_catalogue(catalogue_dir)


def test_missing_version(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "catalogue.json", lambda d: d.pop("version"))
    with pytest.raises(CatalogueError, match=r"version"):
        load_catalogue(catalogue_dir)


def test_set_without_file(catalogue_dir: Path) -> None:
    (catalogue_dir / "sets/nl-school.json").unlink()
    with pytest.raises(CatalogueError, match=r"no indicator file for set.*nl-school"):
        load_catalogue(catalogue_dir)


def test_unknown_rule(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "catalogue.json", lambda d: d["sets"][0].update(rule="teen"))
    with pytest.raises(CatalogueError, match=r"adults-labour.*rule 'teen'"):
        load_catalogue(catalogue_dir)


def test_lookups_of_missing_items() -> None:
    catalogue = load_catalogue()
    with pytest.raises(UnknownSetError, match=r"adults-organ"):
        catalogue.indicators_of("adults-organ")
    with pytest.raises(UnknownIndicatorError, match=r"AL-D9-01"):
        catalogue.indicator("AL-D9-01")


def tiny(strength: object) -> tuple[Json, dict[str, Json]]:
    manifest = {
        "format": 1,
        "version": "t1",
        "sets": [
            {"id": "t", "prefix": "T", "kind": "indicator-set", "population": "adults",
             "form": "labour", "rule": "adult", "label": {"nl": "t", "en": "t"},
             "source": "s", "verification": "gap"}
        ],
    }  # fmt: skip
    item = {"id": "T-D1-01", "dimension": "D1", "strength": strength,
            "label": {"nl": "a", "en": "b"}, "explanation": {"nl": "a.", "en": "b."}}  # fmt: skip
    return manifest, {"sets/t.json": {"set": "t", "indicators": [item]}}


@given(st.one_of(st.text(), st.integers(), st.booleans(), st.none()))
def test_any_other_strength_is_refused(strength: object) -> None:
    manifest, documents = tiny(strength)
    if strength in ("strong", "medium", "weak"):
        assert build_catalogue(manifest, documents).indicator("T-D1-01").strength == strength
    else:
        with pytest.raises(InvalidStrengthError, match=r"T-D1-01"):
            build_catalogue(manifest, documents)
