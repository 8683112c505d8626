"""Test support for every app: factories, signed-in clients, synthetic values.

Tests import helpers from here; `conftest.py` files hold fixtures only. This package may use
every app (the layer contracts ignore it): it is not part of the running application.
"""

from schakel.web.core.testing.clients import signed_in
from schakel.web.core.testing.data import IDENTITY, days_ago, next_year
from schakel.web.core.testing.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

__all__ = [
    "IDENTITY",
    "PASSWORD",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "days_ago",
    "next_year",
    "signed_in",
]
