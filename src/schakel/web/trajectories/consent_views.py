"""Consent and referral forms on a trajectory."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schakel.engine.trajectories.events import EventType
from schakel.web.core.confirm import AlreadyDone, Confirmation, confirm
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
    trajectory = access_trajectory(acting, pk, purpose="view consents")
    search = reverse("organisation-options")
    form = ConsentForm(request.POST or None, organisation_search_url=search)
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


@require_capability(Capability.RECORD_EVENTS)
def withdraw_consent(
    request: HttpRequest, acting: Membership, pk: uuid.UUID, consent_id: int
) -> HttpResponse:
    """Withdraw a consent after a confirmation that says what stops."""
    consent = access_consent(acting, pk, consent_id, purpose="withdraw consent")
    back = reverse("trajectory-consents", args=[consent.trajectory_id])
    today = timezone.localdate()
    outcome = confirm(
        request,
        Confirmation(
            title=_("Record the withdrawal of consent"),
            consequence=" ".join(
                (
                    _("Consent for %(purpose)s no longer holds from today, %(day)s.")
                    % {"purpose": consent.get_purpose_display(), "day": date_format(today)},
                    _(
                        "A referral or a report that needs this consent is no longer possible "
                        "without it."
                    ),
                    _("What was shared before today stays shared; the withdrawal is recorded."),
                )
            ),
            action=_("Record the withdrawal"),
            cancel_url=back,
            already=AlreadyDone(on=consent.withdrawn_on) if consent.withdrawn_on else None,
        ),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        do_withdraw_consent(actor=acting, consent=consent, withdrawn_on=today)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The withdrawal of consent is recorded."))
    return redirect(back)


@require_capability(Capability.RECORD_EVENTS)
def refer(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = access_trajectory(acting, pk, purpose="refer")
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
    trajectory = access_trajectory(acting, pk, purpose="prepare national report")
    obliged, consented = legal_basis(acting, trajectory)
    earlier = (
        trajectory.events.filter(event_type=EventType.NATIONAL_CENTRE_REPORT)
        .select_related("recorded_by")
        .order_by("-recorded_at")
        .first()
    )
    already = ""
    if earlier is not None:
        who = earlier.recorded_by.get_full_name() if earlier.recorded_by else "-"
        already = _("Already done on %(day)s by %(who)s.") % {
            "day": date_format(earlier.recorded_at, "j F Y"),
            "who": who,
        }
    if request.method == "POST" and already and request.POST.get("again") != "1":
        messages.error(request, already)
        return redirect("national-report", pk=trajectory.pk)
    if request.method == "POST":
        try:
            report = do_report_to_national_centre(actor=acting, trajectory=trajectory)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("national-report", pk=trajectory.pk)
        response = JsonResponse(report, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{report["reference"]}.json"'
        return response
    context = {
        "trajectory": trajectory,
        "obliged": obliged,
        "consented": consented,
        "already": already,
    }
    return render(request, "trajectories/national_report.html", context)
