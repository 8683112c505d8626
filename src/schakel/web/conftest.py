"""Fixtures shared by the app tests: organisations, members in each role, a trajectory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import factory
import pytest
from django.test import Client
from django.utils import timezone

from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import Trajectory

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Zorgcoördinatie Test {n}")
    type = OrganisationType.CARE_COORDINATION
    region = Region.ROTTERDAM


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COORDINATOR


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


IDENTITY = {
    "given_names": "Ioana Maria",
    "family_name": "Popescu",
    "sex": "female",
    "date_of_birth": "1999-03-14",
    "nationality": "RO",
}


@pytest.fixture
def trajectory_a(coordinator_a: Membership) -> Trajectory:
    person = do_register_person(actor=coordinator_a, identity=IDENTITY)
    return do_open_trajectory(
        actor=coordinator_a, person=person, opened_at=timezone.now() - dt.timedelta(days=30)
    )


def signed_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client
