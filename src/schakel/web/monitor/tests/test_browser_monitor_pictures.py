"""The monitor's pictures in real Chromium, on a desktop and 390 and 375 px phones: nothing
wider than the screen, chart text at 14 px or more, every hidden cell with its reason, axe clean.

Set SCHAKEL_SCREENSHOTS to a folder to keep the screenshots (to look at them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import axe_violations
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import clear_cache
from schakel.web.monitor.stored import compute_release, save_release
from schakel.web.organisations.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
K = 10


def _page(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    return context.new_page()


def _sign_in(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The seeded region and its release (before any other organisation exists)."""
    clear_cache()
    do_seed_region(seed_parameters(persons=1200, seed=11))
    save_release(compute_release(k=K))


@pytest.mark.parametrize("width", [1280, 390, 375])
def test_monitor_pictures_fit_and_explain_hidden_cells(
    live_server: Any,
    browser: Any,
    seeded: None,
    org_a: Organisation,
    member: Callable[..., Membership],
    width: int,
) -> None:
    page = _page(browser, width)
    _sign_in(page, live_server.url, member(org_a, Role.ANALYST))
    page.goto(f"{live_server.url}/monitor/?stratum=region")
    page.locator("#incidence-chart svg").first.wait_for()
    folder = os.environ.get("SCHAKEL_SCREENSHOTS")
    if folder:  # before the checks, so a failing run can be looked at too
        page.screenshot(path=str(Path(folder) / f"monitor-{width}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page scrolls sideways by {wide} px"
    title_lines = page.evaluate(
        "(h => h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight))"
        "(document.querySelector('h1'))"
    )
    assert title_lines < 1.5, "the title breaks in the middle of its one word"
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.schakel-chart text, .schakel-legend li')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 14
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('svg.schakel-chart')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll(':scope > text')].filter(t => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 1 || r.right > box.right + 1;
            }).map(t => t.textContent);
        })"""
    )
    assert clipped == []
    hidden = page.locator("#incidence-table td.schakel-cell--primary, "
                          "#incidence-table td.schakel-cell--secondary")  # fmt: skip
    assert hidden.count() > 0
    assert "Verborgen" in page.locator("#incidence-table-notes").inner_text()
    assert "maanden: " in page.locator("#incidence-hidden-points").inner_text()
    flow = page.locator('svg[aria-labelledby="flow-chart-title flow-chart-desc"]')
    if flow.count():  # the flow picture, drawn from the published steps only
        assert flow.locator("path.schakel-flow__band").count() > 0
    else:  # no picture where the selection's steps are withheld (the table says why)
        assert page.locator("#flow-steps-table td.schakel-cell--secondary").count() > 0
    assert "Wat betekent dit?" in page.locator("#incidence-method summary").inner_text()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/monitor/")  # the whole country: the flow picture and its table
    page.locator("#flow-steps-table").wait_for()
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page without a selection scrolls sideways by {wide} px"
