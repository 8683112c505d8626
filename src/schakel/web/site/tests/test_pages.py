from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schakel.web.core.testing import PASSWORD, signed_in
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_dutch_by_default_english_by_choice(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    page = client.get(reverse("home"), headers={"accept-language": "en-GB,en"}).content.decode()
    assert '<html lang="nl"' in page and "Trajecten" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in page and "Trajectories" in page


def test_login_with_argon2_password(coordinator_a: Membership) -> None:
    from schakel.web import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    client = Client()
    response = client.post(
        reverse("login"), {"username": coordinator_a.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_login_required_everywhere(coordinator_a: Membership) -> None:
    client = Client()
    for name in ("home", "trajectory-list", "audit-log"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_personal_pages_are_not_cached(coordinator_a: Membership) -> None:
    response = signed_in(coordinator_a).get(reverse("trajectory-list"))
    assert "no-store" in response["Cache-Control"]


def test_switching_to_a_foreign_membership_is_refused(
    coordinator_a: Membership, coordinator_b: Membership
) -> None:
    response = signed_in(coordinator_a).post(
        reverse("switch-membership"), {"membership": coordinator_b.pk}
    )
    assert response.status_code == 403
