"""A form for each event type, derived from the engine's payload schema.

The schema stays the single source of truth: the form only offers its fields, and the engine
validates what comes back (errors are shown beside the field they name).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, get_args, get_origin

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic.fields import FieldInfo

from schakel.engine.trajectories.events import EVENT_TYPES, EventType
from schakel.web.core.labels import FIELD_LABELS, LABELS, choices


def _inner(annotation: Any) -> Any:
    """`X | None` -> X."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is not None and len(args) == 1 and get_origin(annotation) is not list:
        return args[0]
    return annotation


def _enum_choices(enum: type[StrEnum]) -> list[tuple[str, Any]]:
    if enum in LABELS:
        return choices(enum)
    return [(m.value, m.value) for m in enum]


def _form_field(name: str, info: FieldInfo) -> forms.Field:
    annotation = _inner(info.annotation)
    required = info.is_required()
    label = FIELD_LABELS.get(name, name)
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return forms.MultipleChoiceField(
                label=label,
                choices=_enum_choices(item),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.CharField(label=label, required=False, help_text=_("Separate with commas."))
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        options = (
            [("", "—"), *_enum_choices(annotation)] if not required else _enum_choices(annotation)
        )
        return forms.ChoiceField(label=label, choices=options, required=required)
    if annotation is bool:
        return forms.BooleanField(label=label, required=False)
    if annotation is int:
        return forms.IntegerField(label=label, required=required)
    if annotation is dt.date:
        return forms.DateField(
            label=label,
            required=required,
            widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        )
    if name == "note":
        return forms.CharField(label=label, required=False, widget=forms.Textarea({"rows": 3}))
    return forms.CharField(label=label, required=required)


class EventForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, event_type: EventType, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.event_type = event_type
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        for name, info in EVENT_TYPES[event_type].model_fields.items():
            self.fields[name] = _form_field(name, info)

    def payload(self) -> dict[str, Any]:
        """The cleaned fields as a payload for the engine: empty values left out."""
        result: dict[str, Any] = {}
        for name, info in EVENT_TYPES[self.event_type].model_fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(value, str) and get_origin(_inner(info.annotation)) is list:
                value = [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, dt.date):
                value = value.isoformat()
            result[name] = value
        return result

    def add_engine_errors(self, errors: list[tuple[str, str]]) -> None:
        for field, message in errors:
            name = field.split(".")[0]
            self.add_error(name if name in self.fields else None, message)
