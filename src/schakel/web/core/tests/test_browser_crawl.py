"""Every page each role reaches, in real Chromium: Dutch and English, desktop and 390 px phone.

On a small seeded region, for the public and each demo role: no server error, axe-core with
WCAG 2.2 AA finds nothing, no sideways scrolling at 390 px, and no raw code or UUID on a Dutch
page. The pages come from the same link crawl as test_crawl_pages.py, one URL per URL name (so
one trajectory page stands for all), which keeps the run to a few minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from schakel.web.core.testing.browser import AXE
from schakel.web.core.testing.crawl import crawl, problems_on_dutch_page, raw_codes
from schakel.web.core.tests.test_crawl_pages import seed_small_region
from schakel.web.demo.actions import DEMO_ROLES
from schakel.web.organisations.models import User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def axe(page: Any) -> list[str]:
    # through the debugging channel: the strict CSP refuses a <script> tag with axe's source
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [f"{v['id']} {[n['target'] for n in v['nodes']][:2]}" for v in result["violations"]]


def pages_per_role() -> dict[str, tuple[str | None, list[str]]]:
    """role -> (session key, URLs first reached by that role), each URL name once overall."""
    found: dict[str, tuple[str | None, list[str]]] = {}
    names: set[str] = set()
    for username in ["public", *(name for name, _, _ in DEMO_ROLES)]:
        client = Client()
        if username != "public":
            client.force_login(User.objects.get(username=username))
        start = "/signalen/check/" if username == "public" else "/"
        urls = []
        for visit in crawl(client, start=start, per_name=1, limit=40):
            if visit.status == 200 and visit.html and (visit.name not in names or visit.url == "/"):
                names.add(visit.name)
                urls.append(visit.url)
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        found[username] = (session.value if session else None, urls)
    return found


def test_every_page_is_accessible_dutch_and_fits_a_phone(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make assets)")
    seed_small_region(tmp_path)
    codes = raw_codes()
    problems: list[str] = []
    checked = 0
    for role, (session, urls) in pages_per_role().items():
        for language, phone, check_axe in (
            ("nl", False, True),
            ("nl", True, False),
            ("en", True, True),
        ):
            size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
            context = browser.new_context(viewport=size, locale=f"{language}-NL")
            cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
            if session:
                cookies.append(
                    {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
                )
            context.add_cookies(cookies)
            page = context.new_page()
            for url in urls:
                where = f"{role} {language} {'390px' if phone else 'desktop'} {url}"
                response = page.goto(live_server.url + url)
                checked += 1
                if response is None or response.status >= 500:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                if phone and page.evaluate(OVERFLOW) > 0:
                    problems.append(f"{where}: scrolls sideways by {page.evaluate(OVERFLOW)} px")
                if language == "nl" and phone:
                    problems += [
                        f"{where}: {p}"
                        for p in problems_on_dutch_page(page.content(), codes, set())
                    ]
                if check_axe:
                    problems += [f"{where}: axe {v}" for v in axe(page)]
            context.close()
    assert checked > 60
    assert not problems, "\n".join(problems)
