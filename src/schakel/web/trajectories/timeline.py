"""A trajectory's timeline: each event as its entry in the event-type registry shows it.

The entry says which payload fields appear, in which order and what kind of value each holds;
this module turns the values into what people read (a vocabulary code's label, an
organisation's name, a date) in the active language. Organisation names for the whole page
come from one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from schakel.engine.trajectories import REGISTRY
from schakel.engine.trajectories.events import parse_event_type
from schakel.engine.trajectories.registry import Shown, Shows
from schakel.web.core.labels import FIELD_LABELS, LABELS, TEXT_VALUES, event_type_label
from schakel.web.organisations.models import Organisation
from schakel.web.trajectories.countries import country_name
from schakel.web.trajectories.models import TrajectoryEvent
from schakel.web.trajectories.pickers import PICKED_LABELS
from schakel.web.trajectories.sectors import SECTIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class TimelineField:
    name: str
    label: StrOrPromise
    value: str


@dataclass(frozen=True)
class TimelineEntry:
    event: TrajectoryEvent
    label: StrOrPromise
    fields: tuple[TimelineField, ...]
    in_force: bool
    withdraws: bool  # a correction marker: it cannot itself be entered in error
    sentence: SafeString  # "On 3 March 2026 at 14:05: <strong>Intake</strong>, recorded by ..."


def timeline(events: Sequence[TrajectoryEvent], superseded: frozenset[str]) -> list[TimelineEntry]:
    """The events in the order given, each with its type's label and its shown fields."""
    names = _organisation_names(events)
    entries = []
    for event in events:
        kind = parse_event_type(event.event_type)
        label = event_type_label(kind)
        entries.append(
            TimelineEntry(
                event=event,
                label=label,
                fields=_fields(event, names),
                in_force=str(event.pk) not in superseded,
                withdraws=REGISTRY[kind].withdraws,
                sentence=_sentence(event, label),
            )
        )
    return entries


def _sentence(event: TrajectoryEvent, label: StrOrPromise) -> SafeString:
    """The entry's first line, built here rather than by `blocktranslate` in the page's loop
    (a case file has dozens of entries; the template tag was a sixth of the page's CPU)."""
    when = timezone.localtime(event.occurred_at)
    user, organisation = event.recorded_by, event.organisation
    who = (user.get_full_name() or user.username) if user is not None else ""
    values = {
        "day": formats.date_format(when, "j F Y"),
        "time": formats.time_format(when, "H:i"),
        "what": label,
        "who": who,
        "org": str(organisation) if organisation is not None else "",
    }
    text = _("On %(day)s at %(time)s: <strong>%(what)s</strong>, recorded by %(who)s (%(org)s).")
    return mark_safe(text % {k: conditional_escape(v) for k, v in values.items()})  # noqa: S308


REFERENCES = frozenset(
    {"placement_id", "intervention_id", "episode_id", "referral_id", "consent_id", "assessment_id"}
)
"""Links between events that the software makes up: part of the record, not for reading."""


def _fields(event: TrajectoryEvent, organisations: dict[int, str]) -> tuple[TimelineField, ...]:
    payload: dict[str, Any] = event.full_payload
    spec = REGISTRY[parse_event_type(event.event_type)]
    shown = [
        s
        for s in spec.shown
        if payload.get(s.name) not in (None, "", []) and s.name not in REFERENCES
    ]
    # A field a later schema dropped is still part of the record: shown as written.
    known = {s.name for s in spec.shown}
    shown += [
        Shown(name, Shows.TEXT) for name in payload if name not in known and name not in REFERENCES
    ]
    return tuple(
        TimelineField(
            s.name,
            PICKED_LABELS.get(s.name) or FIELD_LABELS.get(s.name, s.name),
            _value(s, payload[s.name], organisations),
        )
        for s in shown
    )


def _value(shown: Shown, value: Any, organisations: dict[int, str]) -> str:
    if shown.name == "country":
        return country_name(str(value))
    if shown.name == "sector_isic":
        return str(SECTIONS.get(str(value), value))
    if shown.shows == Shows.CODE and shown.vocabulary is not None:
        return str(LABELS[shown.vocabulary].get(str(value), value))
    if shown.shows == Shows.CODES and shown.vocabulary is not None:
        labels = LABELS[shown.vocabulary]
        return ", ".join(str(labels.get(str(v), v)) for v in value)
    if shown.shows == Shows.FLAG:
        return _("Yes") if value else _("No")
    if shown.shows == Shows.DATE:
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    if shown.shows == Shows.ORGANISATION:
        return organisations.get(int(value), str(value))
    readable = TEXT_VALUES.get(shown.name, str)
    if isinstance(value, list):
        return ", ".join(readable(str(v)) for v in value)
    return readable(str(value))


def _organisation_names(events: Sequence[TrajectoryEvent]) -> dict[int, str]:
    ids: set[int] = set()
    for event in events:
        spec = REGISTRY[parse_event_type(event.event_type)]
        for shown in spec.shown:
            value = event.payload.get(shown.name)
            if shown.shows == Shows.ORGANISATION and isinstance(value, int):
                ids.add(value)
    if not ids:
        return {}
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
