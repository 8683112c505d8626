"""The JSON API (version 1). Each app contributes a router; errors share one format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from schakel.engine.identity import InvalidIdentityError
from schakel.engine.trajectories.events import InvalidEventError
from schakel.web.api.errors import error
from schakel.web.trajectories.actions import ConflictError

api = NinjaAPI(
    title="Schakel API",
    version="1",
    description="Signals, trajectories and the effectiveness monitor. Every call is scoped to "
    "the membership the user acts in and every read of personal data is audited.",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)


def _reply(request: HttpRequest, status: int, body: object) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [(".".join(str(p) for p in e["loc"][1:]) or "body", e["msg"]) for e in exc.errors]
    return _reply(request, 422, error("invalid", "The request is not valid.", fields))


@api.exception_handler(InvalidEventError)
def on_event_error(request: HttpRequest, exc: InvalidEventError) -> HttpResponse:
    return _reply(request, 422, error("invalid_event", str(exc), exc.errors))


@api.exception_handler(InvalidIdentityError)
def on_identity_error(request: HttpRequest, exc: InvalidIdentityError) -> HttpResponse:
    return _reply(request, 422, error("invalid_identity", "The identity is not valid.", exc.errors))


@api.exception_handler(ValidationError)
def on_django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = [(f, str(m)) for f, ms in exc.message_dict.items() for m in ms]
    else:
        fields = [("body", str(m)) for m in exc.messages]
    return _reply(request, 422, error("invalid", "The request is not valid.", fields))


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return _reply(request, 409, error("conflict", str(exc)))


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _reply(request, 403, error("forbidden", str(exc) or "Not allowed for your role."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _reply(request, 404, error("not_found", "Not found, or not yours to see."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _reply(request, 401, error("unauthenticated", "Sign in first."))


def register_routers() -> None:
    from schakel.web.signals.api import router as signals
    from schakel.web.trajectories.api import router as trajectories
    from schakel.web.trajectories.coordination_api import router as coordination

    api.add_router("/trajectories", trajectories)
    api.add_router("/coordination", coordination)
    api.add_router("/signals", signals)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns. Ninja answers 401 itself, so the site-wide login redirect is
    switched off for them."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        setattr(pattern.callback, "login_required", False)  # noqa: B010 (Django's marker)
    return patterns, app_name, namespace


register_routers()
