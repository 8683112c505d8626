"""Pages for trajectories. Views parse, call an action or a scoped query, and render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from schakel.engine.trajectories.events import EventType, InvalidEventError
from schakel.engine.vocabulary import ExploitationForm, Region, Stage
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access, do_record_denied
from schakel.web.core.confirm import AlreadyDone, Confirmation, confirm
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.forms import blank_form, copy_errors
from schakel.web.core.labels import choices
from schakel.web.core.providers import Choices, provider_choices
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, has
from schakel.web.trajectories.access import (
    access_colleague,
    access_event,
    access_trajectory,
    may_identify,
)
from schakel.web.trajectories.actions import (
    ConflictError,
    capability_for,
    do_read_trajectory,
    do_record_event,
)
from schakel.web.trajectories.actions.reveals import (
    RevealLimitReached,
    do_release_reveals,
    do_reveal_identity,
    reveal_bursts,
)
from schakel.web.trajectories.case_file import case_header
from schakel.web.trajectories.case_list import Filters, case_list, may_search_names
from schakel.web.trajectories.forms import OTHER, EventForm, RevealForm
from schakel.web.trajectories.models import TrajectoryEvent
from schakel.web.trajectories.pickers import running_for
from schakel.web.trajectories.selectors import coordinators_of
from schakel.web.trajectories.timeline import timeline

PAGE_SIZE = 50


@require_capability(Capability.VIEW_RECORDS)
def trajectory_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The case list. Filters may come in the address; a search term only in a POST body (a
    name or a BSN never stands in an address), and the pages of a search are buttons."""
    data = request.POST if request.method == "POST" else request.GET.copy()
    if request.method != "POST":
        data.pop("zoek", None)
    filters = Filters.read(data)
    page = Paginator(case_list(acting, filters), PAGE_SIZE).get_page(data.get("pagina"))
    do_record_access(
        actor=acting,
        action=AuditEntry.Action.READ,
        object_type="trajectory_list",
        object_id=f"page {page.number}",
        purpose="search trajectories" if filters.search else "list trajectories",
        detail={"trajectories": [str(t.pk) for t in page.object_list]},
    )
    return render(
        request,
        "trajectories/list.html",
        {
            "page": page,
            "filters": filters,
            "stages": choices(Stage),
            "forms": choices(ExploitationForm),
            "regions": choices(Region),
            "coordinators": coordinators_of(acting),
            "may_register": has(acting, Capability.RECORD_EVENTS),
            "may_search_names": may_search_names(acting),
        },
    )


OBSERVATIONS = frozenset({EventType.SIGNAL, EventType.VULNERABILITY})
"""What a role that does not coordinate may add to a case file: what it observed."""
WITH_PROVIDER = frozenset({EventType.PLACEMENT_START, EventType.INTERVENTION_START})
"""Events whose provider is picked from the social map."""


@require_capability(Capability.VIEW_RECORDS)
def trajectory_detail(request: HttpRequest, acting: Membership, pk: str) -> HttpResponse:
    """The case file: a header card, what to do next, and the timeline newest first."""
    view = do_read_trajectory(actor=acting, trajectory_id=pk, purpose="view trajectory")
    header = case_header(view.trajectory, view.engine_events, view.state)
    coordinates = has(acting, Capability.COORDINATE_TRAJECTORIES)
    events = view.events[::-1]
    if not coordinates:
        # someone who signals or refers sees what their organisation observed, not the care file
        events = [
            e
            for e in events
            if e.organisation_id == acting.organisation_id
            and capability_for(EventType(e.event_type)) == Capability.RECORD_EVENTS
        ]
    entries = timeline(events, view.superseded)
    present = {e.event.event_type for e in entries}
    kinds = [(value, label) for value, label in choices(EventType) if value in present]
    kind = request.GET.get("soort", "")
    if kind in present:
        entries = [e for e in entries if e.event.event_type == kind]
    recordable = [
        (value, label)
        for value, label in choices(EventType)
        if value != EventType.ENTERED_IN_ERROR
        and has(acting, capability_for(EventType(value)))
        and (coordinates or value in OBSERVATIONS)
    ]
    may = {value for value, _label in recordable}
    return render(
        request,
        "trajectories/detail.html",
        {
            "view": view,
            "header": header,
            "steps": [s for s in header.steps if s.event_type.value in may],
            "today": timezone.localdate(),  # a deadline before it is marked overdue
            "timeline": entries,
            "kinds": kinds,
            "kind": kind if kind in present else "",
            "event_types": recordable,
            "may_write": has(acting, Capability.RECORD_EVENTS),
            "may_correct": has(acting, Capability.CORRECT_EVENTS),
            "may_hand_over": has(acting, Capability.MANAGE_TEAM)
            and view.trajectory.organisation_id == acting.organisation_id,
            "may_identify": has(acting, Capability.VIEW_IDENTITY)
            or may_identify(acting, view.trajectory.person_id),
            "coordinates": coordinates,
            "form": blank_form(RevealForm),
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
@require_capability(Capability.VIEW_OWN_IDENTITY, on_refusal=_identity_refused)
def identity_panel(request: HttpRequest, acting: Membership, pk: str) -> HttpResponse:
    """Who the person is, shown on request with a stated purpose (the read is audited).

    A frontline professional reaches it only for whom they registered, signalled or referred
    themselves; for anyone else the attempt is audited and answered as not found."""
    trajectory = access_trajectory(acting, pk)
    if not may_identify(acting, trajectory.person_id):
        purpose = request.POST.get("purpose", "").strip() or "-"
        do_record_denied(
            actor=acting, object_type="identity", object_id=trajectory.person_id, purpose=purpose
        )
        raise Http404(_("This person does not exist or is not yours to see."))
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            identity = do_reveal_identity(
                actor=acting, person=trajectory.person, **form.cleaned_data
            )
        except RevealLimitReached as refusal:
            context = {
                "trajectory": trajectory,
                "form": blank_form(RevealForm),
                "limit": str(refusal),
            }
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


def _recordable(acting: Membership, event_type: str) -> EventType:
    """The event type asked for, if this page records it and the actor's role may (403)."""
    if event_type not in {t.value for t in EventType} or event_type == EventType.ENTERED_IN_ERROR:
        raise Http404
    kind = EventType(event_type)
    if not has(acting, capability_for(kind)):
        raise PermissionDenied
    return kind


@require_capability(Capability.RECORD_EVENTS)
def record_event(
    request: HttpRequest, acting: Membership, pk: str, event_type: str
) -> HttpResponse:
    kind = _recordable(acting, event_type)
    trajectory = access_trajectory(acting, pk, purpose="prepare an event")
    history = [e.as_engine_event() for e in trajectory.events.all()]
    form = EventForm(
        kind,
        request.POST or None,
        initial={"version": trajectory.version},
        running=running_for(kind, history),
        organisation_search_url=reverse("organisation-options"),
        providers=_providers(acting, kind),
        provider_search_url=_provider_search_url(kind),
    )
    if kind == EventType.CLOSURE:
        form.fields["confirm"] = forms.BooleanField(
            label=_lazy(
                "I have checked that no care or follow-up is still needed. Closing ends the "
                "trajectory's tasks and deadlines."
            ),
            required=True,
        )
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


ORGANISATION_OPTIONS = 50


@require_capability(Capability.RECORD_EVENTS)
def organisation_options(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The organisations whose name holds what was typed, as options for a select (htmx)."""
    typed = request.GET.get("organisation_search", "").strip()[:100]
    rows = Organisation.objects.filter(is_active=True).order_by("name")
    if typed:
        rows = rows.filter(name__icontains=typed)
    found = list(rows.values_list("pk", "name")[: ORGANISATION_OPTIONS + 1])
    more = rows.count() - ORGANISATION_OPTIONS if len(found) > ORGANISATION_OPTIONS else 0
    context = {"options": found[:ORGANISATION_OPTIONS], "more": more}
    return render(request, "trajectories/_organisation_options.html", context)


def _providers(acting: Membership, kind: EventType) -> Choices | None:
    if kind not in WITH_PROVIDER:
        return None
    return provider_choices(acting, placement=kind == EventType.PLACEMENT_START)


def _provider_search_url(kind: EventType) -> str:
    url = reverse("provider-options")
    return f"{url}?plaatsing=1" if kind == EventType.PLACEMENT_START else url


@require_capability(Capability.RECORD_EVENTS)
def provider_options(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The services whose name holds what was typed, as grouped options for a select (htmx):
    for a placement only those that take people in."""
    typed = request.GET.get("provider_search", "").strip()[:100]
    placement = request.GET.get("plaatsing") == "1"
    groups = provider_choices(acting, placement=placement, search=typed)
    context = {"groups": groups, "other": OTHER}
    return render(request, "trajectories/_provider_options.html", context)


@require_capability(Capability.CORRECT_EVENTS)
def retract_event(request: HttpRequest, acting: Membership, pk: str, event_id: str) -> HttpResponse:
    """Mark an event as entered in error, after a confirmation with a reason (required)."""
    trajectory = access_trajectory(acting, pk)
    event = access_event(
        acting, trajectory.pk, event_id, purpose="mark an event as entered in error"
    )
    if event.organisation_id != acting.organisation_id:  # no question that can only be refused
        do_record_denied(
            actor=acting,
            object_type="trajectory",
            object_id=trajectory.pk,
            purpose=f"record {EventType.ENTERED_IN_ERROR.value}",
        )
        raise PermissionDenied(_("Only the organisation that recorded an event corrects it."))
    back = reverse("trajectory-detail", args=[trajectory.pk])
    label = timeline([event], frozenset())[0].label
    day = date_format(event.occurred_at, "j F Y")
    done = TrajectoryEvent.objects.filter(supersedes=event).select_related("recorded_by").first()
    already = None
    if done is not None:
        who = done.recorded_by.get_full_name() if done.recorded_by else None
        already = AlreadyDone(on=done.recorded_at, by=who or None)
    outcome = confirm(
        request,
        Confirmation(
            title=_("Mark as entered in error"),
            consequence=" ".join(
                (
                    _("“%(what)s” of %(day)s no longer counts: not in the state, tasks or figures.")
                    % {"what": label, "day": day},
                    _("The event stays in the file, marked as withdrawn, with your reason."),
                )
            ),
            action=_("Mark as entered in error"),
            cancel_url=back,
            reason_label=_("Why was this entered in error?"),
            reason_help=_("The reason is kept with the correction."),
            already=already,
            details=((_("Event"), f"{label}, {day}"),),
        ),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        do_record_event(
            actor=acting,
            trajectory=trajectory,
            event_type=EventType.ENTERED_IN_ERROR.value,
            occurred_at=event.occurred_at,
            payload={"reason": outcome.reason},
            supersedes=event,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except InvalidEventError as error:
        for _field, message in field_messages(error.problems):
            messages.error(request, message)
    else:
        messages.success(request, _("The event is marked as entered in error."))
    return redirect(back)
