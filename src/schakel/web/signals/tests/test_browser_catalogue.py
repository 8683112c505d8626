"""Four-eyes publishing of the catalogue in real Chromium: an editor changes one indicator's
wording in a draft, a second editor approves, and the public check shows the new wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import CatalogueVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "Misleid over het werk, de plaats of de werkgever"
NEW = "Voorgelogen over het werk, de plek of de baas"


def sign_in(page: Any, base: str, username: str) -> None:
    from schakel.web.core.testing import PASSWORD

    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/")


def first_part_of_the_public_check(browser: Any, base: str) -> str:
    page = new_page(browser)
    page.goto(f"{base}/signalen/check/")
    page.check("input[name=age][value=adult]")
    page.check("input[name=form][value=labour]")
    page.check("input[name=role][value=education]")
    page.select_option("#id_region", "rotterdam")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(lambda url: "/signalen/check/vragen/" in url)
    page.goto(f"{base}/signalen/check/vragen/d1/")
    text = page.locator("main").inner_text()
    page.context.close()
    return text


def test_an_editor_changes_a_wording_a_second_editor_approves_and_the_check_shows_it(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    writer, reviewer = member(org_a, Role.CONTENT_EDITOR), member(org_a, Role.CONTENT_EDITOR)
    assert OLD in first_part_of_the_public_check(browser, base)

    page = new_page(browser)
    sign_in(page, base, writer.user.username)
    page.goto(f"{base}/signalen/catalogus/concept/")
    page.fill("#id_version", "2026.2")
    page.get_by_role("button", name="Concept beginnen").click()
    page.get_by_text("Het concept is open.").wait_for()
    page.goto(f"{base}/signalen/catalogus/sets/adults-labour/")
    assert axe_violations(page) == []
    page.locator("a[href$='/concept/indicator/AL-D1-01/']").click()
    assert page.input_value("#id_label_nl") == OLD
    page.fill("#id_label_nl", NEW)
    page.get_by_role("button", name="Opslaan in het concept").click()
    page.get_by_text("Opgeslagen in het concept").wait_for()
    page.goto(f"{base}/signalen/catalogus/concept/")
    changes = page.locator("table").inner_text()
    assert OLD in changes and NEW in changes
    assert axe_violations(page) == []
    page.fill("#id_note", "Duidelijker formulering van één indicator")
    page.get_by_role("button", name="Ter goedkeuring indienen").click()
    page.get_by_text("Ingediend: een andere redacteur keurt het concept goed.").wait_for()
    assert page.get_by_role("button", name="Goedkeuren en publiceren").count() == 0
    assert OLD in first_part_of_the_public_check(browser, base), "not before approval"

    second = new_page(browser)
    sign_in(second, base, reviewer.user.username)
    second.goto(f"{base}/signalen/catalogus/concept/")
    assert NEW in second.locator("table").inner_text()
    second.get_by_role("button", name="Goedkeuren en publiceren").click()
    second.get_by_text("Deze catalogusversie goedkeuren en publiceren?").wait_for()
    assert axe_violations(second) == []
    second.locator("main").get_by_role("button", name="Goedkeuren en publiceren").click()
    second.get_by_text("Versie 2026.2 is gepubliceerd.").wait_for()
    assert "goedgekeurd door" in second.locator("main").inner_text()

    version = CatalogueVersion.objects.get()
    assert (version.written_by_id, version.published_by_id) == (writer.user_id, reviewer.user_id)
    shown = first_part_of_the_public_check(browser, base)
    assert NEW in shown and OLD not in shown
