"""A redirect answering an htmx request navigates the whole page instead of being swapped
into a fragment, and never sends the page to itself."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from schakel.web.core.testing import PASSWORD
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_an_expired_session_on_a_fragment_navigates_to_the_sign_in_page() -> None:
    badges = Client().get(
        reverse("nav-badges"), headers={**HTMX, "HX-Current-URL": "http://testserver/trajecten/"}
    )
    assert badges.status_code == 204
    assert badges["HX-Redirect"].startswith(reverse("login"))
    assert badges.content == b""


def test_the_same_request_without_htmx_is_an_ordinary_redirect() -> None:
    page = Client().get(reverse("nav-badges"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


@override_settings(ONE_STEP_SIGN_IN=False)
def test_the_badges_of_the_set_up_page_do_not_reload_the_set_up_page(
    coordinator_a: Membership,
) -> None:
    client = Client()
    client.post(reverse("login"), {"username": coordinator_a.user.username, "password": PASSWORD})
    setup = reverse("second-factor-setup")
    elsewhere = client.get(
        reverse("nav-badges"), headers={**HTMX, "HX-Current-URL": "http://testserver/trajecten/"}
    )
    assert elsewhere.status_code == 204 and elsewhere["HX-Redirect"].startswith(setup)
    on_setup = client.get(
        reverse("nav-badges"),
        headers={**HTMX, "HX-Current-URL": f"http://testserver{setup}?next=/"},
    )
    assert on_setup.status_code == 204 and "HX-Redirect" not in on_setup
