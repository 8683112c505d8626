"""Fixtures shared by the app tests: organisations, members in each role, a trajectory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from schakel.engine.vocabulary import Region, Role
from schakel.web.core.testing import IDENTITY, MembershipFactory, OrganisationFactory
from schakel.web.core.testing.browser import browser, chromium  # noqa: F401  (fixtures for browser tests)
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import Trajectory


@pytest.fixture
def org_a() -> Organisation:
    return OrganisationFactory.create(name="Zorgcoördinatie A")


@pytest.fixture
def org_b() -> Organisation:
    return OrganisationFactory.create(name="Zorgcoördinatie B", region=Region.AMSTERDAM)


@pytest.fixture
def member() -> Callable[..., Membership]:
    def make(organisation: Organisation, role: Role = Role.COORDINATOR) -> Membership:
        return MembershipFactory.create(organisation=organisation, role=role)

    return make


@pytest.fixture
def coordinator_a(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a)


@pytest.fixture
def coordinator_b(org_b: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_b)


@pytest.fixture
def trajectory_a(coordinator_a: Membership) -> Trajectory:
    person = do_register_person(actor=coordinator_a, identity=IDENTITY)
    return do_open_trajectory(
        actor=coordinator_a, person=person, opened_at=timezone.now() - dt.timedelta(days=30)
    )


@pytest.fixture(autouse=True)
def _append_only_enforced(request: pytest.FixtureRequest) -> Iterator[None]:
    """Append-only triggers hold during every test; a transactional test's final flush (DELETE
    on SQLite) may pass them. See schakel.web.core.append_only."""
    from django.db import connection

    from schakel.web.core.append_only import MAINTENANCE

    uses_db = any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    marker = request.node.get_closest_marker("django_db")
    if not uses_db and marker is None:
        yield
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MAINTENANCE}")
    yield
    if _transactional(request):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {MAINTENANCE} (reason) VALUES ('test flush')")


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    wants = marker is not None and marker.kwargs.get("transaction", False)
    return (
        bool(wants)
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
