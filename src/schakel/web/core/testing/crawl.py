"""Crawling the app as each role sees it: every page reachable by links from the home page.

Used by the page checks (Django's test client: status, raw codes, UUIDs, English on Dutch pages)
and the browser crawl (axe-core, sideways scrolling). A crawl is bounded: each URL name is
visited at most `per_name` times, so a list of a thousand trajectories costs two detail pages.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
from django.test import Client
from django.urls import Resolver404, resolve

from schakel.engine import vocabulary
from schakel.engine.trajectories.events import EventType
from schakel.web.core.labels import AUDIT_OBJECTS, OBSERVER_ROLES, QUALITY_ISSUES

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{1,4}", re.I)  # whole or shortened
SKIP_PREFIXES = ("/api/", "/static/", "/uitloggen/", "/i18n/", "/gezondheid/", "/health")
SKIP_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", ".png")
LOCALE = Path(__file__).resolve().parents[2] / "locale"


@dataclass(frozen=True)
class Visit:
    url: str
    name: str
    status: int
    html: str


class _Text(HTMLParser):
    """The visible text of a page and its same-site links (no scripts, styles, hidden parts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "template", "title") or "hidden" in values:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "title") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def links(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.links


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, *, start: str = "/", per_name: int = 2, limit: int = 120) -> list[Visit]:
    """Pages reachable from `start` by GET links, breadth first, each URL name `per_name` times."""
    seen: set[str] = set()
    counts: dict[str, int] = {}
    queue = deque([start])
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        name = url_name(urlsplit(url).path)
        if name is None or counts.get(name, 0) >= per_name:
            continue
        counts[name] = counts.get(name, 0) + 1
        response = client.get(url)
        html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
        visits.append(Visit(url, name, response.status_code, html))
        for href in links(html):
            href = urldefrag(href)[0]
            if not href.startswith("/") or href.startswith("//"):
                continue
            if href.startswith(SKIP_PREFIXES) or urlsplit(href).path.endswith(SKIP_SUFFIXES):
                continue
            if "format=" in href or "download" in href:
                continue
            queue.append(href)
    return visits


def raw_codes() -> set[str]:
    """Codes that must never reach a Dutch page as they are: snake_case vocabulary values."""
    codes: set[str] = set()
    enums: list[type[StrEnum]] = [
        value
        for value in vars(vocabulary).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    ]
    enums.append(EventType)
    for enum in enums:
        codes.update(str(member) for member in enum if "_" in member)
    for labelled in (OBSERVER_ROLES, QUALITY_ISSUES, AUDIT_OBJECTS):
        codes.update(code for code in labelled if "_" in code)
    return codes


def english_sentences() -> set[str]:
    """English source sentences whose Dutch translation differs: on a Dutch page, a leak."""
    catalogue = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    found = set()
    for entry in catalogue:
        text = entry.msgid
        if entry.msgid_plural or "%" in text or "{" in text or len(text.split()) < 4:
            continue
        if entry.msgstr and entry.msgstr != text:
            found.add(text)
    return found


def problems_on_dutch_page(html: str, codes: set[str], english: set[str]) -> list[str]:
    """Raw codes, UUIDs and English sentences a person would read on the page."""
    text = visible_text(html)
    found = [f"UUID {m}" for m in UUID.findall(text)]
    # A username such as "den_haag-police-02" is a name, not a code: only free-standing words.
    words = set(re.findall(r"(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])", text))
    found += [f"code {code}" for code in sorted(words & codes)]
    found += [f"English: {sentence}" for sentence in sorted(english) if sentence in text]
    return found
