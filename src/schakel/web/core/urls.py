"""Addresses reversed once per pattern instead of once per use.

`reverse()` walks the URL patterns on every call; a list of fifty trajectories paid it fifty
times per page and the menu twenty times on every page (benchmarks/page_cpu.py). A pattern
without arguments is reversed once; a row's address is reversed once with a stand-in key and
the row's key written into the result, which is what `reverse()` gives for the keys used here
(integers and UUIDs: nothing in them to quote).
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = {int: 987654321987, uuid.UUID: uuid.UUID("00000000-5c4a-4e1e-8000-00000000f00d")}


def _urlconf() -> str | None:
    """The URL configuration in use, by module name; None when it is a module object."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return urlconf if isinstance(urlconf, str) else None


@lru_cache(maxsize=256)
def _reversed(name: str, kind: type[int | uuid.UUID] | None, prefix: str, urlconf: str) -> str:
    args = [] if kind is None else [_STAND_IN[kind]]
    return reverse(name, urlconf=urlconf, args=args)


def url_of(name: str) -> str:
    """`reverse(name)` for a pattern without arguments (the menu's links)."""
    urlconf = _urlconf()
    if urlconf is None:
        return reverse(name)
    return _reversed(name, None, get_script_prefix(), urlconf)


def url_with_key(name: str, key: object) -> str:
    """`reverse(name, args=[key])` for an integer or UUID key (any other key: reverse)."""
    kind, urlconf = type(key), _urlconf()
    if (kind is not int and kind is not uuid.UUID) or urlconf is None:
        return reverse(name, args=[key])
    pattern = _reversed(name, kind, get_script_prefix(), urlconf)
    return pattern.replace(str(_STAND_IN[kind]), str(key), 1)
