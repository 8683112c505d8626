"""The data steward's endpoints: linkage runs and the review of possible returns. They call
the same actions as the pages; other roles get 403."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Router, Status

from schakel.web.audit.service import do_record_page_read
from schakel.web.core.api_types import ERRORS, RecordId
from schakel.web.linkage.access import access_return_candidate
from schakel.web.linkage.actions import do_review_candidate, do_start_linkage_run
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.linkage.schemas import (
    LinkageRunOut,
    LinkageRunStarted,
    PossibleReturnOut,
    PossibleReturnReviewed,
    PossibleReturnReviewIn,
)
from schakel.web.linkage.selectors import encoding_label, reason_in_words, run_history
from schakel.web.organisations.acting import acting_for, needs
from schakel.web.organisations.roles import Capability

router = Router(tags=["linkage"])


@router.get(
    "/runs",
    response={200: list[LinkageRunOut], **ERRORS},
    summary="Linkage runs of this installation, newest first",
    openapi_extra=needs(Capability.RUN_LINKAGE),
)
def list_runs(request: HttpRequest) -> list[LinkageRunOut]:
    acting_for(request, Capability.RUN_LINKAGE)
    return [
        LinkageRunOut(
            id=run.pk,
            started_at=run.started_at,
            finished_at=run.finished_at,
            started_by=(
                run.started_by.get_full_name() or run.started_by.get_username()
                if run.started_by
                else None
            ),
            state=run.state,
            encoding=encoding_label(run.encoding) if run.encoding else "",
            threshold_probability=run.threshold_probability,
            estimated_precision=run.estimated_precision,
            records=run.records,
            candidate_pairs=run.candidate_pairs,
            linked_pairs=run.linked_pairs,
            possible_returns=run.possible_returns,
            new_possible_returns=run.new_possible_returns,
        )
        for run in run_history()
    ]


@router.post(
    "/runs",
    response={202: LinkageRunStarted, **ERRORS},
    summary="Start a linkage run as a background job",
    openapi_extra=needs(Capability.RUN_LINKAGE),
)
def start_run(request: HttpRequest) -> Status[LinkageRunStarted]:
    acting = acting_for(request, Capability.RUN_LINKAGE)
    record = do_start_linkage_run(actor=acting)
    assert record.job_id is not None
    started = LinkageRunStarted(
        run=record.pk, job=record.job_id, progress_url=reverse("job-progress", args=[record.job_id])
    )
    return Status(202, started)


@router.get(
    "/returns",
    response={200: list[PossibleReturnOut], **ERRORS},
    summary="Possible returns waiting for review, oldest first",
    openapi_extra=needs(Capability.REVIEW_RETURNS),
)
def list_possible_returns(request: HttpRequest) -> list[PossibleReturnOut]:
    acting = acting_for(request, Capability.REVIEW_RETURNS)
    shown = list(
        ReturnCandidate.objects.for_reviewer(acting)
        .pending()
        .select_related("earlier", "later", "later_event")
        .order_by("detected_at", "pk")
    )
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="possible returns (API)",
        purpose="review possible returns",
        subjects={"trajectories": [t for c in shown for t in (c.earlier_id, c.later_id)]},
    )
    return [
        PossibleReturnOut(
            id=c.pk,
            match_probability=c.match_probability,
            new_event_type=c.later_event.event_type,
            at_another_organisation=c.earlier.organisation_id != c.later.organisation_id,
            days_after_end=c.days_after_end,
            detected_at=c.detected_at,
            reasons=reason_in_words(c.agreement),
        )
        for c in shown
    ]


@router.post(
    "/returns/{candidate_id}/review",
    response={200: PossibleReturnReviewed, **ERRORS},
    summary="Confirm (records the return, tells the coordinator) or reject with a reason",
    description="A possible return that was already reviewed is refused with 409 (`conflict`), "
    "as the review page refuses it; nothing is decided twice.",
    openapi_extra=needs(Capability.REVIEW_RETURNS),
)
def review_possible_return(
    request: HttpRequest, candidate_id: RecordId, body: PossibleReturnReviewIn
) -> PossibleReturnReviewed:
    acting = acting_for(request, Capability.REVIEW_RETURNS)
    if body.answer not in {"confirm", "reject"}:
        raise ValidationError({"answer": gettext("Answer confirm or reject.")})
    candidate = access_return_candidate(acting, candidate_id)
    reviewed = do_review_candidate(
        actor=acting, candidate=candidate, confirm=body.answer == "confirm", reason=body.reason
    )
    return PossibleReturnReviewed(id=reviewed.pk, status=reviewed.status)


ROUTERS = {"/linkage": router}
"""What the API app mounts (it finds this by name)."""
