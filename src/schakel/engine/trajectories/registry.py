"""The event-type registry: what each kind of event means, in one entry per type.

An entry holds the payload schema, the projection step, the sequence rules, the labels (Dutch
and English, as plain data: the engine has no gettext) and the display spec that the web
timeline follows. Validation, projection, the rules, the effective-event rule and the timeline
all read this registry, so a new event type is one entry (see `event_types.py`), not edits in
four places. This module imports none of its neighbours at run time: they register into it,
as Open Forms' plugins do, which keeps the import graph free of cycles.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schakel.engine.trajectories.events import EventType, Payload
    from schakel.engine.trajectories.projection import Event, Fold
    from schakel.engine.trajectories.rules import SequenceRule

    Step = Callable[[Fold, Event], Fold]


class RegistryError(RuntimeError):
    """The registry is inconsistent: a type registered twice, one missing, a bad display."""


@dataclass(frozen=True)
class Label:
    """A text in both shipped languages; Dutch is the default, English the source language."""

    nl: str
    en: str

    def in_language(self, language: str | None) -> str:
        """The text for a language code; no active language means the source (English)."""
        if language is None or language.lower().startswith("en"):
            return self.en
        return self.nl


class Recorder(StrEnum):
    """Who records an event of this type: anyone who works with the trajectory (what they
    observed, a consultation, a referral they sent) or only its care coordination."""

    ANYONE = "anyone"
    COORDINATION = "coordination"


class Shows(StrEnum):
    """How the timeline writes a payload value."""

    TEXT = "text"  # as written (lists joined)
    CODE = "code"  # a vocabulary code: its label
    CODES = "codes"  # a list of vocabulary codes: their labels
    FLAG = "flag"  # yes or no
    DATE = "date"  # an ISO date
    ORGANISATION = "organisation"  # an organisation's id: its name


@dataclass(frozen=True)
class Shown:
    """One payload field on the timeline; `vocabulary` is the enum of a CODE or CODES field."""

    name: str
    shows: Shows
    vocabulary: type[StrEnum] | None = None


@dataclass(frozen=True)
class EventTypeSpec:
    """Everything one event type means.

    `project` folds an event into the projection's working state and returns the new state;
    `sequence` lists the rules an event of this type must pass against the trajectory's
    effective history (the first rule with problems wins); `withdraws` marks the correction
    marker whose event is never in force itself (and withdraws the event it names);
    `display` names the payload fields the timeline shows, in order (every field, once);
    `recorder` says who records it (the web layer maps it to a capability).
    """

    event_type: EventType
    payload: type[Payload]
    label: Label
    project: Step
    display: tuple[str, ...]
    sequence: tuple[SequenceRule, ...] = ()
    withdraws: bool = False
    recorder: Recorder = Recorder.COORDINATION

    @functools.cached_property
    def shown(self) -> tuple[Shown, ...]:
        """The display spec with each field's kind, read from the payload's annotations."""
        return tuple(_shown(name, self.payload) for name in self.display)


def _shown(name: str, payload: type[Payload]) -> Shown:
    if name in payload.organisation_fields:
        return Shown(name, Shows.ORGANISATION)
    annotation = _without_none(payload.model_fields[name].annotation)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return Shown(name, Shows.CODES, item)
        return Shown(name, Shows.TEXT)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return Shown(name, Shows.CODE, annotation)
    if annotation is bool:
        return Shown(name, Shows.FLAG)
    if annotation is dt.date:
        return Shown(name, Shows.DATE)
    return Shown(name, Shows.TEXT)


def _without_none(annotation: Any) -> Any:
    """`X | None` -> X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


class Registry(Mapping["EventType", EventTypeSpec]):
    """Event types and their entries; complete and frozen once `close` has run."""

    def __init__(self) -> None:
        self._specs: dict[EventType, EventTypeSpec] = {}
        self._closed = False

    def register(self, spec: EventTypeSpec) -> EventTypeSpec:
        if self._closed:
            raise RegistryError(f"the registry is closed; {spec.event_type} came too late")
        if spec.event_type in self._specs:
            raise RegistryError(f"{spec.event_type} is registered twice")
        _check_entry(spec)
        self._specs[spec.event_type] = spec
        return spec

    def close(self, expected: Iterable[EventType]) -> None:
        """Refuse a registry that misses a type; after this, nothing more can register."""
        missing = [t.value for t in expected if t not in self._specs]
        if missing:
            raise RegistryError(f"no registry entry for {', '.join(missing)}")
        self._closed = True

    @functools.cached_property
    def withdrawing(self) -> frozenset[str]:
        """Values of the marker types that are never in force (entered in error)."""
        if not self._closed:
            raise RegistryError("the registry is read before every event type registered")
        return frozenset(t.value for t, spec in self._specs.items() if spec.withdraws)

    def __getitem__(self, event_type: EventType) -> EventTypeSpec:
        return self._specs[event_type]

    def __iter__(self) -> Iterator[EventType]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


def _check_entry(spec: EventTypeSpec) -> None:
    fields = list(spec.payload.model_fields)
    unknown = [name for name in spec.display if name not in fields]
    if unknown:
        raise RegistryError(f"{spec.event_type} displays unknown field(s) {', '.join(unknown)}")
    if sorted(spec.display) != sorted(fields):
        left_out = sorted(set(fields) - set(spec.display)) or "repeats"
        raise RegistryError(f"{spec.event_type} must display every payload field once: {left_out}")
    if not (spec.label.nl.strip() and spec.label.en.strip()):
        raise RegistryError(f"{spec.event_type} needs a Dutch and an English label")
    _ = spec.shown  # resolve the display kinds now, so a field that cannot be shown fails here


REGISTRY = Registry()
"""The one registry; `schakel.engine.trajectories.event_types` fills and closes it at import."""
