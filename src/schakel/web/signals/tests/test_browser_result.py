"""Signed out on a 390 x 844 phone: the result's first screen holds the outcome, the steps for
now, the coordinator's phone number and the consult button; a linked article opens without an
account; Back returns to the previous round of questions."""

from __future__ import annotations

from typing import Any

import pytest

from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.knowledge.service import do_load_seed_articles
from schakel.web.organisations.models import Organisation
from schakel.web.organisations.roles import SYSTEM
from schakel.web.socialmap.service import do_seed_social_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEIGHT = 844


def in_first_screen(page: Any, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


def test_signed_out_phone_result_leads_with_the_action(
    live_server: Any, browser: Any, org_a: Organisation
) -> None:
    do_load_seed_articles(actor=SYSTEM)
    do_seed_social_map(regions=["rotterdam"], actor=SYSTEM)
    base = live_server.url
    page = new_page(browser, phone=True)
    page.goto(f"{base}/signalen/check/")
    page.check("#id_age_0")
    page.check("input[name=form][value=labour]")
    page.check("input[name=role][value=education]")
    page.select_option("#id_region", "rotterdam")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/signalen/check/vragen/")

    first_round = page.locator("#check-questions legend").first.inner_text()
    for radio in page.locator("#check-questions input[value=present]").all():
        page.click(f"label[for='{radio.get_attribute('id')}']")
    page.click("#check-questions button[value=more]")
    page.wait_for_url(f"{base}/signalen/check/vragen/ronde/2/")
    assert page.locator("#check-questions legend").first.inner_text() != first_round
    page.go_back()
    page.wait_for_url(f"{base}/signalen/check/vragen/")
    page.wait_for_function(
        "text => document.querySelector('#check-questions legend').innerText === text",
        arg=first_round,
    )
    assert page.locator("#check-questions input[value=present]").first.is_checked()

    page.goto(f"{base}/signalen/check/resultaat/")
    assert page.url == f"{base}/signalen/check/resultaat/"
    coordinator = org_a.name
    phone = page.locator(".schakel-now li", has_text=coordinator).locator(".schakel-phone")
    assert phone.inner_text().startswith("000-")  # the social map's number for Rotterdam
    for selector in (
        "#outcome-heading",
        ".schakel-first-steps li",
        f".schakel-now a[href='tel:{phone.inner_text()}']",
        f".schakel-share a[href*='{'/signalen/overleg/nieuw/'}']",
        ".schakel-emergency a[href='tel:112']",
    ):
        assert in_first_screen(page, selector), selector
    assert page.locator("a[href='tel:112']").count() == 1, "one emergency line"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_violations(page) == []

    page.locator("details:has(a[href*='/kennis/openbaar/']) > summary").click()
    article = page.locator("a[href*='/kennis/openbaar/']").first
    href = article.get_attribute("href")
    article.click()
    page.wait_for_url(f"{base}{href}")
    assert "/inloggen/" not in page.url
    assert page.locator("main h1").inner_text()
    assert axe_violations(page) == []
