"""The data steward's workspace: linkage runs, and the review of the possible returns they
found (the match, without identities; ADR 0027)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.audit.service import do_record_page_read
from schakel.web.core.confirm import AlreadyDone, Confirmation, confirm
from schakel.web.core.errors import Conflict
from schakel.web.linkage.access import access_return_candidate
from schakel.web.linkage.actions import do_review_candidate, do_start_linkage_run
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.linkage.selectors import (
    encoding_label,
    in_percent,
    review_row,
    run_history,
    run_times,
)
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability

PAGE_SIZE = 20
"""Possible returns per page: each is a card with its reasons, so a short page."""


@require_capability(Capability.REVIEW_RETURNS)
def candidates(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The steward's queue: oldest first, each with the reason in words and no identity; in
    pages, so a run that found many does not make one endless page (and audit entry)."""
    pending = (
        ReturnCandidate.objects.for_reviewer(acting)
        .pending()
        .select_related("earlier", "later", "later_event")
        .order_by("detected_at", "pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="possible returns",
        purpose="review possible returns",
        subjects={"trajectories": [t for c in shown for t in (c.earlier_id, c.later_id)]},
    )
    context = {
        "rows": [review_row(c) for c in shown],
        "page": page,
        "offset": page.start_index() - 1 if shown else 0,
        "times": run_times(),
    }
    return render(request, "linkage/candidates.html", context)


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


@require_capability(Capability.REVIEW_RETURNS)
@require_POST
def review(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    """Confirm or reject the match after a confirmation step that repeats why linkage found
    the pair; a rejection needs a reason. A decided one says by whom and when. The role is
    checked before the method, so other roles get 403 whatever they send."""
    candidate = access_return_candidate(acting, pk)
    answer = "confirm" if request.POST.get("answer") == "confirm" else "reject"
    already = None
    if candidate.status != ReturnCandidate.Status.PENDING and candidate.reviewed_at:
        reviewer = candidate.reviewed_by
        by = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else None
        already = AlreadyDone(on=candidate.reviewed_at, by=by)
    row = review_row(candidate)
    facts = [(_("Likelihood"), row.chance), (_("New event"), row.new_event)]
    if row.after:
        facts.append((_("After the earlier trajectory ended"), row.after))
    if row.reasons:
        facts.append((_("Why linkage found this"), "; ".join(row.reasons)))
    outcome = confirm(
        request,
        Confirmation(
            title=(
                _("Confirm this match as a return to exploitation?")
                if answer == "confirm"
                else _("Reject this possible return?")
            ),
            consequence=(
                _(
                    "A return to exploitation is added to the earlier trajectory, dated at the "
                    "new event, and its coordinator is told. A closed trajectory is opened "
                    "again: it is back in care and active. The coordinator knows who it is "
                    "and can mark it as entered in error."
                )
                if answer == "confirm"
                else _(
                    "The possible return leaves the list; nothing is added to the trajectory "
                    "and no one is told."
                )
            ),
            action=_("Confirm the return") if answer == "confirm" else _("Reject"),
            cancel_url=reverse("return-candidates"),
            reason_label=None if answer == "confirm" else _("Why is this not a return?"),
            already=already,
            carry={"answer": answer},
            details=tuple(facts),
        ),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        do_review_candidate(
            actor=acting, candidate=candidate, confirm=answer == "confirm", reason=outcome.reason
        )
    except Conflict as error:  # decided by someone else since the page was shown
        messages.error(request, error.message)
        return redirect("return-candidates")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Return recorded; the coordinator has been told.")
            if answer == "confirm"
            else _("Rejected: not a return."),
        )
    return redirect("return-candidates")
