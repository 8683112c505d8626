"""For signed-in professionals after a check: consult anonymously, refer with consent, and
follow both; for care coordinators, the inbox of anonymous consultations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.engine.identity import InvalidIdentityError
from schakel.engine.indicators import Catalogue, Evaluation
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access, do_record_page_read
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability
from schakel.web.signals.access import access_consultation
from schakel.web.signals.actions import (
    coordination_for,
    do_answer_consultation,
    do_ask_consultation,
    do_close_consultation,
    do_refer_with_consent,
    do_reply_consultation,
    do_set_referrer_label,
)
from schakel.web.signals.catalogue import current_catalogue
from schakel.web.signals.check import CheckState, load_state
from schakel.web.signals.forms import (
    AnswerForm,
    ConsultationForm,
    ReferralForm,
    ReferrerLabelForm,
    ReplyForm,
)
from schakel.web.signals.labels import OUTCOMES
from schakel.web.signals.models import Assessment, Consultation
from schakel.web.signals.selectors import referrals_of_organisation

PAGE_SIZE = 25


def _target(
    acting: Membership, state: CheckState | None, region: str | None = None
) -> tuple[Organisation | None, list[str]]:
    """Where a consultation or referral goes, or why it cannot go anywhere."""
    try:
        return coordination_for(acting, state, region), []
    except ValidationError as error:
        return None, error.messages


def _check_or_start(request: HttpRequest) -> tuple[Catalogue, CheckState, Evaluation] | None:
    catalogue = current_catalogue()
    state = load_state(request, catalogue)
    if state is None:
        return None
    return catalogue, state, state.evaluate(catalogue)


@require_capability(Capability.CONSULT)
def consult(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Ask the care coordinator: with the summary of the check so far (finished or not), or,
    with no check started, about the situation the question describes."""
    found = _check_or_start(request)
    catalogue = current_catalogue()
    state, evaluation = (found[1], found[2]) if found else (None, None)
    form = ConsultationForm(
        request.POST or None,
        with_region=state is None,
        initial={"region": acting.organisation.region},
    )
    region = request.POST.get("region") if state is None else None
    target, problems = _target(acting, state, region)
    if request.method == "POST" and target is not None and form.is_valid():
        try:
            consultation = do_ask_consultation(
                actor=acting,
                state=state,
                evaluation=evaluation,
                catalogue=catalogue,
                question=form.cleaned_data["question"],
                region=form.cleaned_data.get("region"),
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Your question was sent. The answer appears here."))
            return redirect("signal-consultation", pk=consultation.pk)
    context = {
        "form": form,
        "target": target,
        "problems": problems,
        "state": state,
        "evaluation": evaluation,
        "outcome": OUTCOMES[evaluation.outcome.value] if evaluation else "",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/consult.html", context, status=status)


@require_capability(Capability.VIEW_OWN_CONSULTATIONS)
def consultations(request: HttpRequest, acting: Membership) -> HttpResponse:
    rows = (
        Consultation.objects.asked_by(acting)
        .select_related("to_organisation", "assessment")
        .order_by("-asked_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _record_consultations(acting, page.object_list, inbox=False)
    return render(request, "signals/consultations.html", {"page": page, "inbox": False})


@require_capability(Capability.ANSWER_CONSULTATIONS)
def inbox(request: HttpRequest, acting: Membership) -> HttpResponse:
    rows = (
        Consultation.objects.inbox_of(acting)
        .select_related("asked_from", "asked_by", "assessment")
        .order_by("answered_at", "-asked_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _record_consultations(acting, page.object_list, inbox=True)
    return render(request, "signals/consultations.html", {"page": page, "inbox": True})


def _record_consultations(
    acting: Membership, shown: Iterable[Consultation], *, inbox: bool
) -> None:
    do_record_page_read(
        actor=acting,
        object_type="consultation_list",
        page="consultation inbox" if inbox else "own consultations",
        purpose="view consultation inbox" if inbox else "view own consultations",
        subjects={"consultations": [c.pk for c in shown]},
    )


@require_capability(Capability.VIEW_OWN_CONSULTATIONS)
def consultation(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    """The conversation: question, answer, replies until one side closes it."""
    found = access_consultation(acting, pk, purpose="read consultation")
    coordination = Consultation.objects.inbox_of(acting).filter(pk=found.pk).exists()
    asker = found.asked_by_id == acting.user_id and found.asked_from_id == acting.organisation_id
    may_answer = coordination and not found.is_answered and not found.is_closed
    may_reply = (coordination or asker) and found.is_answered and not found.is_closed
    form: AnswerForm | ReplyForm | None = None
    if may_answer:
        form = AnswerForm(request.POST or None)
    elif may_reply:
        form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "close" and (coordination or asker):
            do_close_consultation(actor=acting, consultation=found)
            messages.success(request, _("The conversation is closed."))
            return redirect("signal-consultation", pk=found.pk)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if isinstance(form, AnswerForm):
                    do_answer_consultation(
                        actor=acting, consultation=found, answer=form.cleaned_data["answer"]
                    )
                else:
                    do_reply_consultation(
                        actor=acting, consultation=found, text=form.cleaned_data["text"]
                    )
            except ValidationError as error:
                copy_errors(form, error)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("signal-consultation", pk=found.pk)
    catalogue = current_catalogue()
    assessment = found.assessment
    present = (
        [catalogue.indicator(i).label for i in assessment.present if catalogue.has_indicator(i)]
        if assessment
        else []
    )
    context = {
        "consultation": found,
        "thread": found.messages.select_related("author"),
        "form": form,
        "may_close": (coordination or asker) and not found.is_closed,
        "present": present,
        "outcome": OUTCOMES.get(assessment.outcome, assessment.outcome) if assessment else "",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/consultation.html", context, status=status)


@require_capability(Capability.RECORD_EVENTS)
def refer(request: HttpRequest, acting: Membership) -> HttpResponse:
    found = _check_or_start(request)
    if found is None:
        messages.info(request, _("Do the signal check first; its summary goes with the referral."))
        return redirect("signal-check")
    catalogue, state, evaluation = found
    form = ReferralForm(request.POST or None, check_minor=state.minor)
    target, problems = _target(acting, state)
    if request.method == "POST" and target is not None and form.is_valid():
        try:
            do_refer_with_consent(
                actor=acting,
                state=state,
                evaluation=evaluation,
                catalogue=catalogue,
                identity=form.identity(),
                given_on=form.cleaned_data["consent_given_on"],
                source=form.cleaned_data["consent_source"],
                note=form.cleaned_data["note"],
                minor=form.minor(),
            )
        except InvalidIdentityError as error:
            for field, message in field_messages(error.problems):
                form.add_error(field if field in form.fields else None, message)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Referral sent. You can follow its status here."))
            return redirect("signal-referrals")
    context = {"form": form, "target": target, "problems": problems, "state": state}
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/refer.html", context, status=status)


@require_capability(Capability.RECORD_EVENTS)
def referrals(request: HttpRequest, acting: Membership) -> HttpResponse:
    rows = referrals_of_organisation(acting)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    do_record_access(
        actor=acting,
        action=AuditEntry.Action.READ,
        object_type="trajectory_list",
        object_id=f"signal referrals page {page.number}",
        purpose="follow referrals after signal checks",
        detail={"trajectories": [str(a.trajectory_id) for a in page.object_list]},
    )
    return render(request, "signals/referrals.html", {"page": page})


@require_capability(Capability.RECORD_EVENTS)
def referral_label(request: HttpRequest, acting: Membership, pk: uuid.UUID) -> HttpResponse:
    """Set the professional's own reference for one of their organisation's referrals."""
    assessment = Assessment.objects.referrals_visible_to(acting).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="own reference",
        purpose="set own reference for a referral",
        subjects={"trajectories": [assessment.trajectory_id]},
    )
    form = ReferrerLabelForm(request.POST or None, initial={"label": assessment.own_label or ""})
    if request.method == "POST" and form.is_valid():
        do_set_referrer_label(actor=acting, assessment=assessment, label=form.cleaned_data["label"])
        messages.success(request, _("Your own reference is saved."))
        return redirect("signal-referrals")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "assessment": assessment}
    return render(request, "signals/referral_label.html", context, status=status)
