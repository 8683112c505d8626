"""Retention periods, erasure requests and what was erased, for supervisors and coordinators."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from schakel.web.audit.service import do_record_page_read
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.retention.actions import do_decide_erasure, do_request_erasure
from schakel.web.retention.forms import ErasureRequestForm
from schakel.web.retention.models import Erasure, ErasureRequest
from schakel.web.retention.policy import PERIODS
from schakel.web.trajectories.access import access_trajectory


@require_capability(Capability.VIEW_RETENTION)
def overview(request: HttpRequest, acting: Membership) -> HttpResponse:
    pending = ErasureRequest.objects.filter(
        organisation_id=acting.organisation_id, status=ErasureRequest.Status.PENDING
    ).select_related("requested_by")
    context = {
        "periods": PERIODS.values(),
        "pending": pending if has(acting, Capability.APPROVE_ERASURE) else [],
        "erasures": Erasure.objects.all()[:50],
    }
    return render(request, "retention/overview.html", context)


@require_capability(Capability.REQUEST_ERASURE)
@require_http_methods(["GET", "POST"])
def request_erasure(
    request: HttpRequest, acting: Membership, trajectory_id: uuid.UUID
) -> HttpResponse:
    trajectory = access_trajectory(acting, trajectory_id, purpose="request erasure")
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_request_erasure(
                actor=acting,
                trajectory=trajectory,
                ground=form.cleaned_data["ground"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("The request was sent to a supervisor for a decision.")
            )
            return redirect("trajectory-detail", trajectory.pk)
    return render(request, "retention/request.html", {"form": form, "trajectory": trajectory})


@require_capability(Capability.APPROVE_ERASURE)
@require_http_methods(["GET", "POST"])
def decide_erasure(request: HttpRequest, acting: Membership, request_id: int) -> HttpResponse:
    found = (
        ErasureRequest.objects.filter(pk=request_id, organisation_id=acting.organisation_id)
        .select_related("requested_by")
        .first()
    )
    if found is None:
        raise Http404
    do_record_page_read(
        actor=acting,
        object_type="erasure_request",
        page=str(found.pk),
        purpose="decide on erasure",
        subjects={"persons": [found.person_id]},
    )
    error = None
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        if approve and request.POST.get("confirm") != "yes":
            error = gettext("Confirm that you understand the erasure cannot be undone.")
        else:
            try:
                do_decide_erasure(actor=acting, request=found, approve=approve)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    gettext("The person's data were erased.")
                    if approve
                    else gettext("The request was refused."),
                )
                return redirect("retention-overview")
    return render(request, "retention/decide.html", {"request_": found, "error": error})
