"""Sign-in through the organisation's identity provider: a real RS256 id token from a stand-in
provider (only its HTTP answers are replaced), an existing account by verified e-mail, never a
new account, each attempt audited, and 404 while it is not configured."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from jwt.algorithms import RSAAlgorithm

from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership, User
from schakel.web.site.oidc import PURPOSE

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.gemeente.example"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWKS = {"keys": [{**json.loads(RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1"}]}


@pytest.fixture
def configured() -> Iterator[None]:
    with override_settings(
        OIDC_ENABLED=True,
        AUTHENTICATION_BACKENDS=[
            *settings.AUTHENTICATION_BACKENDS,
            "schakel.web.site.oidc.OrganisationSignInBackend",
        ],
        OIDC_RP_CLIENT_ID="schakel",
        OIDC_RP_CLIENT_SECRET="geheim",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{ISSUER}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{ISSUER}/token",
        OIDC_OP_USER_ENDPOINT=f"{ISSUER}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{ISSUER}/jwks",
        OIDC_PROVIDER_NAME="Gemeente Voorbeeld",
    ):
        yield


class Answer:
    def __init__(self, body: dict[str, Any]):
        self.body = body
        self.status_code = 200
        self.headers = {"Content-Type": "application/json"}

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        return None


def provider(email: str, *, verified: bool = True, key: Any = KEY) -> Any:
    """The provider's answers: a token (id token signed with `key`), its keys, the user info."""
    nonces: list[str] = []

    def post(url: str, **kwargs: Any) -> Answer:
        assert url == f"{ISSUER}/token" and kwargs["data"]["code"] == "code-1"
        assert kwargs["data"]["code_verifier"]  # PKCE
        claims = {"iss": ISSUER, "aud": "schakel", "sub": "u-1", "nonce": nonces[0]}
        claims["exp"] = int(time.time()) + 300
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
        return Answer({"id_token": token, "access_token": "a-1"})

    def get(url: str, **kwargs: Any) -> Answer:
        if url.endswith("/jwks"):
            return Answer(JWKS)
        return Answer({"sub": "u-1", "email": email, "email_verified": verified})

    return post, get, nonces


def go(client: Client, email: str, **options: Any) -> Any:
    started = client.get(reverse("oidc-start"))
    assert started.status_code == 302 and started["Location"].startswith(f"{ISSUER}/authorize")
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    post, get, nonces = provider(email, **options)
    nonces.append(query["nonce"][0])
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", post),
        mock.patch("mozilla_django_oidc.auth.requests.get", get),
    ):
        return client.get(reverse("oidc-callback"), {"code": "code-1", "state": query["state"][0]})


@pytest.mark.usefixtures("configured")
def test_an_existing_account_signs_in_through_its_organisation(coordinator_a: Membership) -> None:
    user = coordinator_a.user
    user.email = "j.jansen@gemeente.example"
    user.save()
    client = Client()
    login = client.get(reverse("login")).content.decode()
    assert "Inloggen via Gemeente Voorbeeld" in login
    done = go(client, "J.Jansen@gemeente.example")
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(
        purpose=PURPOSE, action=AuditEntry.Action.SIGN_IN, actor=user
    ).exists()


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize(
    ("email", "options"),
    [
        ("niemand@gemeente.example", {}),  # no account: none is made
        ("j.jansen@gemeente.example", {"verified": False}),  # the provider did not verify it
        (
            "j.jansen@gemeente.example",
            {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
        ),  # signed by someone else
    ],
)
def test_no_account_unverified_or_forged_is_refused_and_audited(
    coordinator_a: Membership, email: str, options: dict[str, Any]
) -> None:
    coordinator_a.user.email = "j.jansen@gemeente.example"
    coordinator_a.user.save()
    users = User.objects.count()
    client = Client()
    done = go(client, email, **options)
    assert done.status_code == 302 and done["Location"] == "/inloggen/?organisatie=mislukt"
    page = client.get(done["Location"]).content.decode()
    assert "Inloggen via uw organisatie is niet gelukt" in page
    assert AuditEntry.objects.filter(purpose=PURPOSE, action=AuditEntry.Action.SIGN_FAIL).exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users


def test_without_configuration_the_pages_do_not_exist() -> None:
    client = Client()
    assert client.get(reverse("oidc-start")).status_code == 404
    assert client.get(reverse("oidc-callback"), {"code": "x", "state": "y"}).status_code == 404
    assert "Inloggen via" not in client.get(reverse("login")).content.decode()
