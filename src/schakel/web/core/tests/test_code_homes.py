"""Each kind of code has one home (docs/architecture.md, "Where does a change go").

Cheap checks on the source: they fail the day a write, a form or an API schema is put
somewhere a reader would not look for it.
"""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2]


def _sources() -> list[Path]:
    return [
        p
        for p in WEB.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "conftest.py"
    ]


def _found(pattern: str, allowed: str) -> list[str]:
    regex, home = re.compile(pattern, re.M), re.compile(allowed)
    return [
        f"{p.relative_to(WEB)}:{p.read_text(encoding='utf-8')[: m.start()].count(chr(10)) + 1}"
        for p in _sources()
        if not home.search(p.relative_to(WEB).as_posix())
        for m in regex.finditer(p.read_text(encoding="utf-8"))
    ]


def test_writes_live_in_actions() -> None:
    stray = _found(r"^\s*def do_\w+\(", r"(^|/)actions(/|\.py$)")
    assert not stray, f"`do_*` functions belong in the app's actions: {stray}"


def test_forms_live_in_forms_modules() -> None:
    stray = _found(r"^class \w+\((forms\.)?(Model)?Form\b", r"(^|/)forms(/|\.py$)")
    assert not stray, f"Django forms belong in the app's forms.py: {stray}"


def test_api_schemas_live_in_schemas_modules() -> None:
    stray = _found(r"^class \w+\((\w+\.)?Schema\)", r"(^|/)schemas(/|\.py$)|^core/errors\.py$")
    assert not stray, f"API schemas belong in the app's schemas.py: {stray}"


def test_the_checks_see_the_code() -> None:
    """The patterns match real definitions (a check that finds nothing proves nothing)."""
    assert _found(r"^\s*def do_\w+\(", r"^$")
    assert _found(r"^class \w+\((forms\.)?(Model)?Form\b", r"^$")
    assert _found(r"^class \w+\((\w+\.)?Schema\)", r"^$")
