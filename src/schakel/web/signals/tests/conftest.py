"""Organisations of two regions: a frontline professional and care coordinators."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.core.testing import OrganisationFactory
from schakel.web.organisations.models import Membership, Organisation


@pytest.fixture
def youth_care() -> Organisation:
    return OrganisationFactory.create(
        name="Jeugdhulp Kompasroos Maasdelta", type=OrganisationType.YOUTH_CARE
    )


@pytest.fixture
def frontline(youth_care: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(youth_care, Role.FRONTLINE)


@pytest.fixture
def amsterdam_frontline(member: Callable[..., Membership]) -> Membership:
    organisation = OrganisationFactory.create(
        name="Wmo-wijkteam Amstelwaarde",
        type=OrganisationType.SOCIAL_SUPPORT,
        region=Region.AMSTERDAM,
    )
    return member(organisation, Role.FRONTLINE)
