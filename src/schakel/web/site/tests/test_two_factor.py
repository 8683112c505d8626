"""The second factor: required for roles that see identities or the audit trail, set up with
an authenticator app, recovery codes that work once, an audited reset by an administrator."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import PASSWORD
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.site.actions import do_reset_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_steps")]


@pytest.fixture
def two_steps() -> object:
    with override_settings(ONE_STEP_SIGN_IN=False):
        yield


def _code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def _sign_in(membership: Membership) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": membership.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _set_up(client: Client) -> list[str]:
    page = client.get(reverse("second-factor-setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("second-factor-setup"), {"token": _code(device)})
    assert done.status_code == 200, done.content[:500]
    return list(done.context["codes"])


def test_identity_pages_send_a_user_without_second_factor_to_set_it_up(
    coordinator_a: Membership,
) -> None:
    client = _sign_in(coordinator_a)
    page = client.get(reverse("trajectory-list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("second-factor-setup"))
    api = client.get("/api/v1/coordination/tasks")
    assert api.status_code == 403 and api.json()["error"]["code"] == "second_factor_required"
    codes = _set_up(client)
    assert len(codes) == 10
    assert client.get(reverse("trajectory-list")).status_code == 200
    assert AuditEntry.objects.filter(purpose="second factor set up").exists()


def test_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(
    coordinator_a: Membership,
) -> None:
    first = _sign_in(coordinator_a)
    codes = _set_up(first)
    client = _sign_in(coordinator_a)
    page = client.get(reverse("trajectory-list"))
    assert page["Location"].startswith(reverse("second-factor"))
    wrong = client.post(reverse("second-factor"), {"token": "000000"})
    assert wrong.status_code == 422
    time.sleep(1.1)  # django-otp throttles: after one wrong code, the next waits a second
    assert client.post(reverse("second-factor"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("trajectory-list")).status_code == 200
    again = _sign_in(coordinator_a)
    assert again.post(reverse("second-factor"), {"token": codes[0]}).status_code == 422
    actions = set(
        AuditEntry.objects.filter(purpose="second factor").values_list("action", flat=True)
    )
    assert actions == {AuditEntry.Action.SIGN_IN, AuditEntry.Action.SIGN_FAIL}


def test_roles_that_see_no_identities_sign_in_with_a_password(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    analyst = member(org_a, Role.ANALYST)
    client = _sign_in(analyst)
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_resets_a_colleagues_second_factor_audited(
    org_a: Organisation,
    org_b: Organisation,
    coordinator_a: Membership,
    member: Callable[..., Membership],
) -> None:
    _set_up(_sign_in(coordinator_a))
    stranger = member(org_b, Role.ADMINISTRATOR)
    with pytest.raises(PermissionError):
        do_reset_second_factor(actor=stranger, user=coordinator_a.user, reason="telefoon kwijt")
    with pytest.raises(PermissionDenied):
        do_reset_second_factor(actor=coordinator_a, user=coordinator_a.user, reason="x")
    admin = member(org_a, Role.ADMINISTRATOR)
    removed = do_reset_second_factor(actor=admin, user=coordinator_a.user, reason="kwijt")
    assert removed >= 2
    assert not TOTPDevice.objects.filter(user=coordinator_a.user).exists()
    assert not StaticDevice.objects.filter(user=coordinator_a.user).exists()
    entry = AuditEntry.objects.get(purpose="second factor reset")
    assert entry.actor_id == admin.user_id and entry.object_id == str(coordinator_a.user_id)
    client = _sign_in(coordinator_a)
    assert client.get(reverse("trajectory-list"))["Location"].startswith(
        reverse("second-factor-setup")
    )
