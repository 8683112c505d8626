"""Pages for the coordinator's day: dashboard, inbox, team and handover."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.web.audit.service import do_record_page_read
from schakel.web.core.confirm import Confirmation, confirm
from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import access_referral
from schakel.web.trajectories.actions import do_answer_referral, do_hand_over_trajectories
from schakel.web.trajectories.forms import AnswerForm, HandoverForm
from schakel.web.trajectories.intake import referral_detail
from schakel.web.trajectories.models import Trajectory
from schakel.web.trajectories.selectors import (
    OPEN,
    inbox_for,
    person_name,
    team_workload,
)
from schakel.web.trajectories.worklist import due, handover_preview

LIST_LIMIT = 25
INBOX_PAGE = 50


@require_capability(Capability.VIEW_RECORDS)
def dashboard(request: HttpRequest, acting: Membership) -> HttpResponse:
    """My work: the tasks of the trajectories I coordinate; with `wie=team`, my organisation's.
    Each list says how many there are and pages through them (nothing is cut silently)."""
    team = request.GET.get("wie") == "team"
    work = due(acting, team=team)
    mine = Trajectory.objects.of_organisation(acting).filter(OPEN, coordinator_id=acting.user_id)
    overdue = Paginator(work.overdue, LIST_LIMIT).get_page(request.GET.get("te_laat"))
    this_week = Paginator(work.this_week, LIST_LIMIT).get_page(request.GET.get("week"))
    own = Paginator(mine.select_related("person").order_by("-opened_at"), LIST_LIMIT).get_page(
        request.GET.get("mijn")
    )
    shown = [t.trajectory_id for t in [*overdue, *this_week]] + [t.pk for t in own]
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="team dashboard" if team else "dashboard",
        purpose="view coordinator dashboard",
        subjects={"trajectories": shown},
    )
    context = {
        "team": team,
        "overdue": overdue,
        "this_week": this_week,
        "mine": own,
        "inbox_count": inbox_for(acting).count(),
    }
    return render(request, "trajectories/dashboard.html", context)


@require_capability(Capability.ANSWER_REFERRALS)
def inbox(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The referrals waiting for an answer, oldest first, a page at a time: the inbox grows
    while nobody answers (it was the slowest page under load, rendering every waiting row)."""
    page = Paginator(inbox_for(acting), INBOX_PAGE).get_page(request.GET.get("page"))
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="referral inbox" if page.number == 1 else f"referral inbox page {page.number}",
        purpose="view referral inbox",
        subjects={"trajectories": [r.trajectory_id for r in page.object_list]},
    )
    return render(request, "trajectories/inbox.html", {"page": page})


@require_capability(Capability.ANSWER_REFERRALS)
def answer_referral(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    """The referral as the coordinator reads it, and the answer: accept and assign, or reject."""
    referral = access_referral(acting, pk, purpose="answer referral")
    form = AnswerForm(acting, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("answer") == "accept"
        reason = form.cleaned_data["reason"].strip()
        if not accept and not reason:
            form.add_error("reason", _("Give a reason when you reject a referral."))
        else:
            if not accept:  # the referrer is told at once: ask first
                outcome = confirm(request, _rejection(referral.pk, reason))
                if isinstance(outcome, HttpResponse):
                    return outcome
            try:
                do_answer_referral(
                    actor=acting,
                    referral=referral,
                    accept=accept,
                    reason=reason,
                    coordinator=form.cleaned_data["coordinator"],
                )
            except ValidationError as error:
                copy_errors(form, error)
            else:
                if accept:
                    messages.success(request, _("Referral accepted. The next step is the intake."))
                    return redirect("trajectory-detail", pk=referral.trajectory_id)
                messages.success(
                    request, _("Referral rejected; the referring organisation sees why.")
                )
                return redirect("referral-inbox")
    status = 422 if request.method == "POST" else 200
    context = {"detail": referral_detail(referral), "form": form}
    return render(request, "trajectories/referral.html", context, status=status)


def _rejection(pk: int, reason: str) -> Confirmation:
    return Confirmation(
        title=_("Reject this referral?"),
        consequence=_(
            "The referring organisation is told at once that the referral is rejected, with "
            "your reason. The referral cannot be accepted afterwards; the referrer would have "
            "to refer again."
        ),
        action=_("Reject the referral"),
        cancel_url=reverse("answer-referral", args=[pk]),
        carry={"answer": "reject", "reason": reason},
        details=((_("Your reason"), reason),),
    )


@require_capability(Capability.MANAGE_TEAM)
def team(request: HttpRequest, acting: Membership) -> HttpResponse:
    return render(request, "trajectories/team.html", {"workload": team_workload(acting)})


@require_capability(Capability.MANAGE_TEAM)
def handover(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Hand work over by people's names: choose, see what moves, confirm (per trajectory or a
    selection: untick what stays)."""
    case = _case_of(request, acting)
    initial = {"from_user": case.coordinator_id} if case and case.coordinator_id else {}
    form = HandoverForm(acting, request.POST or None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        context = {"form": form, "traject": request.GET.get("traject", ""), "case": case}
        return render(request, "trajectories/handover.html", context, status=status)
    data = form.cleaned_data
    preview = handover_preview(acting, data["from_user"].pk)
    if request.POST.get("confirm") != "1":
        context = {
            "form": form,
            "preview": preview,
            "chosen": set(request.POST.getlist("traject")),
            "from_name": person_name(data["from_user"]),
            "to_name": person_name(data["to_user"]),
        }
        return render(request, "trajectories/handover_preview.html", context)
    chosen = request.POST.getlist("traject")
    everything = set(chosen) == {str(t.pk) for t in preview.trajectories}
    try:
        done = do_hand_over_trajectories(
            actor=acting,
            from_user=data["from_user"],
            to_user=data["to_user"],
            note=data["note"],
            only=None if everything else chosen,
        )
    except ValidationError as error:
        copy_errors(form, error)
        return render(request, "trajectories/handover.html", {"form": form}, status=422)
    messages.success(
        request,
        _(
            "Handed over to %(name)s: %(count)s trajectories, %(articles)s articles and "
            "%(services)s social map entries."
        )
        % {
            "count": done.trajectories,
            "articles": done.articles,
            "services": done.services,
            "name": person_name(done.to_user),
        },
    )
    return redirect("team")


def _case_of(request: HttpRequest, acting: Membership) -> Trajectory | None:
    """From a case file: the trajectory (its coordinator hands over, it is ticked), if it is one
    of the organisation's own."""
    pk = request.GET.get("traject", "") or request.POST.get("traject", "")
    if not _is_uuid(pk):
        return None
    return (
        Trajectory.objects.visible_to(acting)
        .filter(pk=pk, organisation_id=acting.organisation_id)
        .select_related("person")
        .first()
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
