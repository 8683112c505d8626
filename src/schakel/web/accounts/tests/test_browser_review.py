"""The supervisor's pages on a 390 px phone: the access review and the audit trail show each
line as a card, with its actions in view and no table to scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import IDENTITY
from schakel.web.core.testing.browser import axe_violations, signed_in_page
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_register_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reviews_access_on_a_phone(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    coordinator = member(org_a, Role.COORDINATOR)
    do_register_person(actor=coordinator, identity=IDENTITY)  # a line in the audit trail
    supervisor = member(org_a, Role.SUPERVISOR)
    page = signed_in_page(browser, live_server.url, supervisor)
    page.goto(f"{live_server.url}/beheer/toegang/")
    buttons = page.locator("main table button[type=submit]")
    assert buttons.count() == 2
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    cells = page.locator("main table td[data-label]")
    assert cells.count() >= 10, "each cell says what it is, as a line of its card"
    assert scrolling_sideways(page) == 0, "nothing in the page scrolls sideways"
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("main table td[data-label]").count() >= 5, "a line, as a card"
    assert scrolling_sideways(page) == 0
    caption = page.locator("main table caption").bounding_box()
    assert caption is not None and caption["x"] + caption["width"] <= 390, "the caption reads"
    assert axe_violations(page) == []


def scrolling_sideways(page: Any) -> int:
    """Elements of the page's main part whose content is wider than they are (a table in a
    scroll box, say); text hidden for screen readers only is 1 px wide and not counted."""
    return int(
        page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.scrollWidth > "
            "e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible' "
            "&& e.clientWidth > 1).length"
        )
    )
