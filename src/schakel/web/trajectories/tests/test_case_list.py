"""The case list: search by pseudonym, name (by sound), BSN and V-number through the keyed
search tokens; filters, sorting, and a count of what was found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_open_trajectory, do_record_event, do_register_person
from schakel.web.trajectories.models import IdentityKey, Trajectory

pytestmark = pytest.mark.django_db


def open_for(actor: Membership, **identity: object) -> Trajectory:
    person = do_register_person(actor=actor, identity=identity)
    return do_open_trajectory(actor=actor, person=person)


def found(client: object, **data: str) -> str:
    return client.post(reverse("trajectory-list"), data).content.decode()  # type: ignore[attr-defined]


def test_search_by_name_bsn_v_number_and_pseudonym(coordinator_a: Membership) -> None:
    ioana = open_for(
        coordinator_a,
        given_names="Ioana",
        family_name="Popescu",
        identifiers={"bsn": "123456782", "v_number": "1234567890"},
    )
    other = open_for(coordinator_a, given_names="Oksana", family_name="Kovalenko")
    client = signed_in(coordinator_a)
    for term in ("Popesku", "ioana popescu", "123456782", "1234567890", ioana.person.pseudonym):
        page = found(client, zoek=term)
        assert ioana.person.pseudonym in page, term
        assert other.person.pseudonym not in page, term
        assert "Gevonden: 1." in page
    assert "Gevonden: 0." in found(client, zoek="Nowak")
    # the database compares tokens only: no identity text is stored to search in
    assert not IdentityKey.objects.filter(token__icontains="popescu").exists()
    # a search term never travels in the address
    assert ioana.person.pseudonym in client.get(reverse("trajectory-list")).content.decode()
    addressed = client.get(reverse("trajectory-list"), {"zoek": "Kovalenko"}).content.decode()
    assert other.person.pseudonym in addressed and ioana.person.pseudonym in addressed


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FRONTLINE])
def test_a_role_that_may_not_see_identities_searches_by_pseudonym_only(
    coordinator_a: Membership, member: Callable[..., Membership], role: Role
) -> None:
    ioana = open_for(
        coordinator_a,
        given_names="Ioana",
        family_name="Popescu",
        identifiers={"bsn": "123456782"},
    )
    client = signed_in(member(coordinator_a.organisation, role))
    assert ioana.person.pseudonym in found(client, zoek=ioana.person.pseudonym)
    for term in ("Popescu", "ioana popescu", "123456782"):
        page = found(client, zoek=term)
        assert "Gevonden: 0." in page and ioana.person.pseudonym not in page, term
    form = client.get(reverse("trajectory-list")).content.decode()
    assert "Zoeken op pseudoniem" in form and "Namen worden op klank" not in form
    coordinator = signed_in(coordinator_a).get(reverse("trajectory-list")).content.decode()
    assert "Zoeken op pseudoniem" not in coordinator


def test_filters_and_sorting(coordinator_a: Membership) -> None:
    labour = open_for(coordinator_a, family_name="Popescu")
    late = open_for(coordinator_a, family_name="Kovalenko")
    Trajectory.objects.filter(pk=labour.pk).update(coordinator_id=coordinator_a.user_id)
    do_record_event(
        actor=coordinator_a,
        trajectory=labour,
        event_type="exploitation_episode",
        occurred_at=timezone.now(),
        payload={"episode_id": "e1", "form": "labour"},
    )
    do_record_event(
        actor=coordinator_a,
        trajectory=late,
        event_type="exit",
        occurred_at=timezone.now() - dt.timedelta(days=120),
        payload={"exit_kind": "stable"},
    )
    client = signed_in(coordinator_a)
    by_form = found(client, vorm="labour")
    assert labour.person.pseudonym in by_form and late.person.pseudonym not in by_form
    overdue = found(client, te_laat="1")
    assert late.person.pseudonym in overdue and labour.person.pseudonym not in overdue
    mine = found(client, coordinator="me")
    assert labour.person.pseudonym in mine and late.person.pseudonym not in mine
    nobody = client.get(reverse("trajectory-list"), {"coordinator": "none"}).content.decode()
    assert late.person.pseudonym in nobody and labour.person.pseudonym not in nobody
    by_stage = found(client, fase="follow_up")
    assert late.person.pseudonym in by_stage and labour.person.pseudonym not in by_stage
    by_deadline = found(client, sorteer="termijn")
    assert by_deadline.index(late.person.pseudonym) < by_deadline.index(labour.person.pseudonym)


def test_a_search_costs_the_same_queries_for_few_or_many_rows(
    coordinator_a: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(6):
        open_for(coordinator_a, family_name="Popescu", given_names=f"Ioana{'a' * n}")
    client = signed_in(coordinator_a)
    found(client, zoek="Popescu")
    with django_assert_num_queries(12):  # test_page_queries.py says which
        page = found(client, zoek="Popescu", sorteer="termijn", te_laat="")
    assert "Gevonden: 6." in page


def test_the_results_use_the_page_width_and_paging_keeps_the_filters(
    coordinator_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter form is narrow (a form's measure); the results table stands after it at the
    page's width, and the paging buttons still submit the filters with the page number."""
    from schakel.web.trajectories import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ("Popescu", "Kovalenko", "Nowak"):
        open_for(coordinator_a, family_name=name)
    page = found(signed_in(coordinator_a), vorm="")
    form = page.split('id="trajecten-filters"')[1].split("</form>")[0]
    assert 'name="zoek"' in form and "<table" not in form
    assert '<table class="utrecht-table schakel-cards" id="trajecten">' in page
    nav = page.split('class="schakel-pagination"')[1].split("</nav>")[0]
    assert 'form="trajecten-filters" name="pagina" value="2"' in nav
    assert (
        'class="schakel-checkbox"><input type="checkbox" class="utrecht-checkbox" id="te_laat"'
        in form
    )
