"""The membership a signed-in user acts in: one organisation and one role at a time.

Scope and audit follow the membership in use, so a user who is a coordinator in one
organisation and an analyst in another sees, as analyst, no records of the first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has, require

SESSION_KEY = "schakel_membership"


def memberships_of(request: HttpRequest) -> list[Membership]:
    if not request.user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(request, "_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user_id=request.user.pk)
            .select_related("organisation", "user")
            .order_by("organisation__name", "role")
        )
        request._memberships = cached  # type: ignore[attr-defined]
    return cached


def acting_membership(request: HttpRequest) -> Membership | None:
    if hasattr(request, "_acting_membership"):
        cached: Membership | None = request._acting_membership
        return cached
    memberships = memberships_of(request)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    membership = next((m for m in memberships if m.pk == chosen), None)
    if membership is None and memberships:
        membership = memberships[0]
    request._acting_membership = membership  # type: ignore[attr-defined]
    return membership


Refusal = Callable[[HttpRequest, Membership, dict[str, Any]], None]


def require_capability(
    capability: Capability, *, on_refusal: Refusal | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view for members whose acting membership has `capability`; passes the membership.

    `on_refusal` runs before a signed-in member without the capability gets 403, for pages
    whose refused attempts belong in the audit trail (reading who a person is)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = acting_membership(request)
            if membership is None:
                raise PermissionDenied
            if on_refusal is not None and not has(membership, capability):
                on_refusal(request, membership, kwargs)
            require(membership, capability)
            return view(request, membership, *args, **kwargs)

        wrapper.capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def acting_for(request: HttpRequest, capability: Capability) -> Membership:
    """The acting membership of an API call that needs `capability` (else PermissionDenied).

    Pair it with `needs(capability)` in the route's `openapi_extra`, so the OpenAPI file and
    the access tests know what each endpoint requires."""
    membership = acting_membership(request)
    if membership is None:
        raise PermissionDenied
    require(membership, capability)
    return membership


def needs(capability: Capability) -> dict[str, str]:
    """`openapi_extra` for a route: the capability it requires, as `x-capability`."""
    return {"x-capability": capability.value}
