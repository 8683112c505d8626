from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from schakel.web.organisations.acting import SESSION_KEY, acting_membership, memberships_of
from schakel.web.organisations.roles import Capability, has


def home(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    context = {
        "sees_records": has(membership, Capability.VIEW_RECORDS),
        "may_audit": has(membership, Capability.VIEW_AUDIT),
    }
    return render(request, "site/home.html", context)


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
