"""The access review on a 390 px phone: each line is a card whose actions are in view, with no
table to scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.organisations.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reviews_access_on_a_phone(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    member(org_a, Role.COORDINATOR)
    supervisor = member(org_a, Role.SUPERVISOR)
    page = new_page(browser, phone=True)
    page.goto(f"{live_server.url}/inloggen/")
    page.fill("#id_username", supervisor.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/beheer/toegang/")
    buttons = page.locator("main table button[type=submit]")
    assert buttons.count() == 2
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    cells = page.locator("main table td[data-label]")
    assert cells.count() >= 10, "each cell says what it is, as a line of its card"
    wider = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible' && e.clientWidth > 1).length"
    )
    assert wider == 0, "nothing in the page scrolls sideways"
    assert axe_violations(page) == []
