"""Addresses reversed once per pattern (`core/urls.py`) are the addresses `reverse()` gives."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from schakel.web.core.urls import url_of, url_with_keys

KEY = uuid.UUID("8d1c7f0e-3b5a-4c2e-9f10-2a6b4c8d0e12")


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("trajectory-detail", (KEY,)),
        ("trajectory-detail", (uuid.uuid4(),)),
        ("answer-referral", (7,)),
        ("answer-referral", (123456,)),
        ("record-event", (KEY, "vulnerability")),
        ("retract-event", (KEY, uuid.uuid4())),
        ("home", ()),
        ("monitor:overview", ()),
    ],
)
def test_an_address_is_what_reverse_gives(name: str, keys: tuple[object, ...]) -> None:
    assert url_with_keys(name, *keys) == reverse(name, args=list(keys))
    assert url_with_keys(name, *keys) == url_with_keys(name, *keys)  # from the cache too


def test_a_key_the_stand_in_does_not_fit_is_reversed_as_given() -> None:
    assert url_with_keys("answer-referral", "7") == reverse("answer-referral", args=["7"])
    with pytest.raises(NoReverseMatch):
        url_with_keys("record-event", KEY, "a.b")


def test_the_menu_links_are_what_reverse_gives() -> None:
    assert url_of("trajectory-list") == reverse("trajectory-list")
