"""A styled select shows its arrow: Utrecht's CSS takes it from a token the theme must set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_select_arrow_token_is_set() -> None:
    """`utrecht-select--html-select` hides the browser's arrow (appearance: none) and draws
    `--utrecht-select-background-image`; unset, every select of a Django form (core/forms.py
    gives them that class) looks like a text box."""
    if not (STATIC / "vendor" / "utrecht.css").exists():
        pytest.skip("the NL Design System styles are not installed: run `make assets`")
    utrecht = (STATIC / "vendor" / "utrecht.css").read_text(encoding="utf-8")
    rule = re.search(r"\.utrecht-select--html-select:not\(\[multiple\]\) \{(.*?)\}", utrecht, re.S)
    assert rule is not None and "appearance: none" in rule.group(1)
    token = re.search(r"background-image: var\((--[\w-]+)\)", rule.group(1))
    assert token is not None
    ours = (STATIC / "css" / "schakel.css").read_text(encoding="utf-8")
    ours += (STATIC / "vendor" / "design-tokens.css").read_text(encoding="utf-8")
    value = re.search(rf"{token.group(1)}:\s*url\(\"data:image/svg\+xml,([^\"]+)\"\)", ours)
    assert value is not None, f"{token.group(1)} is not set"
    assert "%3Cpath" in value.group(1)  # an SVG with a drawn arrow
