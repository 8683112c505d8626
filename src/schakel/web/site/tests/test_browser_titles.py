"""Text on a 390 px phone: a long Dutch word in a page title ("Eerstelijnsprofessional" in the
home page's welcome) stays whole instead of breaking mid-word, and paragraphs do not run
together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing.browser import signed_in_page
from schakel.web.organisations.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS_WIDER_THAN_THE_TITLE = """() => {
  const title = document.querySelector('main h1');
  const style = getComputedStyle(title);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const words = title.innerText.split(/\\s+/);
  return words.filter(w => context.measureText(w).width > title.clientWidth);
}"""


def test_the_welcome_keeps_a_long_role_name_whole_on_a_phone(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    professional = member(org_a, Role.FRONTLINE)
    professional.user.first_name, professional.user.last_name = "Demo", "Eerstelijnsprofessional"
    professional.user.save()
    page = signed_in_page(browser, live_server.url, professional)
    assert "Eerstelijnsprofessional" in page.locator("main h1").inner_text()
    assert page.evaluate(WORDS_WIDER_THAN_THE_TITLE) == []


def test_paragraphs_of_the_design_system_are_spaced_like_plain_ones(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    steward = member(org_a, Role.DATA_STEWARD)
    page = signed_in_page(browser, live_server.url, steward)
    page.goto(f"{live_server.url}/koppeling/terugkeer/")
    gaps = page.evaluate(
        "[...document.querySelectorAll('main p.utrecht-paragraph')].map(p => "
        "parseFloat(getComputedStyle(p).marginBlockEnd))"
    )
    assert len(gaps) >= 3 and min(gaps) > 0, gaps
