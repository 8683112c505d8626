"""The phone flow in real Chromium: from the first question to the action perspective,
with htmx swapping the questions, focus following the swap, and axe-core on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import OrganisationFactory
from schakel.web.core.testing.browser import axe_violations, new_page, signed_in_page
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import SignalCheckStatistic
from schakel.web.trajectories.models import Person, Trajectory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_phone_flow_from_first_question_to_action_perspective(
    live_server: Any, browser: Any, org_a: Organisation
) -> None:
    page = new_page(browser, phone=True)
    violations: dict[str, list[dict[str, Any]]] = {}
    base = live_server.url
    page.goto(f"{base}/signalen/check/")
    violations["who"] = axe_violations(page)
    assert fits_the_phone(page)

    page.click(
        "main form.schakel-form button[type=submit]"
    )  # nothing chosen: the error summary takes focus
    page.wait_for_selector(".schakel-error-summary")
    assert page.evaluate("document.activeElement.classList.contains('schakel-error-summary')")
    violations["who, with errors"] = axe_violations(page)
    page.click(".schakel-error-summary a[href='#id_age_0']")
    assert page.evaluate("document.activeElement.id") == "id_age_0"

    page.check("#id_age_0")  # under 18
    page.check("input[name=form][value=labour]")
    page.check("input[name=role][value=education]")
    page.select_option("#id_region", "rotterdam")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(lambda url: "/signalen/check/vragen/" in url)  # keeps the #fragment
    violations["questions"] = axe_violations(page)
    assert fits_the_phone(page)

    for _round in range(6):
        if not page.locator("#check-questions form").count():
            break
        for legend_radio in page.locator("#check-questions input[value=present]").all():
            page.click(f"label[for='{legend_radio.get_attribute('id')}']")
        first = page.locator("#check-questions legend").first.inner_text()
        page.click("#check-questions button[value=more]")
        page.wait_for_function(
            "text => !document.querySelector('#check-questions legend') || "
            "document.querySelector('#check-questions legend').innerText !== text",
            arg=first,
        )
        # after htmx settles, focus moves to the new block's heading
        page.wait_for_function(
            "() => document.activeElement.id === 'questions-heading'", timeout=3000
        )
        assert page.url.endswith(f"/signalen/check/vragen/ronde/{_round + 2}/"), "htmx swapped"
        heading = page.locator("#questions-heading").inner_text()
        assert not page.locator("#check-questions form").count() or heading.endswith(
            f"ronde {_round + 2}"
        ), "each round posts to its own address, so the rounds count on"
    assert not page.locator("#check-questions form").count(), "the outcome is settled"
    violations["questions, decided"] = axe_violations(page)

    page.click('#check-questions a[href$="/signalen/check/resultaat/"]')
    page.wait_for_url(f"{base}/signalen/check/resultaat/")
    text = page.locator("main").text_content() or ""  # the sections folded in <details> too
    for needed in ("112", "0800-2000", "Veilig Thuis", "meldcode", "afwegingskader"):
        assert needed in text, needed
    assert "is slachtoffer" not in text
    violations["result"] = axe_violations(page)
    assert fits_the_phone(page)

    assert SignalCheckStatistic.objects.get().outcome == "met"
    assert not Person.objects.exists() and not Trajectory.objects.exists()
    found = {name: v for name, v in violations.items() if v}
    assert not found, f"axe-core (WCAG 2.1 A/AA) violations: {found}"


def sign_in(browser: Any, base: str, membership: Membership) -> Any:
    return signed_in_page(browser, base, membership)


def test_consult_anonymously_and_get_an_answer_on_a_phone(
    live_server: Any, browser: Any, member: Callable[..., Membership], org_a: Organisation
) -> None:
    base = live_server.url
    youth_care = OrganisationFactory.create(name="Jeugdhulp Kompasroos", type="youth_care")
    professional = sign_in(browser, base, member(youth_care, Role.FRONTLINE))
    violations: dict[str, list[dict[str, Any]]] = {}
    professional.goto(f"{base}/signalen/check/")
    assert professional.locator("input[name=role][value=youth_care]").is_checked()
    professional.check("#id_age_0")
    professional.check("input[name=form][value=sexual]")
    professional.click("main form.schakel-form button[type=submit]")
    professional.wait_for_url(f"{base}/signalen/check/vragen/")
    professional.goto(f"{base}/signalen/check/resultaat/")
    professional.click(f"a[href='{reverse('signal-consult')}']")
    professional.wait_for_url(f"{base}{reverse('signal-consult')}")
    violations["consult"] = axe_violations(professional)
    professional.fill("#id_question", "Ze krijgt steeds dure cadeaus van een veel oudere vriend.")
    professional.click("main form.schakel-form button[type=submit]")
    professional.wait_for_url(lambda url: "/signalen/overleg/" in url and "nieuw" not in url)
    violations["consultation, asked"] = axe_violations(professional)
    professional.goto(f"{base}{reverse('signal-refer')}")
    violations["refer"] = axe_violations(professional)

    coordinator = sign_in(browser, base, member(org_a, Role.COORDINATOR))
    coordinator.goto(f"{base}{reverse('signal-inbox')}")
    violations["inbox"] = axe_violations(coordinator)
    coordinator.click("main table a")
    coordinator.fill("#id_answer", "Bel ons gerust; dit past bij de loverboymethode.")
    coordinator.click("main form.schakel-form button[type=submit]")
    coordinator.wait_for_selector("text=loverboymethode")

    professional.goto(f"{base}{reverse('signal-consultations')}")
    violations["my consultations"] = axe_violations(professional)
    professional.click("main table a")
    assert "loverboymethode" in professional.locator("main").inner_text()
    found = {name: v for name, v in violations.items() if v}
    assert not found, f"axe-core (WCAG 2.1 A/AA) violations: {found}"


def test_an_untouched_required_question_box_does_not_look_wrong(
    live_server: Any, browser: Any, member: Callable[..., Membership], org_a: Organisation
) -> None:
    """Utrecht styles a textarea as invalid as soon as it is required and empty; the error look
    is for after sending (aria-invalid), as for text boxes."""
    page = sign_in(browser, live_server.url, member(org_a, Role.FRONTLINE))
    page.goto(f"{live_server.url}{reverse('signal-consult')}")
    box = page.locator("#id_question")
    assert box.evaluate("e => e.required && e.matches(':invalid')")
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderColor]"
    untouched = box.evaluate(style)
    box.fill("Een vraag.")
    page.locator("h1").click()  # away from the box: no focus style
    assert box.evaluate(style) == untouched
    box.fill("")
    page.locator("main form.schakel-form button[type=submit]").click()
    page.wait_for_selector("#id_question[aria-invalid=true]")
    page.locator("h1").click()
    assert page.locator("#id_question").evaluate(style) != untouched, "sent empty: an error"
