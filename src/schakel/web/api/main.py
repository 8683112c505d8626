"""The JSON API (version 1). Each app contributes a router; errors share one format."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from schakel.engine.errors import SchakelError
from schakel.engine.problems import from_error_items
from schakel.web.core.engine_messages import REQUEST_INVALID, named_field_messages
from schakel.web.core.errors import DomainError, error

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
    fields = named_field_messages(from_error_items(exc.errors, "body", skip=1))
    return _reply(request, 422, error("invalid", str(REQUEST_INVALID), fields))


@api.exception_handler(SchakelError)
def on_engine_error(request: HttpRequest, exc: SchakelError) -> HttpResponse:
    """The engine refused the input: 422 with the error's code and, in the reader's language,
    what is wrong with each field it names."""
    fields = named_field_messages(exc.problems)
    message = str(REQUEST_INVALID) if fields else str(exc)
    return _reply(request, 422, error(exc.code, message, fields))


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _reply(request, exc.status, error(exc.code, exc.message, exc.fields))


@api.exception_handler(ValidationError)
def on_django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = [(f, str(m)) for f, ms in exc.message_dict.items() for m in ms]
    else:
        fields = [("body", str(m)) for m in exc.messages]
    return _reply(request, 422, error("invalid", str(REQUEST_INVALID), fields))


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _reply(request, 403, error("forbidden", str(exc) or _("Not allowed for your role.")))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _reply(request, 404, error("not_found", "Not found, or not yours to see."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _reply(request, 401, error("unauthenticated", "Sign in first."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON: 400) in the API's one error format."""
    if exc.status_code == 400:
        return _reply(request, 400, error("unreadable", _("The body is not valid JSON.")))
    return _reply(request, exc.status_code, error("refused", str(exc)))


def register_routers() -> None:
    """Each installed app may offer `ROUTERS` (prefix -> router) in its `api` module.

    Found by name, like Django's admin autodiscovery, so this app depends on no domain app.
    """
    for config in apps.get_app_configs():
        name = f"{config.name}.api"
        if config.name == __package__ or find_spec(name) is None:
            continue
        for prefix, router in getattr(import_module(name), "ROUTERS", {}).items():
            api.add_router(prefix, router)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns. Ninja answers 401 itself, so the site-wide login redirect is
    switched off for them."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        setattr(pattern.callback, "login_required", False)  # noqa: B010 (Django's marker)
    return patterns, app_name, namespace


register_routers()
