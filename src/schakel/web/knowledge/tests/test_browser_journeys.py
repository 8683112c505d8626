"""Issue 7's journeys in real Chromium: an editor's article reaches the action perspective, a
supervisor sees training coverage, and a coordinator's time changes the regional overview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.core.testing import IDENTITY, PASSWORD, OrganisationFactory
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SYSTEM
from schakel.web.trajectories.service import do_open_trajectory, do_register_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def approve_and_publish(browser: Any, base: str, reviewer: Membership, slug: str) -> Any:
    """A second editor approves the submitted version (four eyes), through the confirmation."""
    page = new_page(browser)
    sign_in(page, base, reviewer)
    page.goto(f"{base}/kennis/{slug}/bewerken/")
    page.get_by_role("button", name="Goedkeuren en publiceren").click()
    page.get_by_text("Dit artikel publiceren?").wait_for()
    page.locator("main").get_by_role("button", name="Publiceren", exact=True).click()
    page.wait_for_load_state()
    return page


def test_published_article_appears_in_the_action_perspective(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    centre = OrganisationFactory.create(
        name="Landelijk centrum", type=OrganisationType.NATIONAL_COORDINATION_CENTRE
    )
    editor = member(centre, Role.CONTENT_EDITOR)
    reviewer = member(centre, Role.CONTENT_EDITOR)
    page = new_page(browser)
    sign_in(page, base, editor)
    page.goto(f"{base}/kennis/redactie/nieuw/")
    page.fill("#id_slug", "schoolsignalen-arbeidsuitbuiting")
    page.fill("#id_title_nl", "Signalen van arbeidsuitbuiting bij leerlingen")
    page.fill("#id_body_nl", "Wat een leraar kan doen bij signalen van **arbeidsuitbuiting**.")
    page.check("input[name=exploitation_forms][value=labour]")
    page.check("input[name=roles][value=teacher]")
    page.check("input[name=target_groups][value=minor]")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/kennis/schoolsignalen-arbeidsuitbuiting/bewerken/")
    page.get_by_role("button", name="De nieuwste versie ter goedkeuring indienen").click()
    page.get_by_text("Ingediend: een andere redacteur keurt de tekst goed").wait_for()
    approve_and_publish(browser, base, reviewer, "schoolsignalen-arbeidsuitbuiting")
    page.goto(f"{base}/kennis/schoolsignalen-arbeidsuitbuiting/")
    assert axe_violations(page) == []
    page.click("button[name=public][value=yes]")
    page.wait_for_url(f"{base}/kennis/schoolsignalen-arbeidsuitbuiting/")

    visitor = new_page(browser, phone=True)
    visitor.goto(f"{base}/signalen/check/")
    visitor.check("#id_age_0")  # under 18
    visitor.check("input[name=form][value=labour]")
    visitor.check("input[name=role][value=education]")
    visitor.select_option("#id_region", Region.ROTTERDAM.value)
    visitor.click("main form.schakel-form button[type=submit]")
    visitor.wait_for_url(lambda url: "/signalen/check/vragen/" in url)
    visitor.goto(f"{base}/signalen/check/resultaat/")
    link = visitor.locator("a[href='/kennis/openbaar/schoolsignalen-arbeidsuitbuiting/']")
    assert link.count() >= 1
    visitor.locator("details:has(a[href*='/kennis/openbaar/']) > summary").click()
    assert "Signalen van arbeidsuitbuiting bij leerlingen" in link.first.inner_text()
    link.first.click()
    visitor.wait_for_url(f"{base}/kennis/openbaar/schoolsignalen-arbeidsuitbuiting/")
    assert "arbeidsuitbuiting" in visitor.locator("main").inner_text()


def test_supervisor_sees_coverage_and_coordinator_time_counts(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    from schakel.web.training.service import do_seed_training_register

    base = live_server.url
    coordination = OrganisationFactory.create(name="Zorgcoördinatie Maasdelta")
    youth_care = OrganisationFactory.create(
        name="Jeugdhulp Kompasroos", type=OrganisationType.YOUTH_CARE
    )
    for _ in range(4):
        member(youth_care, Role.FRONTLINE)
    supervisor = member(coordination, Role.SUPERVISOR)
    coordinator = member(coordination, Role.COORDINATOR)
    do_seed_training_register(actor=SYSTEM, seed=1, trained_share=0.5)
    page = new_page(browser)
    sign_in(page, base, supervisor)
    page.goto(f"{base}/training/dekking/")
    assert "Jeugdhulp Kompasroos" in page.inner_text("main")
    assert axe_violations(page) == []

    person = do_register_person(actor=coordinator, identity=IDENTITY)
    trajectory = do_open_trajectory(
        actor=coordinator, person=person, coordinator_id=coordinator.user_id
    )
    desk = new_page(browser)
    sign_in(desk, base, coordinator)
    desk.goto(f"{base}/trajecten/werklast/")
    assert "0" in desk.inner_text("main table tbody")
    desk.goto(f"{base}/trajecten/{trajectory.pk}/tijd/")
    desk.select_option("#id_task_type", "benefits")
    desk.fill("#id_minutes", "90")
    desk.click("main form.schakel-form button[type=submit]")
    desk.wait_for_url(f"{base}/trajecten/{trajectory.pk}/")
    desk.goto(f"{base}/trajecten/werklast/")
    assert "1,5" in desk.inner_text("main table tbody")
    assert axe_violations(desk) == []


def test_an_article_with_a_broken_link_cannot_be_published(
    live_server: Any, browser: Any, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    centre = OrganisationFactory.create(
        name="Landelijk centrum", type=OrganisationType.NATIONAL_COORDINATION_CENTRE
    )
    editor, reviewer = member(centre, Role.CONTENT_EDITOR), member(centre, Role.CONTENT_EDITOR)
    page = new_page(browser)
    sign_in(page, base, editor)
    page.goto(f"{base}/kennis/redactie/nieuw/")
    page.fill("#id_slug", "na-een-melding")
    page.fill("#id_title_nl", "Na een melding")
    page.fill("#id_body_nl", "Lees eerst [de meldcode](/kennis/meldcode-bestaat-niet/).")
    page.check("input[name=roles][value=teacher]")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/kennis/na-een-melding/bewerken/")
    assert "/kennis/meldcode-bestaat-niet/" in page.locator("main").inner_text()  # warned
    page.get_by_role("button", name="De nieuwste versie ter goedkeuring indienen").click()
    page.get_by_text("Ingediend: een andere redacteur keurt de tekst goed").wait_for()
    assert page.get_by_role("button", name="Goedkeuren en publiceren").count() == 0

    second = approve_and_publish(browser, base, reviewer, "na-een-melding")
    second.get_by_text("Publiceren is geblokkeerd").wait_for()
    assert second.url == f"{base}/kennis/na-een-melding/bewerken/"
    assert axe_violations(second) == []
    reader = new_page(browser)
    sign_in(reader, base, member(centre, Role.FRONTLINE))
    response = reader.goto(f"{base}/kennis/na-een-melding/")
    assert response is not None and response.status == 404  # still a draft: nobody reads it
