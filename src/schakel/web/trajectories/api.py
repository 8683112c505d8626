"""Trajectory endpoints: the same actions and scope as the pages."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Status

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.core.api_types import ERRORS, PageNumber
from schakel.web.organisations.acting import acting_for, needs
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import access_event, access_trajectory
from schakel.web.trajectories.actions import do_read_trajectory, do_record_event
from schakel.web.trajectories.coordination_api import router as coordination_router
from schakel.web.trajectories.models import Trajectory
from schakel.web.trajectories.schemas import (
    EventCreated,
    EventIn,
    EventOut,
    OpenTaskOut,
    TrajectoryDetail,
    TrajectoryPage,
    TrajectorySummary,
)

router = Router(tags=["trajectories"])
PAGE_SIZE = 100


@router.get(
    "",
    response={200: TrajectoryPage, **ERRORS},
    summary="Trajectories you may see",
    openapi_extra=needs(Capability.VIEW_RECORDS),
)
def list_trajectories(request: HttpRequest, page: PageNumber = 1) -> TrajectoryPage:
    acting = acting_for(request, Capability.VIEW_RECORDS)
    rows = (
        Trajectory.objects.visible_to(acting)
        .select_related("person", "organisation")
        .order_by("-opened_at", "id")
    )
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    items = [
        TrajectorySummary(
            id=t.pk,
            person=t.person.pseudonym,
            organisation=t.organisation.name,
            opened_at=t.opened_at,
            stage=t.stage,
            case_status=t.case_status,
        )
        for t in current.object_list
    ]
    do_record_access(
        actor=acting,
        action=AuditEntry.Action.READ,
        object_type="trajectory_list",
        object_id=f"api page {current.number}",
        purpose="list trajectories (API)",
        detail={"trajectories": [str(i.id) for i in items]},
    )
    return TrajectoryPage(
        count=current.paginator.count,
        page=current.number,
        pages=current.paginator.num_pages,
        items=items,
    )


@router.get(
    "/{trajectory_id}",
    response={200: TrajectoryDetail, **ERRORS},
    openapi_extra=needs(Capability.VIEW_RECORDS),
)
def get_trajectory(request: HttpRequest, trajectory_id: uuid.UUID) -> TrajectoryDetail:
    acting = acting_for(request, Capability.VIEW_RECORDS)
    view = do_read_trajectory(actor=acting, trajectory_id=trajectory_id, purpose="API read")
    t, state = view.trajectory, view.state
    return TrajectoryDetail(
        id=t.pk,
        version=t.version,
        person=t.person.pseudonym,
        organisation=t.organisation.name,
        opened_at=t.opened_at,
        stage=state.stage.value,
        case_status=state.case_status.value,
        placement=state.placement,
        forms=[f.value for f in state.forms],
        open_tasks=[
            OpenTaskOut(kind=k.kind, due_on=k.due_on, reference=k.reference)
            for k in state.open_tasks
        ],
        events=[
            EventOut(
                id=e.pk,
                event_type=e.event_type,
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
                organisation=e.organisation.name,
                payload=e.full_payload,
                supersedes=e.supersedes_id,
                in_force=str(e.pk) not in view.superseded,
            )
            for e in view.events
        ],
    )


@router.post(
    "/{trajectory_id}/events",
    response={201: EventCreated, **ERRORS},
    openapi_extra=needs(Capability.RECORD_EVENTS),
)
def post_event(
    request: HttpRequest, trajectory_id: uuid.UUID, body: EventIn
) -> Status[EventCreated]:
    acting = acting_for(request, Capability.RECORD_EVENTS)
    trajectory = access_trajectory(acting, trajectory_id)
    supersedes = None
    if body.supersedes is not None:
        supersedes = access_event(acting, trajectory.pk, body.supersedes)
    event = do_record_event(
        actor=acting,
        trajectory=trajectory,
        event_type=body.event_type,
        occurred_at=body.occurred_at,
        payload=body.payload,
        supersedes=supersedes,
        expected_version=body.expected_version,
    )
    created = EventCreated(
        id=event.pk,
        stage=trajectory.stage,
        case_status=trajectory.case_status,
        version=trajectory.version,
    )
    return Status(201, created)


ROUTERS = {"/trajectories": router, "/coordination": coordination_router}
"""What the API app mounts (it finds this by name)."""
