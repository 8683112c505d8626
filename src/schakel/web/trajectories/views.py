"""Pages for trajectories. Views parse, call an action or a scoped query, and render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.engine.trajectories.events import EventType, InvalidEventError
from schakel.engine.vocabulary import CaseStatus
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access, do_record_denied
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.forms import copy_errors
from schakel.web.core.labels import choices
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.trajectories.access import access_colleague, access_event, access_trajectory
from schakel.web.trajectories.actions import (
    ConflictError,
    do_read_trajectory,
    do_record_event,
)
from schakel.web.trajectories.actions.reveals import (
    RevealLimitReached,
    do_release_reveals,
    do_reveal_identity,
    reveal_bursts,
)
from schakel.web.trajectories.forms import EventForm, RevealForm
from schakel.web.trajectories.models import Trajectory
from schakel.web.trajectories.timeline import timeline

PAGE_SIZE = 50


@require_capability(Capability.VIEW_RECORDS)
def trajectory_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    trajectories = (
        Trajectory.objects.visible_to(acting)
        .select_related("person", "organisation", "coordinator")
        .order_by("-opened_at")
    )
    status = request.GET.get("status", "")
    if status in {s.value for s in CaseStatus}:
        trajectories = trajectories.filter(case_status=status)
    page = Paginator(trajectories, PAGE_SIZE).get_page(request.GET.get("page"))
    do_record_access(
        actor=acting,
        action=AuditEntry.Action.READ,
        object_type="trajectory_list",
        object_id=f"page {page.number}",
        purpose="list trajectories",
        detail={"trajectories": [str(t.pk) for t in page.object_list]},
    )
    return render(
        request,
        "trajectories/list.html",
        {
            "page": page,
            "status": status,
            "statuses": choices(CaseStatus),
            "may_register": has(acting, Capability.RECORD_EVENTS),
        },
    )


@require_capability(Capability.VIEW_RECORDS)
def trajectory_detail(request: HttpRequest, acting: Membership, pk: str) -> HttpResponse:
    view = do_read_trajectory(actor=acting, trajectory_id=pk, purpose="view trajectory")
    return render(
        request,
        "trajectories/detail.html",
        {
            "view": view,
            "timeline": timeline(view.events, view.superseded),
            "event_types": choices(EventType),
            "may_write": has(acting, Capability.RECORD_EVENTS),
            "may_identify": has(acting, Capability.VIEW_IDENTITY),
            "form": RevealForm(),
        },
    )


def _identity_refused(request: HttpRequest, acting: Membership, kwargs: dict[str, Any]) -> None:
    """A role that may see the trajectory but not who the person is tried: audit the attempt."""
    if not has(acting, Capability.VIEW_RECORDS):
        return
    trajectory = access_trajectory(acting, kwargs["pk"])
    do_record_denied(
        actor=acting,
        object_type="identity",
        object_id=trajectory.person_id,
        purpose=request.POST.get("purpose", "").strip() or "-",
    )


@require_POST
@require_capability(Capability.VIEW_IDENTITY, on_refusal=_identity_refused)
def identity_panel(request: HttpRequest, acting: Membership, pk: str) -> HttpResponse:
    """Who the person is, shown on request with a stated purpose (the read is audited)."""
    trajectory = access_trajectory(acting, pk)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            identity = do_reveal_identity(
                actor=acting, person=trajectory.person, **form.cleaned_data
            )
        except RevealLimitReached as refusal:
            context = {"trajectory": trajectory, "form": RevealForm(), "limit": str(refusal)}
            return render(request, "trajectories/_identity.html", context, status=429)
        context = {"trajectory": trajectory, "identity": identity}
        return render(request, "trajectories/_identity.html", context)
    context = {"trajectory": trajectory, "form": form}
    return render(request, "trajectories/_identity.html", context, status=422)


@require_capability(Capability.RELEASE_REVEALS)
def reveal_releases(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The supervisor's view of reveal bursts in the last hour, with a release per person."""
    if request.method == "POST":
        user = access_colleague(acting, request.POST.get("user", ""))
        do_release_reveals(actor=acting, user=user)
        messages.success(request, _("Released for one hour."))
        return redirect("reveal-releases")
    context = {"bursts": reveal_bursts(acting), "limit": settings.REVEALS_PER_HOUR}
    return render(request, "trajectories/reveal_releases.html", context)


@require_capability(Capability.RECORD_EVENTS)
def record_event(
    request: HttpRequest, acting: Membership, pk: str, event_type: str
) -> HttpResponse:
    if event_type not in {t.value for t in EventType} or event_type == EventType.ENTERED_IN_ERROR:
        raise Http404
    kind = EventType(event_type)
    trajectory = access_trajectory(acting, pk)
    form = EventForm(kind, request.POST or None, initial={"version": trajectory.version})
    if request.method == "POST" and form.is_valid():
        try:
            do_record_event(
                actor=acting,
                trajectory=trajectory,
                event_type=kind.value,
                occurred_at=form.cleaned_data["occurred_at"],
                payload=form.payload(),
                expected_version=form.cleaned_data["version"],
            )
        except InvalidEventError as error:
            form.add_engine_errors(error.problems)
        except ValidationError as error:
            copy_errors(form, error)
        except ConflictError:
            form.add_error(
                None,
                _("Someone changed this trajectory since you opened it. Reload it and check."),
            )
        else:
            return redirect("trajectory-detail", pk=trajectory.pk)
    status = 422 if request.method == "POST" else 200
    heading = dict(choices(EventType))[kind.value]
    context = {"trajectory": trajectory, "form": form, "heading": heading}
    return render(request, "trajectories/record_event.html", context, status=status)


@require_POST
@require_capability(Capability.RECORD_EVENTS)
def retract_event(request: HttpRequest, acting: Membership, pk: str, event_id: str) -> HttpResponse:
    trajectory = access_trajectory(acting, pk)
    event = access_event(acting, trajectory.pk, event_id)
    reason = request.POST.get("reason", "").strip() or _("Entered in error")
    try:
        do_record_event(
            actor=acting,
            trajectory=trajectory,
            event_type=EventType.ENTERED_IN_ERROR.value,
            occurred_at=event.occurred_at,
            payload={"reason": reason[:500]},
            supersedes=event,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except InvalidEventError as error:
        messages.error(request, " ".join(m for _field, m in field_messages(error.problems)))
    return redirect("trajectory-detail", pk=trajectory.pk)
