"""The coverage page on a 390 px phone: every choice of its lists reads in full."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.organisations.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUT_OPTIONS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const cut = [];
  for (const select of document.querySelectorAll('main select')) {
    const style = getComputedStyle(select);
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    for (const option of select.options) {
      if (context.measureText(option.text).width > room) cut.push(option.text);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("language", ["nl-NL", "en-GB"])
def test_no_choice_is_cut_off_on_a_phone(
    live_server: Any,
    browser: Any,
    org_a: Organisation,
    member: Callable[..., Membership],
    language: str,
) -> None:
    member(org_a, Role.FRONTLINE)
    supervisor = member(org_a, Role.SUPERVISOR)
    page = new_page(browser, phone=True, language=language)
    page.goto(f"{live_server.url}/inloggen/")
    page.fill("#id_username", supervisor.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    if language.startswith("en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
    page.goto(f"{live_server.url}/training/dekking/")
    assert page.locator("html").get_attribute("lang") == language[:2]
    assert page.locator("select[name=role]").count() == 1
    assert page.evaluate(CUT_OPTIONS) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_violations(page) == []
