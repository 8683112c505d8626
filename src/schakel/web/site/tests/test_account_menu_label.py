"""The account menu is named in Dutch on every width ("Mijn account"), English when chosen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_the_account_menu_is_named_in_dutch(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="schakel-wide-hidden">Mijn account</span>' in page
    assert ">Account<" not in page
    client.cookies["django_language"] = "en"
    assert "My account" in client.get(reverse("home")).content.decode()
