"""The coordinator's three busiest pages cost a fixed number of queries, however many rows they
show: home, the case list with a search term and filters, and the case file.

Each page is requested with a few rows and again with many; the count must be the same (no
query per row) and at most the pinned number. A change that adds a query per task, trajectory,
event or referral fails here before the benchmark (benchmarks/coordinator_pages.py) sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from schakel.web.core.crypto import forget_keys
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_consent,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Consent, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db

HOME = 12
"""Session, user, membership; per panel a count and at most five rows (referrals, consultations,
overdue and this week's tasks, trajectories without a coordinator)."""
CASE_LIST = 12
"""Session, user, membership, the persons the search term names (from their indexes), the
count and the page of rows, the audited read (5 statements in one transaction: begin, lock the
head, insert, update the head, commit) and the coordinators for the filter."""
CASE_FILE = 14
"""Session, user, membership, the trajectory, the audited read (5), then events with their
recorders and organisations, the person's data key (one, for every sealed note), referrals,
consents and the organisations named in events."""


def queries(client: Client, url: str, data: dict[str, str] | None = None) -> int:
    forget_keys()  # a data key unwrapped moments ago would hide a query per person
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _open(actor: Membership, family_name: str, *, coordinated: bool = True) -> Trajectory:
    person = do_register_person(actor=actor, identity={"family_name": family_name})
    return do_open_trajectory(
        actor=actor,
        person=person,
        opened_at=timezone.now() - dt.timedelta(days=200),
        coordinator_id=actor.user_id if coordinated else None,
    )


def _exit(actor: Membership, trajectory: Trajectory, days_ago: int) -> None:
    do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="exit",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        payload={"exit_kind": "stable"},
    )


def _referral_to(receiver: Organisation, sender: Membership) -> None:
    trajectory = _open(sender, "Ionescu")
    consent = do_record_consent(
        actor=sender,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=receiver,
        given_on=timezone.localdate(),
        source="written",
    )
    do_record_event(
        actor=sender,
        trajectory=trajectory,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": f"r-{trajectory.pk}",
            "to_organisation_id": receiver.pk,
            "consent_id": str(consent.pk),
            "note": "Werkt in een kas.",
        },
    )


def _work(coordinator: Membership, sender: Membership, n: int) -> None:
    """n of each: overdue and this week's follow-ups, unassigned trajectories, referrals in."""
    for _ in range(n):
        _exit(coordinator, _open(coordinator, "Popescu"), 100)  # 3-month follow-up overdue
        _exit(coordinator, _open(coordinator, "Popescu"), 88)  # due within the week
        _open(coordinator, "Kovalenko", coordinated=False)
        _referral_to(coordinator.organisation, sender)


def test_home_costs_the_same_queries_for_few_or_many_tasks(
    coordinator_a: Membership,
    coordinator_b: Membership,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(coordinator_a)
    _work(coordinator_a, coordinator_b, 1)
    client.get(reverse("home"))
    few = queries(client, reverse("home"))
    _work(coordinator_a, coordinator_b, 7)
    forget_keys()
    with django_assert_max_num_queries(HOME):
        page = client.get(reverse("home")).content.decode()
    assert "Te laat: 8" in page and "Deze week: 8" in page  # the rows behind the counts exist
    assert "Zonder coördinator: 8" in page and "op antwoord wachten: 8" in page
    # the four panels are full now: each adds one count, never one query per row
    assert queries(client, reverse("home")) == few + 4


def test_case_list_search_and_filters_cost_the_same_queries_for_few_or_many_rows(
    coordinator_a: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(coordinator_a)
    search = {"zoek": "Popescu", "fase": "follow_up", "coordinator": "me", "sorteer": "termijn"}
    url = reverse("trajectory-list")
    _exit(coordinator_a, _open(coordinator_a, "Popescu"), 100)
    queries(client, url, search)
    few = queries(client, url, search)
    for _ in range(12):
        _exit(coordinator_a, _open(coordinator_a, "Popescu"), 100)
    forget_keys()
    with django_assert_max_num_queries(CASE_LIST):
        page = client.post(url, {**search, "te_laat": "1"}).content.decode()
    assert "Gevonden: 13." in page
    assert queries(client, url, search) == few


def _events(actor: Membership, trajectory: Trajectory, consent: Consent, wanted: int) -> None:
    """Events of many kinds up to `wanted`: observations, a referral naming an organisation,
    a placement and a withdrawn event, so every part of the timeline is drawn."""
    start = timezone.now() - dt.timedelta(days=300)
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("intake", {"note": "Eerste gesprek."}),
        ("placement_start", {"placement_id": "p1", "placement_type": "omm"}),
        (
            "referral_sent",
            {
                "referral_id": "r1",
                "to_organisation_id": consent.organisation_id,
                "consent_id": str(consent.pk),
            },
        ),
    ]
    present = trajectory.events.count()
    for n in range(present, wanted):
        kind, payload = kinds[n] if n < len(kinds) else ("vulnerability", {"factor": "debt"})
        do_record_event(
            actor=actor,
            trajectory=trajectory,
            event_type=kind,
            occurred_at=start + dt.timedelta(days=n),
            payload=payload,
        )
    last = TrajectoryEvent.objects.filter(
        trajectory=trajectory, event_type="vulnerability", superseded_by__isnull=True
    ).last()
    assert last is not None
    do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="entered_in_error",
        occurred_at=last.occurred_at,
        payload={"reason": "Dubbel ingevoerd."},
        supersedes=last,
    )


def test_case_file_costs_the_same_queries_for_few_or_many_events(
    coordinator_a: Membership,
    org_b: Organisation,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    trajectory = _open(coordinator_a, "Popescu")
    consent = do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=org_b,
        given_on=timezone.localdate() - dt.timedelta(days=300),
        source="written",
    )
    client = signed_in(coordinator_a)
    url = reverse("trajectory-detail", args=[trajectory.pk])
    _events(coordinator_a, trajectory, consent, 5)
    queries(client, url)
    few = queries(client, url)
    _events(coordinator_a, trajectory, consent, 40)
    assert trajectory.events.count() >= 40
    forget_keys()
    with django_assert_max_num_queries(CASE_FILE):
        page = client.get(url).content.decode()
    assert page.count("Kwetsbaarheid") >= 30 and org_b.name in page
    assert queries(client, url) == few
