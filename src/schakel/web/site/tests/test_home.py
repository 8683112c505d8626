"""The home page per role: what needs doing now, with counts that follow the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _overdue_follow_up(actor: Membership, coordinator_id: int | None) -> Trajectory:
    person = do_register_person(actor=actor, identity=IDENTITY)
    trajectory = do_open_trajectory(
        actor=actor,
        person=person,
        opened_at=timezone.now() - dt.timedelta(days=200),
        coordinator_id=coordinator_id,
    )
    do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="exit",
        occurred_at=timezone.now() - dt.timedelta(days=100),
        payload={"exit_kind": "stable"},
    )
    return trajectory


def test_coordinator_home_counts_my_work_and_the_unassigned(
    coordinator_a: Membership,
    org_a: Organisation,
    member: Callable[..., Membership],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    colleague = member(org_a)
    mine = _overdue_follow_up(coordinator_a, coordinator_a.user_id)
    _overdue_follow_up(coordinator_a, colleague.user_id)
    unassigned = _overdue_follow_up(coordinator_a, None)
    client = signed_in(coordinator_a)
    client.get(reverse("home"))
    # constant: at most five rows per panel, counted apart only when the five are full
    # (test_page_queries pins it per size); possible returns are the data steward's panel
    with django_assert_num_queries(8):
        page = client.get(reverse("home")).content.decode()
    assert "Te laat: 1" in page  # mine only, not the colleague's or the unassigned one
    assert mine.person.pseudonym in page and unassigned.person.pseudonym in page
    assert "Zonder coördinator: 1" in page
    follow_up = reverse("record-event", args=[mine.pk, "follow_up_contact"])
    assert follow_up in page
    do_record_event(
        actor=coordinator_a,
        trajectory=mine,
        event_type="follow_up_contact",
        occurred_at=timezone.now(),
        payload={"outcome": "stable"},
    )
    assert "Te laat: 0" in client.get(reverse("home")).content.decode()
    badges = client.get(reverse("nav-badges")).content.decode()
    assert 'id="badge-referrals"' in badges and 'id="badge-work"' in badges


def test_a_full_panel_counts_all_its_rows_not_the_five_shown(coordinator_a: Membership) -> None:
    for _ in range(7):
        _overdue_follow_up(coordinator_a, None)
    page = signed_in(coordinator_a).get(reverse("home")).content.decode()
    assert "Zonder coördinator: 7" in page


def test_my_work_is_mine_and_the_team_view_is_the_organisations(
    coordinator_a: Membership, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    colleague = member(org_a)
    _overdue_follow_up(coordinator_a, colleague.user_id)
    _overdue_follow_up(coordinator_a, colleague.user_id)
    client = signed_in(coordinator_a)
    mine = client.get(reverse("coordinator-dashboard")).content.decode()
    assert "Te laat: 0" in mine
    team = client.get(reverse("coordinator-dashboard"), {"wie": "team"}).content.decode()
    assert "Te laat: 2" in team


def test_frontline_home_shows_referrals_not_coordination_work(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    frontline = member(org_a, Role.FRONTLINE)
    page = signed_in(frontline).get(reverse("home")).content.decode()
    assert "Verwijzingen van mijn organisatie: 0" in page
    assert "Mijn taken" not in page and "Zonder coördinator" not in page
    badges = signed_in(frontline).get(reverse("nav-badges")).content.decode()
    assert "badge-work" not in badges


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.ANALYST, ["/monitor/"], ["/audit/"]),
        (Role.CONTENT_EDITOR, ["/signalen/catalogus/"], ["/monitor/"]),
        (Role.DATA_STEWARD, ["/koppeling/"], ["/trajecten/"]),
    ],
)
def test_a_role_without_worklists_starts_from_its_own_pages(
    org_a: Organisation,
    member: Callable[..., Membership],
    role: Role,
    expected: list[str],
    absent: list[str],
) -> None:
    html = signed_in(member(org_a, role)).get(reverse("home")).content.decode()
    section = html[html.index('id="role-links-heading"') :]
    section = section[: section.index("</section>")]
    for start in expected:
        assert f'href="{start}' in section
    for start in absent:
        assert f'href="{start}' not in section


@pytest.mark.parametrize(
    ("role", "listed"),
    [(Role.FRONTLINE, True), (Role.COORDINATOR, True), (Role.ANALYST, False)],
)
def test_your_pages_list_the_signal_check_for_the_roles_that_consult_on_it(
    org_a: Organisation, member: Callable[..., Membership], role: Role, listed: bool
) -> None:
    """The walk's finding: the frontline professional's "Uw pagina's" left out the signal
    check, the page their work starts from (open to all, so the list skipped it)."""
    html = signed_in(member(org_a, role)).get(reverse("home")).content.decode()
    section = html[html.index('id="role-links-heading"') :]
    section = section[: section.index("</section>")]
    link = f'<a class="utrecht-link" href="{reverse("signal-check")}">Signalencheck</a>'
    assert (link in section) is listed
