"""Real Chromium for browser tests (Debian's package, driven by Playwright).

Tests that use `page` are marked `browser`; without /usr/bin/chromium (a bare machine running
`make test`) they are skipped, and CI installs Chromium so that they run there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[5] / "node_modules" / "axe-core" / "axe.min.js"


def chromium_available() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not chromium_available():
        pytest.skip("Chromium or Playwright is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are
    # still synchronous, so Django's guard against async contexts does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium; every page a test opened is closed when the test ends.

    A page left open keeps asking the live server for its badges and progress; on SQLite that
    request holds a table lock just when the test database is emptied for the next test.
    This fixture is set up after the database fixtures, so its teardown runs before theirs.
    """
    yield chromium
    for context in list(chromium.contexts):
        context.close()


def new_page(browser: Any, *, phone: bool = False, language: str = "nl-NL") -> Any:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, locale=language)
    return context.new_page()


def signed_in_page(browser: Any, base: str, membership: Any, *, phone: bool = True) -> Any:
    """A page signed in through the sign-in form as `membership`'s user, on the home page."""
    from schakel.web.core.testing.factories import PASSWORD

    page = new_page(browser, phone=phone)
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations on the current page, by axe-core (installed from npm)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make assets`")
    # Evaluated through the browser's debugging channel, which the page's strict CSP (no inline
    # scripts) does not govern; a <script> tag with axe's source would be refused.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
