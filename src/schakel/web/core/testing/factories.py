"""Factories for the people and organisations every app test needs."""

from __future__ import annotations

import factory

from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.organisations.models import Membership, Organisation, User

PASSWORD = "correct horse battery staple"  # noqa: S105  (test users only)
"""The password of every factory-made user (tests sign in with it)."""


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
