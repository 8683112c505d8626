"""Temporary: screenshots of the steward's pages (not committed)."""

from __future__ import annotations

from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing.browser import new_page
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.linkage.actions import do_start_linkage_run
from schakel.web.linkage.tests.test_browser_steward import sign_in
from schakel.web.linkage.tests.test_run import KEY
from schakel.web.organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = "/tmp/steward"


def test_shots(live_server: Any, browser: Any, member: Any, monkeypatch: Any) -> None:
    base = live_server.url
    monkeypatch.setenv("SCHAKEL_LINKAGE_KEY", KEY)
    do_seed_region(seed_parameters(persons=600, seed=3))
    steward = member(Organisation.objects.order_by("pk").first(), Role.DATA_STEWARD)
    do_start_linkage_run(actor=steward)
    run_queued_jobs()
    for phone in (False, True):
        tag = "375" if phone else "1280"
        page = new_page(browser, phone=phone)
        if phone:
            page.set_viewport_size({"width": 375, "height": 800})
        sign_in(page, base, steward)
        page.screenshot(path=f"{OUT}/home-{tag}.png", full_page=True)
        page.goto(f"{base}/koppeling/koppeling/")
        page.screenshot(path=f"{OUT}/runs-{tag}.png", full_page=True)
        page.goto(f"{base}/koppeling/terugkeer/")
        page.screenshot(path=f"{OUT}/queue-{tag}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        print(tag, "scrollWidth", width)
        page.locator("main li.schakel-card").first.locator("button[value=reject]").click()
        page.wait_for_selector("main input[name=confirmed]", state="attached")
        page.screenshot(path=f"{OUT}/reject-{tag}.png", full_page=True)
        page.goto(f"{base}/koppeling/terugkeer/")
        page.locator("main li.schakel-card").first.locator("button[value=confirm]").click()
        page.wait_for_selector("main input[name=confirmed]", state="attached")
        page.screenshot(path=f"{OUT}/confirm-{tag}.png", full_page=True)
