"""Every purpose the code writes into the audit trail has a name in Dutch and English, and the
trail's search finds it by that name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from schakel.web.audit.labels import purpose_label, purposes_named
from schakel.web.core.labels import AUDIT_PURPOSES

WEB = Path(__file__).resolve().parents[2]


def written_purposes() -> set[str]:
    """The string purposes passed as `purpose=` anywhere in the web apps (tests excepted);
    an f-string counts by its fixed start ("record {event_type}" as "record ")."""
    found: set[str] = set()
    for path in WEB.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg != "purpose":
                    continue
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
                elif isinstance(value, ast.Name) and value.id in constants:
                    found.add(constants[value.id])  # purpose=PURPOSE, a module constant
                elif isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.Constant):
                    found.add(str(value.values[0].value))
    return found


def test_the_scan_finds_what_the_code_writes() -> None:
    purposes = written_purposes()
    assert {"view trajectory", "record ", "record consent for "} <= purposes


def test_every_purpose_the_code_writes_is_named_in_dutch() -> None:
    queries = {"disclosure", "services", "national_registration", "statistics"}  # consent codes
    fixed = {p for p in written_purposes() if not p.endswith(" ")} - queries
    missing = sorted(p for p in fixed if p not in AUDIT_PURPOSES)
    assert not missing, f"add these to core.labels.AUDIT_PURPOSES: {missing}"
    with translation.override("nl"):
        english = sorted(p for p in fixed if purpose_label(p) == p)
    assert not english, f"no Dutch translation in the catalogue for: {english}"


def test_composed_purposes_are_named_in_words() -> None:
    with translation.override("nl"):
        assert "residence_milestone" not in purpose_label("record residence_milestone")
        assert purpose_label("record consent for disclosure") != "record consent for disclosure"


@pytest.mark.parametrize(("text", "stored"), [("inzien", "view trajectory")])
def test_the_search_knows_purposes_by_their_dutch_name(text: str, stored: str) -> None:
    with translation.override("nl"):
        assert purpose_label(stored).casefold().find(text) >= 0
        assert stored in purposes_named(text)
