"""Passkeys (WebAuthn) as the second step: offered beside the authenticator app, accepted by
the middleware as a device, their ceremonies scoped to the host and audited.

A real ceremony needs an authenticator (a browser test with a virtual one would add it); these
tests cover what the server decides: the options it hands out, that a registered passkey makes
the user one who gives a second step rather than one who sets it up, and that a forged answer
is refused and audited.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import PASSWORD
from schakel.web.organisations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_steps")]


@pytest.fixture
def two_steps() -> object:
    with override_settings(ONE_STEP_SIGN_IN=False):
        yield


def _sign_in(membership: Membership) -> Client:
    client = Client()
    answer = client.post(
        reverse("login"), {"username": membership.user.username, "password": PASSWORD}
    )
    assert answer.status_code == 302
    return client


def _passkey(membership: Membership) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=membership.user,
        name="laptop",
        credential_id=b"credential-1",
        public_key=b"not-used-here",
        aaguid="00000000-0000-0000-0000-000000000000",
        confirmed=True,
    )


def test_set_up_offers_a_passkey_and_the_server_hands_out_scoped_options(
    coordinator_a: Membership,
) -> None:
    client = _sign_in(coordinator_a)
    page = client.get(reverse("second-factor-setup"))
    assert page.status_code == 200
    assert b'id="passkey-register-button"' in page.content
    assert reverse("otp_webauthn:credential-registration-begin").encode() in page.content
    options = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert options.status_code == 200
    body = options.json()
    assert body["rp"] == {"id": "testserver", "name": "Schakel"}
    assert body["user"]["name"] == coordinator_a.user.username and body["challenge"]


def test_a_forged_registration_is_refused_and_audited(coordinator_a: Membership) -> None:
    client = _sign_in(coordinator_a)
    client.post(reverse("otp_webauthn:credential-registration-begin"))
    forged = {"id": "x", "rawId": "x", "type": "public-key", "response": {}}
    answer = client.post(
        reverse("otp_webauthn:credential-registration-complete"),
        json.dumps(forged),
        content_type="application/json",
    )
    assert 400 <= answer.status_code < 500
    assert not WebAuthnCredential.objects.exists()
    refused = AuditEntry.objects.filter(
        action=AuditEntry.Action.SIGN_FAIL, purpose="passkey registered"
    )
    assert refused.get().actor_id == coordinator_a.user_id


def test_a_registered_passkey_is_asked_for_as_the_second_step(
    coordinator_a: Membership,
) -> None:
    credential = _passkey(coordinator_a)
    client = _sign_in(coordinator_a)
    sent = client.get(reverse("trajectory-list"))
    assert sent.status_code == 302 and sent["Location"].startswith(reverse("second-factor"))
    page = client.get(sent["Location"])
    assert b'id="passkey-verification-button"' in page.content
    options = client.post(reverse("otp_webauthn:credential-authentication-begin")).json()
    expected = base64.urlsafe_b64encode(credential.credential_id).decode().rstrip("=")
    assert [c["id"] for c in options["allowCredentials"]] == [expected]
    assert options["rpId"] == "testserver"
    forged = {"id": expected, "rawId": expected, "type": "public-key", "response": {}}
    answer = client.post(
        reverse("otp_webauthn:credential-authentication-complete"),
        json.dumps(forged),
        content_type="application/json",
    )
    assert 400 <= answer.status_code < 500
    assert client.get(reverse("trajectory-list")).status_code == 302, "still not verified"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SIGN_FAIL, purpose="second factor (passkey)"
    ).exists()


def test_signed_out_visitors_get_no_passkey_ceremony() -> None:
    answer = Client().post(reverse("otp_webauthn:credential-authentication-begin"))
    assert answer.status_code == 302 and reverse("login") in answer["Location"]
