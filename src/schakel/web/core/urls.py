"""Addresses reversed once per pattern instead of once per use.

`reverse()` walks the URL patterns on every call; a list of fifty trajectories paid it fifty
times per page, a case file seventy times, and the menu twenty times on every page
(benchmarks/page_cpu.py). A pattern is reversed once with stand-in keys and each row's keys
written into the result. That is what `reverse()` gives for the keys handled here: integers,
UUIDs and slugs, whose text the URL converters use as it is (nothing in them to quote); any
other key goes to `reverse()`.
"""

from __future__ import annotations

import re
import uuid
from functools import lru_cache
from typing import cast

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[A-Za-z0-9_-]+")
Kind = type[int] | type[uuid.UUID] | type[str]


def _stand_in(kind: Kind, position: int) -> int | uuid.UUID | str:
    if kind is int:
        return 987654321000 + position
    if kind is uuid.UUID:
        return uuid.UUID(f"00000000-5c4a-4e1e-8000-{position:012d}")
    return f"qxstandinqx{position}"


def _urlconf() -> str | None:
    """The URL configuration in use, by module name; None when it is a module object."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return urlconf if isinstance(urlconf, str) else None


@lru_cache(maxsize=512)
def _reversed(name: str, kinds: tuple[Kind, ...], prefix: str, urlconf: str) -> str:
    args = [_stand_in(kind, n) for n, kind in enumerate(kinds)]
    return reverse(name, urlconf=urlconf, args=args)


def _kind(key: object) -> Kind | None:
    if type(key) is int or type(key) is uuid.UUID:
        return type(key)
    if type(key) is str and _SLUG.fullmatch(key):
        return str
    return None


def url_with_keys(name: str, *keys: object) -> str:
    """`reverse(name, args=keys)`, the pattern reversed once per process."""
    kinds = tuple(_kind(key) for key in keys)
    urlconf = _urlconf()
    if urlconf is None or None in kinds:
        return reverse(name, args=list(keys))
    known = cast(tuple[Kind, ...], kinds)
    try:
        url = _reversed(name, known, get_script_prefix(), urlconf)
    except NoReverseMatch:  # a stand-in the pattern refuses ("7" for an <int:...>): as given
        return reverse(name, args=list(keys))
    for n, (kind, key) in enumerate(zip(known, keys, strict=True)):
        url = url.replace(str(_stand_in(kind, n)), str(key), 1)
    return url


def url_of(name: str) -> str:
    """`reverse(name)` for a pattern without arguments (the menu's links)."""
    return url_with_keys(name)
