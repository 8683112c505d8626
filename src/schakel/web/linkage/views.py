"""The coordinator's review of possible returns found by linkage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.audit.service import do_record_page_read
from schakel.web.core.confirm import Confirmation, confirm
from schakel.web.linkage.access import access_return_candidate
from schakel.web.linkage.actions import do_review_candidate, do_start_linkage_run
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.linkage.selectors import (
    encoding_label,
    in_percent,
    reason_in_words,
    run_history,
    run_times,
)
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability


@require_capability(Capability.REVIEW_RETURNS)
def candidates(request: HttpRequest, acting: Membership) -> HttpResponse:
    pending = (
        ReturnCandidate.objects.for_reviewer(acting)
        .pending()
        .select_related("earlier__person", "later__organisation", "later_event")
        .order_by("later_event__occurred_at")
    )
    shown = list(pending)
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="possible returns",
        purpose="review possible returns",
        subjects={"trajectories": [t for c in shown for t in (c.earlier_id, c.later_id)]},
    )
    rows = [(c, reason_in_words(c.agreement), c.match_probability * 100) for c in shown]
    return render(request, "linkage/candidates.html", {"candidates": rows, "times": run_times()})


@require_capability(Capability.RUN_LINKAGE)
def runs(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The data steward's page: start a run, the last and next run, the history."""
    if request.method == "POST":
        record = do_start_linkage_run(actor=acting)
        assert record.job_id is not None
        return redirect("job-progress", record.job_id)
    history = [
        (
            run,
            encoding_label(run.encoding),
            in_percent(run.threshold_probability),
            in_percent(run.estimated_precision),
        )
        for run in run_history()
    ]
    return render(request, "linkage/runs.html", {"history": history, "times": run_times()})


@require_POST
@require_capability(Capability.REVIEW_RETURNS)
def review(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    """Confirm or reject after a confirmation step that repeats why linkage found the pair;
    a rejection needs a reason."""
    candidate = access_return_candidate(acting, pk)
    answer = "confirm" if request.POST.get("answer") == "confirm" else "reject"
    pseudonym = candidate.earlier.person.pseudonym
    reasons = reason_in_words(candidate.agreement)
    outcome = confirm(
        request,
        Confirmation(
            title=(
                _("Record a return to exploitation for %(person)s?")
                if answer == "confirm"
                else _("Mark as not a return for %(person)s?")
            )
            % {"person": pseudonym},
            consequence=(
                _("A return to exploitation is added to this trajectory, dated at the new event.")
                if answer == "confirm"
                else _("The possible return leaves the list; nothing is added to the trajectory.")
            ),
            action=_("Record the return") if answer == "confirm" else _("Mark as not a return"),
            cancel_url=reverse("return-candidates"),
            reason_label=None if answer == "confirm" else _("Why is this not a return?"),
            carry={"answer": answer},
            details=tuple((_("Why linkage found this"), line) for line in reasons),
        ),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        do_review_candidate(
            actor=acting, candidate=candidate, confirm=answer == "confirm", reason=outcome.reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Return recorded.") if answer == "confirm" else _("Marked as not a return.")
        )
    return redirect("return-candidates")
