"""The case file: header card, timeline newest first with a filter, and what to do next."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from schakel.engine.trajectories import project_state
from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.case_file import next_steps
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)


def record(actor: Membership, trajectory: Trajectory, kind: str, days: int, **payload: object):
    return do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type=kind,
        occurred_at=DAY + dt.timedelta(days=days),
        payload=payload,
    )


def test_header_timeline_and_next_steps(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    record(coordinator_a, trajectory_a, "intake", 0)
    record(
        coordinator_a, trajectory_a, "placement_start", 1, placement_id="p", placement_type="omm"
    )
    record(coordinator_a, trajectory_a, "residence_milestone", 2, milestone="reflection_start")
    client = signed_in(coordinator_a)
    url = reverse("trajectory-detail", args=[trajectory_a.pk])
    html = client.get(url).content.decode()
    assert "Mijlpaal verblijf" in html and "bedenktijd tot 7 april 2026" in html
    # newest first: the milestone before the placement before the intake
    assert html.index("Mijlpaal verblijf</strong>") < html.index("Plaatsing gestart</strong>")
    assert html.index("Plaatsing gestart</strong>") < html.index("Intake</strong>")
    assert "placement_id" not in html and ">p<" not in html  # references are not for reading
    filtered = client.get(url, {"soort": "intake"}).content.decode()
    assert "Intake</strong>" in filtered and "Plaatsing gestart</strong>" not in filtered
    assert "De bedenktijd loopt af." in html  # what next: the reflection period's end
    assert f'<span class="schakel-nowrap">{trajectory_a.person.pseudonym}</span></h1>' in html


def test_after_exit_the_follow_ups_are_proposed(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    record(coordinator_a, trajectory_a, "intake", 0)
    record(coordinator_a, trajectory_a, "exit", 10, exit_kind="stable")
    events = [e.as_engine_event() for e in trajectory_a.events.all()]
    steps = next_steps(events, project_state(events))
    assert [(s.event_type.value, s.due_on) for s in steps] == [
        ("follow_up_contact", dt.date(2026, 4, 15)),
        ("follow_up_contact", dt.date(2026, 7, 15)),
        ("follow_up_contact", dt.date(2027, 1, 15)),
        ("follow_up_contact", dt.date(2028, 1, 15)),
    ]
    html = signed_in(coordinator_a).get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert "uiterlijk 15 april 2026" in html.content.decode()


def test_a_frontline_member_sees_the_status_and_own_observations_not_the_care_file(
    coordinator_a: Membership, trajectory_a: Trajectory, member
) -> None:
    frontline = member(coordinator_a.organisation, Role.FRONTLINE)
    record(frontline, trajectory_a, "signal", 0, observed_by_role="wijkagent")
    record(coordinator_a, trajectory_a, "intake", 1)
    record(coordinator_a, trajectory_a, "residence_milestone", 2, milestone="reflection_start")
    url = reverse("trajectory-detail", args=[trajectory_a.pk])
    html = signed_in(frontline).get(url).content.decode()
    assert "Fase" in html and "Signaal</strong>" in html  # the status and what they observed
    assert "B8-verblijfsprocedure" not in html and "Mijlpaal verblijf" not in html
    assert "Intake</strong>" not in html  # the care coordination's events stay in the care file
    # They signalled this person, so they may see who it is (view_own_identity); a
    # colleague who recorded nothing here may not.
    assert "Identiteit tonen" in html
    colleague = member(coordinator_a.organisation, Role.FRONTLINE)
    theirs = signed_in(colleague).get(url)
    assert theirs.status_code == 200 and "Signaal</strong>" in theirs.content.decode()
    assert "Identiteit tonen" not in theirs.content.decode()
    assert reverse("national-report", args=[trajectory_a.pk]) not in html
    assert reverse("record-event", args=[trajectory_a.pk, "national_centre_report"]) not in html
    assert reverse("record-event", args=[trajectory_a.pk, "vulnerability"]) in html
    html = signed_in(coordinator_a).get(url).content.decode()
    assert "B8-verblijfsprocedure" in html and "Identiteit tonen" in html
    assert "Signaal</strong>" in html and "Intake</strong>" in html
    assert reverse("record-event", args=[trajectory_a.pk, "national_centre_report"]) in html


def test_a_deadline_that_has_passed_is_marked_overdue(coordinator_a: Membership) -> None:
    """The header's next deadline and a step's due date say "Te laat" once the day has passed,
    and only then."""
    from django.utils import timezone

    from schakel.web.trajectories.actions import do_open_trajectory, do_register_person

    client = signed_in(coordinator_a)
    pages = {}
    for days in (1, 200):  # the reflection period (three months) runs, or ended long ago
        person = do_register_person(actor=coordinator_a, identity={"family_name": f"P{days}"})
        trajectory = do_open_trajectory(actor=coordinator_a, person=person)
        for kind, payload in (
            ("intake", {}),
            ("residence_milestone", {"milestone": "reflection_start"}),
        ):
            do_record_event(
                actor=coordinator_a, trajectory=trajectory, event_type=kind,
                occurred_at=timezone.now() - dt.timedelta(days=days), payload=payload,
            )  # fmt: skip
        pages[days] = client.get(
            reverse("trajectory-detail", args=[trajectory.pk])
        ).content.decode()
    assert "Bedenktijd loopt af" in pages[1] and "Te laat" not in pages[1]
    header = pages[200].split("schakel-case-header")[1].split("</section>")[0]
    steps = pages[200].split('id="next-heading"')[1].split("</section>")[0]
    assert '<strong class="schakel-badge">Te laat</strong>' in header
    assert '<strong class="schakel-badge">Te laat</strong>' in steps
