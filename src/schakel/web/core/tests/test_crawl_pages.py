"""Every page each role can reach on a seeded region, in Dutch and English, read as text.

Checks what the test client can see: no server error, and on Dutch pages no raw code, UUID or
English sentence from the catalogue. The browser crawl (test_browser_crawl.py) adds axe-core
and the 390 px layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from schakel.web.core.testing.crawl import (
    crawl,
    english_sentences,
    problems_on_dutch_page,
    raw_codes,
)
from schakel.web.demo.actions import (
    DEMO_ROLES,
    do_create_demo_accounts,
    do_seed_knowledge,
    do_seed_region,
)
from schakel.web.demo.seeding import seed_parameters
from schakel.web.organisations.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seed_small_region(tmp_path: Path) -> None:
    do_seed_region(seed_parameters(persons=40, seed=12))
    do_seed_knowledge()
    do_create_demo_accounts(tmp_path / "accounts.txt")


def test_every_reachable_page_is_dutch_without_codes(tmp_path: Path) -> None:
    seed_small_region(tmp_path)
    codes, english = raw_codes(), english_sentences()
    found: dict[str, list[str]] = {}
    visited = 0
    for username, _role, _kind in [("anonymous", None, None), *DEMO_ROLES]:
        client = Client()
        if username != "anonymous":
            client.force_login(User.objects.get(username=username))
        start = "/signalen/check/" if username == "anonymous" else "/"
        for language in ("nl", "en"):
            client.cookies["django_language"] = language
            for visit in crawl(client, start=start):
                visited += 1
                if visit.status >= 500:
                    found.setdefault(f"{username} {visit.url}", []).append(str(visit.status))
                if language == "nl" and visit.html:
                    problems = problems_on_dutch_page(visit.html, codes, english)
                    if problems:
                        found.setdefault(f"{username} {visit.url}", []).extend(problems)
    assert visited > 100
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())
