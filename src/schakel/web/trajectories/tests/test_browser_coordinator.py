"""The coordinator's journey in real Chromium: from a referral to a handover."""

from __future__ import annotations

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
    colleague = member(coordination, Role.COORDINATOR)
    frontline = member(youth_care, Role.FRONTLINE)
    earlier = do_register_person(
        actor=frontline, identity={"given_names": "Amara", "family_name": "Okafor"}
    )
    referred = do_open_trajectory(actor=frontline, person=earlier)
    consent = do_record_consent(
        actor=frontline,
        trajectory=referred,
        purpose="disclosure",
        organisation=coordination,
        given_on=timezone.localdate(),
        source="written",
    )
    do_record_event(
        actor=frontline,
        trajectory=referred,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": "r1",
            "to_organisation_id": coordination.pk,
            "consent_id": str(consent.pk),
        },
    )

    page = new_page(browser)
    sign_in(page, base, coordinator)
    # The referral waits in the inbox and is accepted.
    page.goto(f"{base}/trajecten/inbox/")
    page.click("main table a")
    page.click("button[value=accept]")
    page.wait_for_url(f"{base}/trajecten/{referred.pk}/")
    assert Referral.objects.get().status == "accepted"
    # A new person, registered after the duplicate check.
    page.goto(f"{base}/trajecten/nieuw/")
    page.fill("#id_given_names", "Oksana")
    page.fill("#id_family_name", "Kovalenko")
    page.fill("#id_date_of_birth", "2001-06-02")
    page.select_option("#id_nationality", "UA")
    page.click("button[name=check]")
    page.wait_for_selector("button[name=create]")
    page.click("button[name=create]")
    page.wait_for_url("**/trajecten/*-*/")
    trajectory = page.url.rstrip("/").split("/")[-1]
    steps = [
        ("consultation", {"when": "2026-01-05T10:00", "topic": "signals at work"}),
        (
            "exploitation_episode",
            {
                "when": "2026-01-06T10:00",
                "form": "labour",
                "modus_operandi": "fake_job_offer",
            },
        ),
        ("residence_milestone", {"when": "2026-01-07T10:00", "milestone": "reflection_start"}),
        (
            "placement_start",
            {"when": "2026-01-07T12:00", "placement_type": "omm"},
        ),
        (
            "intervention_start",
            {
                "when": "2026-01-10T10:00",
                "intervention_type": "trauma_care",
            },
        ),
        ("residence_milestone", {"when": "2026-03-01T10:00", "milestone": "reflection_end"}),
        ("exit", {"when": "2026-04-01T10:00", "exit_kind": "stable"}),
        ("follow_up_contact", {"when": "2026-07-01T10:00", "outcome": "stable"}),
        ("follow_up_contact", {"when": "2026-10-01T10:00", "outcome": "return_to_exploitation"}),
    ]
    for kind, fields in steps:
        record(page, base, trajectory, kind, dict(fields))
    kinds = list(
        TrajectoryEvent.objects.filter(trajectory_id=trajectory).values_list(
            "event_type", flat=True
        )
    )
    assert kinds == [kind for kind, _ in steps]
    assert Trajectory.objects.get(pk=trajectory).stage == "follow_up"
    assert axe_violations(page) == []
    # Handover of all open work to a colleague.
    page.goto(f"{base}/trajecten/overdracht/")
    page.select_option("#id_from_user", str(coordinator.user_id))
    page.select_option("#id_to_user", str(colleague.user_id))
    page.fill("#id_note", "Going on leave; follow-up at 12 months is due in April.")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/trajecten/team/")
    assert Handover.objects.get().trajectories == 2  # the accepted referral and the new person
    assert Trajectory.objects.get(pk=trajectory).coordinator_id == colleague.user_id
