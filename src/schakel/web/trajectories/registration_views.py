"""Registering a person: identity first, then the duplicate check, then the trajectory."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from schakel.engine.identity import InvalidIdentityError
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import access_person
from schakel.web.trajectories.actions import (
    do_find_duplicates,
    do_open_trajectory,
    do_register_and_open,
)
from schakel.web.trajectories.forms import IdentityForm


@require_capability(Capability.RECORD_EVENTS)
def register(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = IdentityForm(request.POST or None)
    step = "use" if "use" in request.POST else "create" if "create" in request.POST else "check"
    context: dict[str, Any] = {"form": form, "checked": False}
    if request.method == "POST" and form.is_valid():
        try:
            if step == "check":
                context["candidates"] = do_find_duplicates(actor=acting, identity=form.identity())
                context["checked"] = True
            elif step == "use":
                person = access_person(acting, request.POST.get("use", ""))
                trajectory = do_open_trajectory(actor=acting, person=person)
                return redirect("trajectory-detail", pk=trajectory.pk)
            elif step == "create":
                trajectory = do_register_and_open(actor=acting, identity=form.identity())
                return redirect("trajectory-detail", pk=trajectory.pk)
        except InvalidIdentityError as error:
            form.add_identity_errors(error)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "trajectories/register.html", context, status=status)
