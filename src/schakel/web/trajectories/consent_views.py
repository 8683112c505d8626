"""Consent and referral forms on a trajectory."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import access_consent, access_trajectory
from schakel.web.trajectories.actions import (
    do_record_consent,
    do_record_event,
    do_report_to_national_centre,
    do_withdraw_consent,
)
from schakel.web.trajectories.forms import ConsentForm, ReferralForm
from schakel.web.trajectories.selectors import legal_basis


@require_capability(Capability.RECORD_EVENTS)
def consents(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = access_trajectory(acting, pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_record_consent(actor=acting, trajectory=trajectory, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("trajectory-consents", pk=trajectory.pk)
    context = {
        "trajectory": trajectory,
        "form": form,
        "consents": trajectory.consents.select_related("organisation"),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "trajectories/consents.html", context, status=status)


@require_POST
@require_capability(Capability.RECORD_EVENTS)
def withdraw_consent(
    request: HttpRequest, acting: Membership, pk: uuid.UUID, consent_id: int
) -> HttpResponse:
    consent = access_consent(acting, pk, consent_id)
    try:
        do_withdraw_consent(actor=acting, consent=consent, withdrawn_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("trajectory-consents", pk=consent.trajectory_id)


@require_capability(Capability.RECORD_EVENTS)
def refer(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = access_trajectory(acting, pk)
    form = ReferralForm(trajectory, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload: dict[str, object] = {
            "referral_id": f"R-{uuid.uuid4().hex[:8]}",
            "to_organisation_id": data["to_organisation"].pk,
        }
        if data["consent"]:
            payload["consent_id"] = str(data["consent"].pk)
        if data["override_reason"]:
            payload["override_reason"] = data["override_reason"]
        try:
            do_record_event(
                actor=acting,
                trajectory=trajectory,
                event_type="referral_sent",
                occurred_at=timezone.now(),
                payload=payload,
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Referral sent. You can follow its status here."))
            return redirect("trajectory-detail", pk=trajectory.pk)
    status = 422 if request.method == "POST" else 200
    context = {"trajectory": trajectory, "form": form, "may_override": acting.may_override_consent}
    return render(request, "trajectories/refer.html", context, status=status)


@require_capability(Capability.RECORD_EVENTS)
def national_report(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    """Preview the legal basis; POST generates the report as a JSON download."""
    trajectory = access_trajectory(acting, pk)
    obliged, consented = legal_basis(acting, trajectory)
    if request.method == "POST":
        try:
            report = do_report_to_national_centre(actor=acting, trajectory=trajectory)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("national-report", pk=trajectory.pk)
        response = JsonResponse(report, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{report["reference"]}.json"'
        return response
    context = {"trajectory": trajectory, "obliged": obliged, "consented": consented}
    return render(request, "trajectories/national_report.html", context)
