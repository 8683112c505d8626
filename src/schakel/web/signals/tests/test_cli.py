"""`schakel signals catalogue` and `schakel signals evaluate` (functions in signals_cli)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from schakel.cli import CommandError
from schakel.engine.indicators import load_catalogue
from schakel.signals_cli import catalogue, evaluate_file

CATALOGUE = load_catalogue()


def test_catalogue_as_json_and_csv() -> None:
    document = json.loads(catalogue("adults-labour", "json"))
    assert document["version"] == CATALOGUE.version
    assert [s["id"] for s in document["sets"]] == ["adults-labour"]
    assert len(document["sets"][0]["indicators"]) == 67
    rows = list(csv.DictReader(io.StringIO(catalogue("children-labour", "csv"))))
    assert len(rows) == 65 and rows[0]["set"] == "children-labour"
    assert {r["strength"] for r in rows} == {"strong", "medium"}
    everything = json.loads(catalogue(None, "json"))
    assert len(everything["sets"]) == len(CATALOGUE.sets)


def test_catalogue_errors_are_named() -> None:
    with pytest.raises(CommandError, match="unknown set 'adults-organs'"):
        catalogue("adults-organs", "json")
    with pytest.raises(CommandError, match="Unknown format 'xml'"):
        catalogue("adults-labour", "xml")


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_evaluate_file(tmp_path: Path) -> None:
    answers = {"AL-D1-01": "present", "AL-D1-02": "present", "AL-D4-01": "present"}
    path = write(tmp_path, {"set": "adults-labour", "answers": answers})
    result = json.loads(evaluate_file(path))
    assert result["outcome"] == "could_still_be_met"
    assert result["positive_dimensions"] == ["D1"]
    first = result["next_questions"][0]
    assert first["indicator"].startswith("AL-D") and first["label"] and first["steps_to_met"] >= 1
    assert result["catalogue_digest"] == CATALOGUE.digest


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "expected an object"),
        ({"answers": {}}, '"set" is missing'),
        ({"set": "adults-labour", "answers": []}, '"answers" must be an object'),
        ({"set": "adults-labour", "answers": {}, "extra": 1}, "unknown fields extra"),
        ({"set": "adult-labour", "answers": {}}, "unknown set 'adult-labour'"),
        ({"set": "adults-labour", "answers": {"XX-9": "present"}}, "XX-9"),
        ({"set": "adults-labour", "answers": {"AL-D1-01": "yes"}}, "AL-D1-01='yes'"),
    ],
)
def test_evaluate_file_errors_are_clear(tmp_path: Path, content: object, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("[", r"\[")):
        evaluate_file(write(tmp_path, content))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        evaluate_file(tmp_path / "missing.json")
