"""Lists with long options on a 390 px phone and a 1280 px screen: no select is wider than the
page, and the chosen option is never cut off (it wraps onto a second line).

The walk's finding: at 390 px the knowledge base's role filter, the social map's service type,
the monitor's breakdown, the reasons to reveal an identity, the audit trail's organisation
filter and "Werkend als" with several roles showed their longer options cut off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing.browser import signed_in_page
from schakel.web.core.testing.factories import MembershipFactory, OrganisationFactory
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import Trajectory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Landelijk Coördinatiecentrum Ketenzorg Mensenhandel Zuidwest-Nederland"

MEASURE = """(selector) => {
  const select = document.querySelector(selector);
  for (let d = select.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  const style = getComputedStyle(select);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = style.font;
  const widths = [...select.options].map(o => pen.measureText(o.text.trim()).width);
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const before = select.selectedIndex;
  select.selectedIndex = widths.indexOf(Math.min(...widths));
  const oneLine = select.clientHeight;
  select.selectedIndex = widths.indexOf(Math.max(...widths));
  const chosen = select.clientHeight;
  select.selectedIndex = before;
  const box = select.getBoundingClientRect();
  return {left: box.left, right: box.right, room: room, widest: Math.max(...widths),
          oneLine: oneLine, chosen: chosen, fontSize: parseFloat(style.fontSize)};
}"""


def fits(page: Any, selector: str, width: int) -> dict[str, float]:
    """Measure one select; fail unless it lies within the page and its widest option, chosen,
    takes as many lines as it needs."""
    found = page.evaluate(MEASURE, selector)
    where = f"{selector} at {width} px: {found}"
    assert found["room"] > 0 and found["oneLine"] > 0, f"not shown, {where}"
    assert found["left"] >= 0 and found["right"] <= width, f"wider than the page, {where}"
    lines = -(-found["widest"] // found["room"])  # ceiling
    if lines > 1:
        grown = found["chosen"] - found["oneLine"]
        assert grown >= (lines - 1) * found["fontSize"], f"the chosen option is cut, {where}"
    return found


@pytest.mark.parametrize("width", [390, 1280])
def test_long_options_wrap_and_fit_the_page(
    live_server: Any,
    browser: Any,
    width: int,
    org_a: Organisation,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
    coordinator_a: Membership,
) -> None:
    national = OrganisationFactory.create(name=LONG_NAME)
    several = member(national, Role.FRONTLINE)
    MembershipFactory.create(user=several.user, organisation=org_a, role=Role.SUPERVISOR)
    MembershipFactory.create(user=several.user, organisation=national, role=Role.COORDINATOR)
    phone = width == 390
    base = live_server.url
    cut_on_a_phone = []

    page = signed_in_page(browser, base, several, phone=phone)
    page.click(".schakel-account > summary")
    cut_on_a_phone.append(fits(page, "#membership-switch", width))
    page.goto(f"{base}/kennis/")
    cut_on_a_phone.append(fits(page, "#id_role", width))
    page.goto(f"{base}/sociale-kaart/")
    cut_on_a_phone.append(fits(page, "#id_kind", width))

    page = signed_in_page(browser, base, coordinator_a, phone=phone)
    page.goto(f"{base}/trajecten/{trajectory_a.pk}/")
    cut_on_a_phone.append(fits(page, "#id_purpose", width))

    page = signed_in_page(browser, base, member(org_a, Role.ANALYST), phone=phone)
    page.goto(f"{base}/monitor/")
    cut_on_a_phone.append(fits(page, "#id_stratum", width))

    page = signed_in_page(browser, base, member(national, Role.ADMINISTRATOR), phone=phone)
    page.goto(f"{base}/audit/")
    cut_on_a_phone.append(fits(page, "#id_organisation", width))
    if phone:  # the cases the walk found: each list has an option longer than one line
        assert all(found["widest"] > found["room"] for found in cut_on_a_phone), cut_on_a_phone
