"""The coordinator's journey in real Chromium: from a referral to a handover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from schakel.engine.vocabulary import OrganisationType, Role
from schakel.web.core.testing import PASSWORD, OrganisationFactory
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_consent,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Handover, Referral, Trajectory, TrajectoryEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def record(page: Any, base: str, trajectory: str, kind: str, fields: dict[str, str]) -> None:
    page.goto(f"{base}/trajecten/{trajectory}/gebeurtenis/{kind}/")
    page.fill("#id_occurred_at", fields.pop("when"))
    for name, value in fields.items():
        element = page.locator(f"#id_{name}")
        tag = element.evaluate("e => e.tagName")
        if tag == "SELECT":
            element.select_option(value)
        elif tag in ("INPUT", "TEXTAREA"):
            element.fill(value)
        else:  # a group of checkboxes
            page.check(f"input[name={name}][value={value}]")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/trajecten/{trajectory}/")


def when(days_ago: int) -> str:
    moment = timezone.localtime() - dt.timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def home_text(page: Any, base: str) -> str:
    page.goto(f"{base}/")
    return str(page.inner_text("main"))


def test_coordinator_journey(
    live_server: Any,
    browser: Any,
    member: Callable[..., Membership],
) -> None:
    base = live_server.url
    coordination = OrganisationFactory.create(name="Zorgcoördinatie Maasdelta")
    youth_care = OrganisationFactory.create(
        name="Jeugdhulp Kompasroos", type=OrganisationType.YOUTH_CARE
    )
    coordinator = member(coordination, Role.COORDINATOR)
    coordinator.user.first_name, coordinator.user.last_name = "Sanne", "de Wit"
    coordinator.user.save()
    colleague = member(coordination, Role.COORDINATOR)
    frontline = member(youth_care, Role.FRONTLINE)
    earlier = do_register_person(
        actor=frontline, identity={"given_names": "Amara", "family_name": "Okafor"}
    )
    referred = do_open_trajectory(
        actor=frontline, person=earlier, opened_at=timezone.now() - dt.timedelta(days=210)
    )
    consent = do_record_consent(
        actor=frontline,
        trajectory=referred,
        purpose="disclosure",
        organisation=coordination,
        given_on=timezone.localdate() - dt.timedelta(days=205),
        source="written",
    )
    sent = timezone.now() - dt.timedelta(days=205)
    do_record_event(
        actor=frontline,
        trajectory=referred,
        event_type="signal",
        occurred_at=sent,
        payload={"observed_by_role": "youth_care", "suspected_form": "labour"},
    )
    do_record_event(
        actor=frontline,
        trajectory=referred,
        event_type="referral_sent",
        occurred_at=sent,
        payload={
            "referral_id": "r1",
            "to_organisation_id": coordination.pk,
            "consent_id": str(consent.pk),
            "note": "Werkt in een kas, paspoort ingenomen.",
        },
    )

    page = new_page(browser)
    sign_in(page, base, coordinator)
    assert "Verwijzingen die op antwoord wachten: 1" in home_text(page, base)
    # She reads the referral and accepts it, assigning herself.
    page.goto(f"{base}/trajecten/inbox/")
    page.click("main table a")
    assert "paspoort ingenomen" in page.inner_text("main")
    assert "Arbeidsuitbuiting" in page.inner_text("main")
    assert page.locator("#id_coordinator").input_value() == str(coordinator.user_id)
    page.click("button[value=accept]")
    page.wait_for_url(f"{base}/trajecten/{referred.pk}/")
    assert Referral.objects.get().status == "accepted"
    assert "Het traject heeft nog geen intake." in page.inner_text("main")
    home = home_text(page, base)
    assert "Verwijzingen die op antwoord wachten: 0" in home
    assert "Zonder coördinator: 0" in home
    trajectory = str(referred.pk)
    record(page, base, trajectory, "intake", {"when": when(200)})
    record(page, base, trajectory, "placement_start", {"when": when(199), "placement_type": "omm"})
    for days, milestone in ((198, "reflection_start"), (150, "police_report")):
        record(
            page,
            base,
            trajectory,
            "residence_milestone",
            {"when": when(days), "milestone": milestone},
        )
    record(
        page,
        base,
        trajectory,
        "residence_milestone",
        {"when": when(149), "milestone": "reflection_end"},
    )
    record(
        page,
        base,
        trajectory,
        "residence_milestone",
        {"when": when(140), "milestone": "permit_decision", "decision": "granted"},
    )
    # The running placement is picked from a list, not typed.
    page.goto(f"{base}/trajecten/{trajectory}/gebeurtenis/placement_end/")
    options = page.locator("#id_placement_id option")
    assert options.count() == 1 and "OMM" in options.first.inner_text()
    record(page, base, trajectory, "placement_end", {"when": when(130), "reason": "Eigen woning"})
    # The exit form comes with the follow-up months filled in.
    page.goto(f"{base}/trajecten/{trajectory}/gebeurtenis/exit/")
    assert page.locator("#id_follow_up_months").input_value() == "3, 6, 12, 24"
    record(page, base, trajectory, "exit", {"when": when(120), "exit_kind": "stable"})
    assert "Te laat: 1" in home_text(page, base)  # the 3-month follow-up is overdue
    page.click("main a:has-text('Nazorgcontact vastleggen')")
    page.fill("#id_occurred_at", when(1))
    page.select_option("#id_outcome", "return_to_exploitation")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/trajecten/{trajectory}/")
    assert "Te laat: 0" in home_text(page, base)
    kinds = list(
        TrajectoryEvent.objects.filter(trajectory_id=trajectory)
        .order_by("recorded_at")
        .values_list("event_type", flat=True)
    )
    assert kinds[-1] == "follow_up_contact" and kinds.count("residence_milestone") == 4
    assert "labour" in str(
        TrajectoryEvent.objects.filter(trajectory_id=trajectory, event_type="exploitation_episode")
        .values_list("payload", flat=True)
        .get()
    )
    page.goto(f"{base}/trajecten/{trajectory}/")
    assert axe_violations(page) == []
    page.goto(f"{base}/")
    assert axe_violations(page) == []
    # On a phone: no sideways scrolling on the home page, the case list and the case file.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/trajecten/", f"/trajecten/{trajectory}/", "/trajecten/overzicht/"):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.set_viewport_size({"width": 1280, "height": 900})
    # Handover of her work to a colleague, by name, after a preview.
    page.goto(f"{base}/trajecten/overdracht/")
    page.select_option("#id_from_user", str(coordinator.user_id))
    page.select_option("#id_to_user", str(colleague.user_id))
    page.fill("#id_note", "Met verlof; de nazorg na 6 maanden komt eraan.")
    page.click("main form.schakel-form button[type=submit]")
    assert "1 trajecten" in page.inner_text("main")
    page.click("button[name=confirm]")
    page.wait_for_url(f"{base}/trajecten/team/")
    assert Handover.objects.get().trajectories == 1
    assert Trajectory.objects.get(pk=trajectory).coordinator_id == colleague.user_id
