"""Sign-in with the organisation's identity provider, against a mocked token endpoint.

The whole code flow runs: the start page sends the browser to the provider with state, nonce
and a PKCE challenge; the callback posts the code (and verifier) to the token endpoint, checks
the ID token's signature and nonce, reads the userinfo, and signs in only an account with that
e-mail address and a current membership. Sign-ins and refusals are audited. Off by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db
SECRET = "a-client-secret-long-enough-for-hs256-signatures"
BACKEND = "schakel.web.site.oidc.OrganisationIdentityBackend"


class Answer:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body, self.status_code, self.url, self.text = body, 200, "", ""
        self.headers = {"content-type": "application/json"}

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        return None


@pytest.fixture
def provider(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An identity provider whose token and userinfo endpoints are mocked; `claims` is what it
    says about the user, `posted` what Schakel sent to the token endpoint."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "schakel"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    state: dict[str, Any] = {"claims": {}, "posted": [], "nonce": None}

    def token(url: str, data: dict[str, Any], **kwargs: Any) -> Answer:
        assert url == "https://idp.example/token"
        state["posted"].append(data)
        claims = {"sub": "42", "nonce": state["nonce"], "iss": "https://idp.example"}
        signed = jwt.encode(claims, SECRET, algorithm="HS256")
        return Answer({"id_token": signed, "access_token": "at"})

    def userinfo(url: str, **kwargs: Any) -> Answer:
        assert url == "https://idp.example/userinfo"
        return Answer(state["claims"])

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", token)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", userinfo)
    yield state


def _sign_in(client: Client, provider: dict[str, Any]) -> Any:
    start = client.get(reverse("oidc-start"))
    assert start.status_code == 302
    sent = urlsplit(start["Location"])
    query = {k: v[0] for k, v in parse_qs(sent.query).items()}
    assert sent.netloc == "idp.example" and query["client_id"] == "schakel"
    assert query["code_challenge_method"] == "S256" and query["nonce"]
    provider["nonce"] = query["nonce"]
    return client.get(reverse("oidc-callback"), {"code": "the-code", "state": query["state"]})


def test_a_member_signs_in_with_the_identity_provider(
    provider: dict[str, Any], coordinator_a: Membership
) -> None:
    user = coordinator_a.user
    user.email = "ioana@zorg.example"
    user.save(update_fields=["email"])
    provider["claims"] = {"email": "IOANA@zorg.example", "email_verified": True, "sub": "42"}
    client = Client()
    page = client.get(reverse("login"))
    assert reverse("oidc-start").encode() in page.content
    answer = _sign_in(client, provider)
    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    posted = provider["posted"][0]
    assert posted["code"] == "the-code" and posted["code_verifier"]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN).get()
    assert entry.actor_id == user.pk and "identity provider" in entry.purpose


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "stranger@zorg.example"},  # no account: none is made
        {"email": "ioana@zorg.example", "email_verified": False},
        {"email": "former@zorg.example"},  # an account whose membership ended
    ],
)
def test_who_the_installation_does_not_know_is_refused_and_audited(
    provider: dict[str, Any], coordinator_a: Membership, member: Any, claims: dict[str, Any]
) -> None:
    user = coordinator_a.user
    user.email = "ioana@zorg.example"
    user.save(update_fields=["email"])
    former = member(coordinator_a.organisation)
    former.user.email = "former@zorg.example"
    former.user.save(update_fields=["email"])
    Membership.objects.filter(pk=former.pk).update(ended_on=timezone.localdate())
    provider["claims"] = claims
    client = Client()
    answer = _sign_in(client, provider)
    assert answer.status_code == 302 and answer["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Inloggen via uw organisatie is niet gelukt" in client.get(answer["Location"]).text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_FAIL).count() == 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN).exists()


def test_off_by_default() -> None:
    client = Client()
    assert client.get(reverse("oidc-start")).status_code == 404
    assert client.get(reverse("oidc-callback"), {"code": "c", "state": "s"}).status_code == 404
    assert reverse("oidc-start").encode() not in client.get(reverse("login")).content
