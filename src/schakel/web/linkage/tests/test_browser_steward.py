"""The data steward's journey in real Chromium (issue 16, "done means"): start a linkage run,
follow its progress, review and confirm one possible return; the return is an event on the
trajectory, and the coordinator sees it on the case page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import axe_violations, new_page
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs.models import Job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.linkage.models import LinkageRunRecord, ReturnCandidate
from schakel.web.linkage.tests.test_run import KEY
from schakel.web.notifications.models import Notification
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import TrajectoryEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_steward_runs_linkage_and_confirms_a_return(
    live_server: Any,
    browser: Any,
    member: Callable[..., Membership],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = live_server.url
    monkeypatch.setenv("SCHAKEL_LINKAGE_KEY", KEY)
    do_seed_region(seed_parameters(persons=600, seed=3))
    office = Organisation.objects.order_by("pk").first()
    steward = member(office, Role.DATA_STEWARD)
    # Every organisation's coordinator is made now, before the browser's requests: on the
    # test's in-memory SQLite the live server's threads share one cache, where a write from
    # this thread while a request reads the users table fails at once ("table is locked").
    coordinators = {
        organisation.pk: member(organisation, Role.COORDINATOR)
        for organisation in Organisation.objects.order_by("pk")
    }
    page = new_page(browser)
    sign_in(page, base, steward)

    # Start a run from the runs page; the progress page shows the bar while it waits.
    page.goto(f"{base}/koppeling/koppeling/")
    assert "Er is nog geen koppelingsrun geweest." in page.inner_text("main")
    assert axe_violations(page) == []
    page.click("main button:has-text('Nu een koppelingsrun starten')")
    job = Job.objects.get()
    page.wait_for_url(f"{base}/opdrachten/{job.pk}/voortgang/")
    assert page.locator("main progress.schakel-progress").count() == 1
    run_queued_jobs()  # the worker; the page polls and shows the result
    page.wait_for_selector("main .utrecht-alert--ok", timeout=15_000)
    done = page.inner_text("main")
    record = LinkageRunRecord.objects.get()
    assert record.state == LinkageRunRecord.State.DONE and record.started_by_id == steward.user_id
    assert "Mogelijke terugkeer:" in done
    page.click("main a:has-text('Terug naar de koppelingsruns')")
    history = page.inner_text("main")
    assert "Laatste koppelingsrun:" in history and "Volgende geplande run:" in history

    # The review queue: the reason in words, no pseudonym, name or organisation.
    candidate = ReturnCandidate.objects.order_by("detected_at", "pk").first()
    assert candidate is not None
    earlier = candidate.earlier
    coordinator = coordinators[earlier.organisation_id]
    page.goto(f"{base}/koppeling/terugkeer/")
    queue = page.inner_text("main")
    assert "Waarom de koppeling dit vond" in queue
    assert earlier.person.pseudonym not in queue
    assert earlier.organisation.name not in queue
    assert axe_violations(page) == []
    first = page.locator("main li.schakel-card").first
    first.locator("button[value=confirm]").click()
    page.wait_for_selector("main input[name=confirmed]", state="attached")
    assert earlier.person.pseudonym not in page.inner_text("main")
    page.click("main form.schakel-form button[type=submit]")
    page.wait_for_url(f"{base}/koppeling/terugkeer/")
    assert "Terugkeer vastgelegd; de coördinator heeft bericht gekregen." in page.content()

    # The return is an event on the earlier trajectory, by the steward, and its coordinator
    # is told and sees it on the case page.
    candidate.refresh_from_db()
    assert candidate.status == ReturnCandidate.Status.CONFIRMED
    event = TrajectoryEvent.objects.get(
        trajectory=earlier, event_type="return_to_exploitation", recorded_by=steward.user
    )
    assert event.payload["detected_by"] == "linkage"
    told = earlier.coordinator_id or coordinator.user_id
    assert Notification.objects.filter(user_id=told, kind="return_confirmed").exists()
    case = new_page(browser)
    sign_in(case, base, coordinator)
    case.goto(f"{base}/trajecten/{earlier.pk}/")
    returned = case.locator("main .schakel-timeline li", has_text="Terug in uitbuiting")
    assert returned.count() >= 1
    assert "koppeling" in returned.first.inner_text().lower()
