"""Time registration on a trajectory and the regional workload overview."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.models import TimeEntry, Trajectory
from schakel.web.trajectories.workload import PERIOD_DAYS, do_register_time, regional_overview


class TimeForm(forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ["task_type", "on", "minutes", "note"]
        widgets = {"on": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}


@require_capability(Capability.RECORD_EVENTS)
def register_time(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = Trajectory.objects.writable_by(acting).filter(pk=pk).first()
    if trajectory is None:
        raise Http404
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
