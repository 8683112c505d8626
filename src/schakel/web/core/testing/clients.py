"""Test clients signed in as a membership's user."""

from __future__ import annotations

from django.test import Client

from schakel.web.organisations.models import Membership


def signed_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client
