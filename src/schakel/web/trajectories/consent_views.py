"""Consent and referral forms on a trajectory."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.models import Consent, Trajectory
from schakel.web.trajectories.national_report import do_report_to_national_centre, legal_basis
from schakel.web.trajectories.referrals import do_record_consent, do_withdraw_consent


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "organisation", "given_on", "source"]
        widgets = {"given_on": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True), label=gettext_lazy("Refer to")
    )
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(), required=False, label=gettext_lazy("Consent")
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Reason to refer without consent"),
        help_text=gettext_lazy("Only for acute danger or a legal duty. This is logged."),
    )

    def __init__(self, trajectory: Trajectory, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["consent"]
        field.queryset = trajectory.consents.in_force().filter(purpose="disclosure")  # type: ignore[attr-defined]


def _writable(acting: Membership, pk: uuid.UUID) -> Trajectory:
    trajectory = Trajectory.objects.writable_by(acting).filter(pk=pk).first()
    if trajectory is None:
        raise Http404
    return trajectory


@require_capability(Capability.RECORD_EVENTS)
def consents(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = _writable(acting, pk)
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
    trajectory = _writable(acting, pk)
    consent = trajectory.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    try:
        do_withdraw_consent(actor=acting, consent=consent, withdrawn_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("trajectory-consents", pk=trajectory.pk)


@require_capability(Capability.RECORD_EVENTS)
def refer(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    trajectory = _writable(acting, pk)
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
    trajectory = _writable(acting, pk)
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
