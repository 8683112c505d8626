"""Every problem the engine reports carries a stable code, so a reader's language can be chosen."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from schakel.engine.identity import InvalidIdentityError, parse_identity
from schakel.engine.problems import ENGLISH, Code
from schakel.engine.trajectories.events import InvalidEventError, validate_payload
from schakel.engine.trajectories.projection import Event
from schakel.engine.trajectories.rules import check_sequence

ENGINE = Path(__file__).resolve().parents[2] / "src" / "schakel" / "engine"
VALIDATORS = {"field_validator", "model_validator"}


def test_every_code_has_an_english_text() -> None:
    assert set(ENGLISH) == set(Code)


def test_a_bad_identity_names_each_field_by_code() -> None:
    with pytest.raises(InvalidIdentityError) as raised:
        parse_identity(
            {"family_name": "X", "date_of_birth": "31-02-2010", "identifiers": {"bsn": "1"}}
        )
    found = {(p.field, p.code) for p in raised.value.problems}
    assert found == {("date_of_birth", "partial_date"), ("identifiers.bsn", "invalid_bsn")}
    assert "Value error" not in str(raised.value)
    assert ("date_of_birth", "use YYYY, YYYY-MM or YYYY-MM-DD") in raised.value.errors


def test_pydantic_types_and_their_parameters_pass_through() -> None:
    with pytest.raises(InvalidEventError) as raised:
        validate_payload(
            "exploitation_episode", {"episode_id": "e", "form": "labour", "sector_isic": "zz"}
        )
    (only,) = raised.value.problems
    assert (only.field, only.code, only.params) == (
        "sector_isic",
        "string_pattern_mismatch",
        {"pattern": "^[A-U]$"},
    )


def test_model_rules_and_sequence_rules_carry_codes_and_params() -> None:
    with pytest.raises(InvalidEventError) as raised:
        validate_payload("residence_milestone", {"milestone": "permit_decision"})
    (only,) = raised.value.problems
    assert (only.field, only.code, dict(only.params)) == (
        "payload",
        "decision_required",
        {"milestone": "permit_decision"},
    )
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    start = Event("1", "placement_start", at, at, {"placement_id": "p", "placement_type": "cosm"})
    early = at - dt.timedelta(days=1)
    (problem,) = check_sequence(
        [start], "placement_end", early, {"placement_id": "p", "reason": "x"}
    )
    assert (problem.field, problem.code) == ("occurred_at", "end_before_start")
    (missing,) = check_sequence([], "placement_end", at, {"placement_id": "q", "reason": "x"})
    assert missing.code == "no_start" and missing.params == {"start": "placement_start"}
    assert missing.message == "no placement_start with this reference in the trajectory"


def _validator_raises_value_error(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        names = {
            d.func.id if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) else ""
            for d in node.decorator_list
        }
        if names & VALIDATORS:
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Raise)
                    and isinstance(inner.exc, ast.Call)
                    and isinstance(inner.exc.func, ast.Name)
                    and inner.exc.func.id == "ValueError"
                ):
                    found.append(node.name)
    return found


def test_no_validator_in_the_engine_raises_a_bare_value_error() -> None:
    """A ValueError reaches the reader as "Value error, ..." in English; a coded error does not."""
    sample = "@field_validator('x')\ndef f(cls, v):\n    raise ValueError('no')\n"
    assert _validator_raises_value_error(ast.parse(sample)) == ["f"]
    offenders = {
        str(path.relative_to(ENGINE)): names
        for path in ENGINE.rglob("*.py")
        if (names := _validator_raises_value_error(ast.parse(path.read_text())))
    }
    assert offenders == {}
