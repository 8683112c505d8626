"""Every page and API endpoint, for every role: the capability table decides who gets in.

The walk finds the URLs itself (the URL resolver and the live OpenAPI description), so a new
page or endpoint is covered the day it is added. A page declares its capability with
`@require_capability`; an endpoint with `needs(...)` in its route. Only the pages and endpoints
named below as open to everyone may declare none. For each role, a request is answered 403
exactly when the role lacks the declared capability.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.api.main import api
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, roles_with
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

OPEN_PAGES = {
    "home",
    "nav-badges",  # the menu's counts for any signed-in user, like home (each count is scoped)
    "switch-membership",
    "health",
    "ready",
    "login",
    "logout",
    "oidc-start",  # sign-in with the organisation's identity provider (404 when off)
    "oidc-callback",
    "credential-registration-begin",  # passkeys: the signed-in user's own, as a second step
    "credential-registration-complete",
    "credential-authentication-begin",
    "credential-authentication-complete",
    "js-i18n-catalog",
    "set_language",
    "signal-check",
    "signal-check-questions",
    "signal-check-part",
    "signal-check-round",
    "signal-check-result",
    "signal-check-restart",
    "job-progress",
    "notification-list",
    "notification-badge",
    "notifications-read",
    "notification-preferences",
    "signal-check-mail",
    "knowledge-public-article",
    "socialmap-public-detail",
    "account-welcome",
    "password-change",
    "second-factor",
    "second-factor-setup",
    "password-reset",
    "password-reset-sent",
    "password-reset-confirm",
}
"""Pages for anyone signed in (or anyone at all): they decide nothing about personal data.
A job's progress page shows only the signed-in user's own jobs (one 404 for anyone else's)."""

OPEN_ENDPOINTS = {
    ("get", "/api/v1/signals/catalogue"),
    ("post", "/api/v1/signals/evaluate"),
    ("post", "/api/v1/signals/perspective"),
}
"""The public signal check's endpoints."""


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    converters: dict[str, str]
    capability: Capability | None


def _walk(
    patterns: list[Any], prefix: str = "", converters: dict[str, str] | None = None
) -> Iterator[Page]:
    for entry in patterns:
        found = dict(converters or {})
        found.update(
            {k: type(v).__name__ for k, v in getattr(entry.pattern, "converters", {}).items()}
        )
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/"):
                continue
            yield from _walk(entry.url_patterns, route, found)
        elif isinstance(entry, URLPattern) and entry.name:
            capability = getattr(entry.callback, "capability", None)
            yield Page(entry.name, route, found, capability)


def pages() -> list[Page]:
    return list(_walk(get_resolver().url_patterns))


def _kwargs(page: Page, world: dict[str, Any]) -> dict[str, Any]:
    values = {"UUIDConverter": world["trajectory"].pk, "IntConverter": 1}
    return {name: values.get(kind, "onbekend") for name, kind in page.converters.items()}


def _url(page: Page, world: dict[str, Any]) -> str:
    namespace = "monitor:" if page.route.startswith("monitor/") else ""
    return reverse(namespace + page.name, kwargs=_kwargs(page, world))


@pytest.fixture
def world(coordinator_a: Membership, trajectory_a: Trajectory) -> dict[str, Any]:
    return {"organisation": coordinator_a.organisation, "trajectory": trajectory_a}


def test_every_page_declares_a_capability_or_is_open() -> None:
    found = pages()
    assert len(found) > 40
    undeclared = sorted(p.name for p in found if p.capability is None and p.name not in OPEN_PAGES)
    assert not undeclared, f"pages without @require_capability: {undeclared}"
    stale = OPEN_PAGES - {p.name for p in found}
    assert not stale, f"OPEN_PAGES names pages that do not exist: {stale}"


def _request(client: Client, url: str) -> int:
    status = client.get(url).status_code
    if status == 405:
        status = client.post(url, {}).status_code
    return status


@pytest.mark.parametrize("role", list(Role))
def test_the_table_decides_every_page(role: Role, world: dict[str, Any], member: Any) -> None:
    organisation: Organisation = world["organisation"]
    client = signed_in(member(organisation, role))
    wrong = []
    for page in pages():
        if page.capability is None:
            continue
        status = _request(client, _url(page, world))
        allowed = role in roles_with(page.capability)
        if (status == 403) == allowed:
            wrong.append(f"{page.name} ({page.capability.value}): {status}")
    assert not wrong, f"as {role.value}, the answer does not follow the table: {wrong}"


def test_signed_out_visitors_are_sent_to_sign_in(world: dict[str, Any]) -> None:
    client = Client()
    for page in pages():
        if page.capability is None:
            continue
        response = client.get(_url(page, world))
        if response.status_code == 405:
            response = client.post(_url(page, world), {})
        assert response.status_code == 302 and "/inloggen/" in response["Location"], page.name


# The API ------------------------------------------------------------------------------------


def _bodies(world: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Well-formed bodies, so the answer is about access, not about the input's shape."""
    now, today = timezone.now().isoformat(), timezone.localdate().isoformat()
    return {
        ("post", "/api/v1/trajectories/{trajectory_id}/events"): {
            "event_type": "vulnerability",  # what anyone who records may record
            "occurred_at": now,
            "payload": {"factor": "debt"},
        },
        ("post", "/api/v1/coordination/trajectories/{trajectory_id}/consents"): {
            "purpose": "disclosure",
            "given_on": today,
            "source": "written",
        },
        ("post", "/api/v1/coordination/referrals/{referral_id}/answer"): {"accept": False},
        ("post", "/api/v1/coordination/persons"): {"identity": {"family_name": "Ionescu"}},
        ("post", "/api/v1/coordination/persons/duplicates"): {"identity": {"family_name": "X"}},
        ("post", "/api/v1/coordination/handovers"): {"from_user": 1, "to_user": 2, "note": "n"},
        ("post", "/api/v1/linkage/runs"): {},
        ("post", "/api/v1/linkage/returns/{candidate_id}/review"): {
            "answer": "reject",
            "reason": "Not the same person",
        },
    }


def operations() -> list[tuple[str, str, str | None]]:
    schema = api.get_openapi_schema()
    return [
        (method, path, operation.get("x-capability"))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_endpoint_declares_a_capability_or_is_open() -> None:
    found = operations()
    undeclared = [(m, p) for m, p, c in found if c is None and (m, p) not in OPEN_ENDPOINTS]
    assert not undeclared, f"endpoints without needs(...): {undeclared}"
    declared = {c for _, _, c in found if c is not None}
    assert declared <= {c.value for c in Capability}


@pytest.mark.parametrize("role", list(Role))
def test_the_table_decides_every_endpoint(role: Role, world: dict[str, Any], member: Any) -> None:
    client = signed_in(member(world["organisation"], role))
    bodies = _bodies(world)
    wrong = []
    for method, path, capability in operations():
        if capability is None:
            continue
        url = re.sub(r"\{trajectory_id\}", str(world["trajectory"].pk), path)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        if method == "get":
            status = client.get(url).status_code
        else:
            body = bodies.get((method, path))
            assert body is not None, f"add a well-formed body for {method.upper()} {path}"
            status = client.post(url, body, content_type="application/json").status_code
        allowed = role in roles_with(Capability(capability))
        if (status == 403) == allowed:
            wrong.append(f"{method.upper()} {path} ({capability}): {status}")
    assert not wrong, f"as {role.value}, the API does not follow the table: {wrong}"
