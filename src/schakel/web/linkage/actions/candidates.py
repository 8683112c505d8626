"""Storing candidate returns from a linkage run, and their review by the data steward."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.engine.returns import CandidateReturn
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.core.errors import Conflict
from schakel.web.linkage.access import access_return_candidate
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.notifications.service import Kind, notify_many
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.models import Trajectory
from schakel.web.trajectories.service import do_record_linked_return


def do_store_candidates(
    *,
    candidates: Iterable[CandidateReturn],
    agreements: Mapping[tuple[str, str], dict[str, str]] | None = None,
) -> int:
    """Add new candidates (pairs already known are kept as they are); returns how many.
    `agreements`: (earlier, later trajectory) -> field levels, the reason shown to reviewers."""
    now = timezone.now()
    agreements = agreements or {}
    rows = [
        ReturnCandidate(
            earlier_id=c.earlier_trajectory,
            later_id=c.later_trajectory,
            later_event_id=c.later_event,
            cluster=c.cluster,
            match_probability=c.match_probability,
            days_after_end=max(c.days_after_exit, 0),
            detected_at=now,
            agreement=agreements.get((c.earlier_trajectory, c.later_trajectory), {}),
        )
        for c in candidates
    ]
    with transaction.atomic():
        before = ReturnCandidate.objects.count()
        ReturnCandidate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        return ReturnCandidate.objects.count() - before


def do_review_candidate(
    *, actor: Membership, candidate: ReturnCandidate, confirm: bool, reason: str = ""
) -> ReturnCandidate:
    """Confirm the linkage match (a return event is recorded in the earlier trajectory and its
    coordinator is told) or reject it with a reason (ADR 0027).

    The candidate is locked and checked again first: one reviewed in the meantime, or no
    longer the actor's to review, is not decided twice (a Conflict: 409 on the page and in
    the API alike)."""
    with transaction.atomic():
        candidate = access_return_candidate(actor, candidate.pk, write=True)
        if candidate.status != ReturnCandidate.Status.PENDING:
            raise Conflict(_("This possible return was already reviewed."))
        if not confirm and not reason.strip():
            raise ValidationError({"reason": _("Say why this is not a return.")})
        if confirm:
            do_record_linked_return(
                actor=actor,
                trajectory_id=candidate.earlier_id,
                occurred_at=candidate.later_event.occurred_at,
                payload={"detected_by": "linkage", **({"note": reason} if reason else {})},
            )
        status = ReturnCandidate.Status.CONFIRMED if confirm else ReturnCandidate.Status.REJECTED
        ReturnCandidate.objects.filter(pk=candidate.pk).update(
            status=status, reviewed_by=actor.user_id, reviewed_at=timezone.now(), reason=reason
        )
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="return_candidate",
            object_id=candidate.pk,
            purpose="review a possible return",
            detail={"confirmed": confirm, "trajectory": str(candidate.earlier_id)},
        )
        if confirm:
            _notify_coordinators(candidate.earlier_id)
    candidate.refresh_from_db()
    return candidate


def _notify_coordinators(trajectory_id: uuid.UUID | str) -> int:
    """Tell the trajectory's coordinator (or, with none, its organisation's coordinators) by
    pseudonym and a link: the steward never sees who it is, the coordinator does."""
    trajectory = Trajectory.objects.select_related("person").get(pk=trajectory_id)
    if trajectory.coordinator_id is not None:
        users = [trajectory.coordinator_id]
    else:
        users = list(
            Membership.objects.active()
            .with_capability(Capability.COORDINATE_TRAJECTORIES)
            .filter(organisation_id=trajectory.organisation_id)
            .values_list("user_id", flat=True)
        )
    text = _(
        "Return to exploitation recorded for %(pseudonym)s: record linkage found the person "
        "again and the data steward confirmed the match. Not the same person? Mark the event "
        "as entered in error."
    ) % {"pseudonym": trajectory.person.pseudonym}
    return notify_many(
        user_ids=users,
        kind=Kind.RETURN_CONFIRMED,
        text=text,
        url=reverse("trajectory-detail", args=[trajectory.pk]),
    )
