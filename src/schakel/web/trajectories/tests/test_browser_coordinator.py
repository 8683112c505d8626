"""The coordinator's journey in real Chromium: from a referral to a handover."""

from __future__ import annotations

import datetime as dt
import re
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


COUNTS = {
    "referrals": r"Verwijzingen die op antwoord wachten: (\d+)",
    "overdue": r"Te laat: (\d+)",
    "this week": r"Deze week: (\d+)",
    "unassigned": r"Zonder coördinator: (\d+)",
}


def home_counts(page: Any, base: str) -> dict[str, int]:
    """The counts of the coordinator's home page, each read from its panel's sentence."""
    text = home_text(page, base)
    counts = {}
    for name, pattern in COUNTS.items():
        found = re.search(pattern, text)
        assert found is not None, (name, text)
        counts[name] = int(found.group(1))
    return counts


def expect(**changed: int) -> dict[str, int]:
    """The home page's counts: none of them, except those named."""
    return {**dict.fromkeys(COUNTS, 0), **changed}


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
    page = new_page(browser)
    sign_in(page, base, coordinator)
    assert home_counts(page, base) == expect()
    # A referral arrives from youth care, with the person's consent to disclose.
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
    assert home_counts(page, base) == expect(referrals=1)
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
    # Accepted and hers: nothing waits, and the trajectory has a coordinator.
    assert home_counts(page, base) == expect()
    trajectory = str(referred.pk)
    record(page, base, trajectory, "intake", {"when": when(200)})
    assert home_counts(page, base) == expect()
    record(page, base, trajectory, "placement_start", {"when": when(199), "placement_type": "omm"})
    assert home_counts(page, base) == expect()
    # B8 in its legal order; the reflection period's end is a deadline (long past) until the
    # end of the reflection period is recorded.
    steps = (
        (198, {"milestone": "reflection_start"}, expect(overdue=1)),
        (150, {"milestone": "police_report"}, expect(overdue=1)),
        (149, {"milestone": "reflection_end"}, expect()),
        (140, {"milestone": "permit_decision", "decision": "granted"}, expect()),
    )
    for days, fields, counts in steps:
        record(page, base, trajectory, "residence_milestone", {"when": when(days), **fields})
        assert home_counts(page, base) == counts, fields
    # The running placement is picked from a list, not typed.
    page.goto(f"{base}/trajecten/{trajectory}/gebeurtenis/placement_end/")
    options = page.locator("#id_placement_id option")
    assert options.count() == 1 and "OMM" in options.first.inner_text()
    record(page, base, trajectory, "placement_end", {"when": when(130), "reason": "Eigen woning"})
    assert home_counts(page, base) == expect()
    # The exit form comes with the follow-up months filled in.
    page.goto(f"{base}/trajecten/{trajectory}/gebeurtenis/exit/")
    assert page.locator("input[name=follow_up_months]:checked").count() == 4  # 3, 6, 12, 24
    record(page, base, trajectory, "exit", {"when": when(120), "exit_kind": "stable"})
    assert home_counts(page, base) == expect(overdue=1)  # the 3-month follow-up is overdue
    page.click("main a:has-text('Nazorgcontact vastleggen')")
    page.fill("#id_occurred_at", when(1))
    page.select_option("#id_outcome", "return_to_exploitation")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/trajecten/{trajectory}/")
    contact = page.locator("main .schakel-timeline li", has_text="Nazorgcontact")
    assert "Terug in uitbuiting" in contact.first.inner_text()
    assert home_counts(page, base) == expect()  # the 6-month one is two months away
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
    assert "1 traject," in page.inner_text("main")
    page.click("button[name=confirm]")
    page.wait_for_url(f"{base}/trajecten/team/")
    assert Handover.objects.get().trajectories == 1
    assert Trajectory.objects.get(pk=trajectory).coordinator_id == colleague.user_id
