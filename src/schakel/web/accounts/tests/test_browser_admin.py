"""Running an installation in real Chromium: an administrator invites a coordinator, who sets
a password and a second factor and sees only their organisation; a supervisor finds who read
a person's identity and exports it."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp

from schakel.engine.vocabulary import Region, Role
from schakel.web.core.testing import IDENTITY, PASSWORD, OrganisationFactory
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_read_identity,
    do_register_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Lange zin als wachtwoord 2026"


def totp_code(key_b32: str) -> str:
    key = key_b32.replace(" ", "")
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8)), step=30, digits=6):06d}"


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_administrator_invites_a_coordinator_who_sees_only_their_organisation(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    shelter = OrganisationFactory.create(name="Opvang Maasdelta")
    elsewhere = OrganisationFactory.create(name="Opvang Amstel", region=Region.AMSTERDAM)
    admin = member(shelter, Role.ADMINISTRATOR)
    other = member(elsewhere, Role.COORDINATOR)
    hidden = do_open_trajectory(
        actor=other, person=do_register_person(actor=other, identity=IDENTITY)
    )

    page = new_page(browser, phone=True)
    sign_in(page, base, admin.user.username)
    page.locator("summary.schakel-menu__button").click()  # the phone's menu
    group = page.locator(".schakel-nav details", has=page.locator("summary", has_text="Beheer"))
    if group.get_attribute("open") is None:  # on a phone the groups start open
        group.locator("summary").click()
    page.locator(".schakel-nav").get_by_role("link", name="Beheer", exact=True).click()
    assert "Opvang Amstel" not in page.content()  # another region's organisation
    page.get_by_role("link", name="Opvang Maasdelta").click()
    page.get_by_role("link", name="Iemand uitnodigen").click()
    assert axe_violations(page) == []
    assert no_sideways_scroll(page)
    page.fill("#id_first_name", "Sanne")
    page.fill("#id_last_name", "de Vries")
    page.fill("#id_email", "sanne@example.org")
    page.select_option("#id_role", Role.COORDINATOR.value)
    page.get_by_role("button", name="Uitnodiging versturen").click()
    page.get_by_text("De uitnodiging is onderweg naar sanne@example.org.").wait_for()

    assert run_queued_jobs() == 1
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/welkom/\S+/", str(message.body))
    assert link
    path = "/" + link.group(0).split("/", 3)[3]

    invited = new_page(browser)
    # Sign-in with two steps, as in production: a coordinator sees identities, so the invited
    # coordinator sets up the second factor before any page.
    with override_settings(ONE_STEP_SIGN_IN=False):
        invited.goto(base + path)
        invited.fill("#id_new_password1", NEW_PASSWORD)
        invited.fill("#id_new_password2", NEW_PASSWORD)
        invited.get_by_role("button", name="Wachtwoord instellen").click()
        invited.wait_for_url(f"{base}/inloggen/")
        invited.fill("#id_username", "sanne@example.org")
        invited.fill("#id_password", NEW_PASSWORD)
        invited.get_by_role("button", name="Inloggen").click()
        invited.wait_for_url(f"{base}/inloggen/tweede-stap/instellen/**")
        key = invited.locator("code").first.inner_text()
        invited.fill("#id_token", totp_code(key))
        invited.locator("main form.schakel-form button[type=submit]").first.click()
        invited.get_by_role("link", name="Doorgaan").click()
        invited.wait_for_url(f"{base}/")
        assert "Zorgcoördinator bij Opvang Maasdelta" in invited.content()
        invited.goto(f"{base}/trajecten/")
        assert invited.url == f"{base}/trajecten/"
        assert hidden.person.pseudonym not in invited.content()
    invited.goto(base + path)
    assert "Deze link werkt niet meer" in invited.content()  # it worked once

    # the administrator's access review lists the new coordinator
    page.goto(f"{base}/beheer/toegang/")
    assert "Sanne de Vries" in page.content()
    assert no_sideways_scroll(page)


def test_a_supervisor_finds_who_read_an_identity_and_exports_it(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    coordination = OrganisationFactory.create(name="Zorgcoördinatie Maasdelta")
    coordinator = member(coordination, Role.COORDINATOR)
    supervisor = member(coordination, Role.SUPERVISOR)
    person = do_register_person(actor=coordinator, identity=IDENTITY)
    do_open_trajectory(actor=coordinator, person=person)
    do_read_identity(actor=coordinator, person=person, purpose="huisbezoek voorbereiden")
    today = timezone.localdate().isoformat()

    page = new_page(browser)
    sign_in(page, base, supervisor.user.username)
    page.get_by_role("link", name="Audittrail").first.click()
    page.get_by_text("Filteren en zoeken").click()
    page.fill("#id_person", person.pseudonym)
    page.select_option("#id_action", "read")
    page.fill("#id_start", today)
    page.fill("#id_end", today)
    page.get_by_role("button", name="Regels tonen").click()
    row = page.locator("tbody tr").filter(has_text="huisbezoek voorbereiden")
    assert row.count() == 1
    assert coordinator.user.username in row.inner_text()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren als CSV").click()
    saved = download.value
    assert person.pseudonym in saved.suggested_filename
    with open(saved.path(), encoding="utf-8-sig") as file:
        text = file.read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Regelnummer" and rows[1][9] == "huisbezoek voorbereiden"


def test_the_administration_sub_navigation_shows_its_links_without_bullets_over_them(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    admin = member(OrganisationFactory.create(name="Opvang Maasdelta"), Role.ADMINISTRATOR)
    for phone in (False, True):
        page = new_page(browser, phone=phone)
        sign_in(page, live_server.url, admin.user.username)
        page.goto(f"{live_server.url}/beheer/personen/{admin.user_id}/")
        nav = page.locator("ul.schakel-nav")
        assert nav.evaluate("e => getComputedStyle(e).listStyleType") == "none"
        boxes = [link.bounding_box() for link in nav.locator("a").all()]
        assert len(boxes) == 3
        for left, right in pairwise(boxes):
            assert left is not None and right is not None
            beside = right["x"] >= left["x"] + left["width"]
            below = right["y"] >= left["y"] + left["height"]
            assert beside or below  # no link overlaps the next
        assert no_sideways_scroll(page)
