"""What a person picks instead of typing an id: what is running in a trajectory now.

Read from the trajectory's projected state (the events are the truth): the open placements and
interventions an end event can close, the referrals still waiting for an answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from schakel.engine.trajectories import Event, effective_events, project_state
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import InterventionType, PlacementType
from schakel.web.core.labels import LABELS
from schakel.web.organisations.models import Organisation

Choices = list[tuple[str, str]]

PICKED_LABELS = {
    "country": _lazy("Country"),
    "sector_isic": _lazy("Sector"),
    "placement_id": _lazy("Which placement"),
    "intervention_id": _lazy("Which intervention"),
    "referral_id": _lazy("Which referral"),
}
"""Labels of fields that are picked by name here, where the general label names a code."""

ENDS = {
    EventType.PLACEMENT_END: ("placement_id", EventType.PLACEMENT_START),
    EventType.INTERVENTION_END: ("intervention_id", EventType.INTERVENTION_START),
}
ANSWERS = (EventType.REFERRAL_ACCEPTED, EventType.REFERRAL_REJECTED, EventType.REFERRAL_REVOKED)


def running_for(kind: EventType, events: Sequence[Event]) -> dict[str, Choices]:
    """For an event type that ends or answers something: its reference field and the choices."""
    if kind in ENDS:
        field, start = ENDS[kind]
        state = project_state(events)
        running = state.open_placements if field == "placement_id" else state.open_interventions
        vocabulary = PlacementType if field == "placement_id" else InterventionType
        started = _started(events, start, field)
        return {
            field: [
                (ref, _since(str(LABELS[vocabulary].get(code, code)), started.get(ref)))
                for ref, code in running.items()
            ]
        }
    if kind in ANSWERS:
        pending = project_state(events).pending_referrals
        sent = {
            e.payload["referral_id"]: e
            for e in effective_events(events)
            if e.event_type == EventType.REFERRAL_SENT
        }
        ids = {sent[r].payload["to_organisation_id"] for r in pending if r in sent}
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {
            "referral_id": [
                (
                    ref,
                    _since(
                        names.get(sent[ref].payload["to_organisation_id"], _("an organisation")),
                        sent[ref],
                    ),
                )
                for ref in pending
                if ref in sent
            ]
        }
    return {}


def _started(events: Sequence[Event], kind: EventType, field: str) -> dict[str, Event]:
    return {e.payload[field]: e for e in effective_events(events) if e.event_type == kind}


def _since(label: str, event: Event | None) -> str:
    if event is None:
        return label
    day = formats.date_format(event.occurred_at.date(), "j F Y")
    return _("%(what)s, since %(day)s") % {"what": label, "day": day}
