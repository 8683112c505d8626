from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from schakel.web.organisations.acting import SESSION_KEY, acting_membership, memberships_of
from schakel.web.organisations.roles import Capability, has
from schakel.web.site.panels import badges, panels_for


def home(request: HttpRequest) -> HttpResponse:
    """What needs doing now for the acting role: a panel per kind of work."""
    membership = acting_membership(request)
    context = {
        "sees_records": has(membership, Capability.VIEW_RECORDS),
        "may_audit": has(membership, Capability.VIEW_AUDIT),
        "panels": panels_for(membership) if membership is not None else [],
    }
    return render(request, "site/home.html", context)


def nav_badges(request: HttpRequest) -> HttpResponse:
    """The counts beside the menu items, swapped in after the page loaded (htmx)."""
    membership = acting_membership(request)
    counts = badges(membership) if membership is not None else {}
    return render(request, "site/_badges.html", {"counts": counts})


@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("membership", "")
    membership = next((m for m in memberships_of(request) if str(m.pk) == chosen), None)
    if membership is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = membership.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
