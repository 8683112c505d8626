"""Time registration on a trajectory and the regional workload overview."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import access_trajectory
from schakel.web.trajectories.actions import do_register_time
from schakel.web.trajectories.forms import TimeForm
from schakel.web.trajectories.models import TimeEntry
from schakel.web.trajectories.selectors import PERIOD_DAYS, regional_overview


@require_capability(Capability.RECORD_EVENTS)
def register_time(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = access_trajectory(acting, pk, purpose="register time")
    form = TimeForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            do_register_time(actor=acting, trajectory=trajectory, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Time registered."))
            return redirect("trajectory-detail", pk=trajectory.pk)
    entries = trajectory.time_entries.select_related("user")[:50]
    status = 422 if request.method == "POST" else 200
    context = {"trajectory": trajectory, "form": form, "entries": entries}
    return render(request, "trajectories/time.html", context, status=status)


@require_capability(Capability.VIEW_WORKLOAD)
def overview(request: HttpRequest, acting: Membership) -> HttpResponse:
    context = {
        "overview": regional_overview(acting),
        "task_types": TimeEntry.TaskType.choices,
        "period_days": PERIOD_DAYS,
    }
    return render(request, "trajectories/workload.html", context)
