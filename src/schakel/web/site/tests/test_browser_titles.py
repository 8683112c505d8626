"""Page titles on a 390 px phone: a long Dutch word ("Eerstelijnsprofessional" in the home
page's welcome) stays whole instead of breaking mid-word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import new_page
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
    page = new_page(browser, phone=True)
    page.goto(f"{live_server.url}/inloggen/")
    page.fill("#id_username", professional.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Eerstelijnsprofessional" in page.locator("main h1").inner_text()
    assert page.evaluate(WORDS_WIDER_THAN_THE_TITLE) == []
