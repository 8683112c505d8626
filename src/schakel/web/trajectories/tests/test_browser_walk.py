"""What a newcomer's walk through the pages found, checked in real Chromium at 1280 and 375 px:
the date of birth's boxes side by side, a counter's numbers grouped, a placement's provider
found by typing, and pseudonyms on one line in a narrow table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.organisations.models import Membership
from schakel.web.socialmap.models import Service
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import Trajectory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)


def open_page(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    return context.new_page()


def sign_in(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page: Any, name: str) -> None:
    """A screenshot to look at, when SCHAKEL_SCREENSHOTS names a folder (not in CI)."""
    folder = os.environ.get("SCHAKEL_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_date_of_birth_boxes_sit_side_by_side(
    live_server: Any, browser: Any, coordinator_a: Membership, width: int
) -> None:
    page = open_page(browser, width)
    sign_in(page, live_server.url, coordinator_a)
    page.goto(f"{live_server.url}/trajecten/nieuw/")
    day, month, year = (page.locator(f"#id_date_of_birth_{i}").bounding_box() for i in range(3))
    shoot(page, f"birth-date-{width}")
    assert day["y"] == month["y"] == year["y"]  # one row
    assert day["x"] < month["x"] < year["x"]
    assert day["width"] < 100 and year["width"] < 140  # sized to what they hold
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_counter_groups_its_number_and_the_provider_is_found_by_typing(
    live_server: Any,
    browser: Any,
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    width: int,
) -> None:
    region = coordinator_a.organisation.region
    Service.objects.create(name="Opvang De Haven", kind="shelter", region=region)
    Service.objects.create(name="Beschermd Wonen Noord", kind="residential_facility", region=region)
    Service.objects.create(name="Politiebureau Haven", kind="police", region=region)
    page = open_page(browser, width)
    sign_in(page, live_server.url, coordinator_a)
    page.goto(f"{live_server.url}/trajecten/{trajectory_a.pk}/gebeurtenis/placement_start/")
    options = page.locator("#id_provider option").all_inner_texts()
    assert not any("Politiebureau" in o for o in options)  # not a placement
    with page.expect_response(lambda r: "/trajecten/aanbieders/" in r.url):
        page.fill("#id_provider-search", "haven")
    from playwright.sync_api import expect

    # "Kies …", the one match, "Anders, namelijk …". The page's policy forbids
    # eval, so the wait is a locator assertion, not a polled string expression.
    expect(page.locator("#id_provider option")).to_have_count(3)
    narrowed = page.locator("#id_provider option").all_inner_texts()
    assert any("Opvang De Haven" in o for o in narrowed)
    assert not any("Beschermd Wonen" in o for o in narrowed)
    page.locator("#id_provider").select_option("Opvang De Haven")

    page.fill("#id_provider_other", "x" * 1400)  # 200 at most
    counter = page.locator("#id_provider_other_counter")
    assert counter.inner_text() == "1.200 tekens te veel"
    shoot(page, f"placement-{width}")
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_pseudonyms_stay_on_one_line_on_the_quality_page(
    live_server: Any,
    browser: Any,
    coordinator_a: Membership,
    member: Any,
    width: int,
) -> None:
    for n in range(3):
        person = do_register_person(actor=coordinator_a, identity={"family_name": f"Naam{n}"})
        trajectory = do_open_trajectory(actor=coordinator_a, person=person)
        Trajectory.objects.filter(pk=trajectory.pk).update(coordinator=None)
    supervisor = member(coordinator_a.organisation, Role.SUPERVISOR)
    page = open_page(browser, width)
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/trajecten/kwaliteit/")
    shoot(page, f"quality-{width}")
    links = page.locator("main table a[href*='/trajecten/']")
    assert links.count() == 3
    lines = links.evaluate_all("links => links.map(a => a.getClientRects().length)")
    assert lines == [1, 1, 1]
    assert no_sideways_scroll(page)
