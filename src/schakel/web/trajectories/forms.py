"""The forms of the trajectory pages.

The form for each event type is derived from the engine's payload schema. The schema stays the
single source of truth: the form only offers its fields, and the engine validates what comes
back (errors are shown beside the field they name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, get_args, get_origin

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic.fields import FieldInfo

from schakel.engine.identity import InvalidIdentityError
from schakel.engine.problems import Problem
from schakel.engine.trajectories.events import EVENT_TYPES, EventType
from schakel.engine.vocabulary import Sex
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.labels import FIELD_LABELS, LABELS, choices
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.trajectories.models import Consent, RevealPurpose, TimeEntry, Trajectory
from schakel.web.trajectories.selectors import colleagues_of, members_ever_of

IDENTIFIERS = ("bsn", "v_number", "passport")


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

    def add_engine_errors(self, problems: Iterable[Problem]) -> None:
        for field, message in field_messages(problems):
            name = field.split(".")[0]
            self.add_error(name if name in self.fields else None, message)


class IdentityForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    aliases = forms.CharField(
        label=_("Other names used"), required=False, help_text=_("Separate with commas.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=choices(Sex), initial=Sex.UNKNOWN)
    date_of_birth = forms.CharField(
        label=_("Date of birth"), required=False, help_text=_("YYYY-MM-DD, or YYYY-MM, or YYYY.")
    )
    date_of_birth_estimated = forms.BooleanField(
        label=_("Date of birth is estimated"), required=False
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False)
    nationality = forms.CharField(
        label=_("Nationality"),
        required=False,
        max_length=2,
        help_text=_("Two-letter code, e.g. RO."),
    )
    bsn = forms.CharField(label="BSN", required=False)
    v_number = forms.CharField(label=_("V-number"), required=False)
    passport = forms.CharField(label=_("Passport number"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)

    def identity(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        identifiers = {k: data.pop(k) for k in IDENTIFIERS if k in data}
        if "nationality" in data:
            data["nationality"] = data["nationality"].upper()
        if "aliases" in data:
            data["aliases"] = [a.strip() for a in data["aliases"].split(",") if a.strip()]
        return {**data, "identifiers": identifiers}

    def add_identity_errors(self, error: InvalidIdentityError) -> None:
        for field, message in field_messages(error.problems):
            name = field.split(".")[-1]
            self.add_error(name if name in self.fields else None, message)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "organisation", "given_on", "source"]
        widgets = {"given_on": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True), label=_("Refer to")
    )
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(), required=False, label=_("Consent")
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label=_("Reason to refer without consent"),
        help_text=_("Only for acute danger or a legal duty. This is logged."),
    )

    def __init__(self, trajectory: Trajectory, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["consent"]
        field.queryset = trajectory.consents.in_force().filter(purpose="disclosure")  # type: ignore[attr-defined]


class HandoverForm(forms.Form):
    from_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("From"))
    to_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("To"))
    note = forms.CharField(
        label=_("Handover note"), widget=forms.Textarea({"rows": 5}), max_length=4000
    )

    def __init__(self, acting: Membership, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        colleagues = colleagues_of(acting)
        self.fields["from_user"].queryset = members_ever_of(acting)  # type: ignore[attr-defined]
        self.fields["to_user"].queryset = colleagues  # type: ignore[attr-defined]


class TimeForm(forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ["task_type", "on", "minutes", "note"]
        widgets = {"on": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}


class RevealForm(forms.Form):
    """Why someone wants to see who a person is: a purpose from the list and a reference."""

    purpose = forms.ChoiceField(
        label=_("Why do you need to see who this is?"), choices=RevealPurpose.choices
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        help_text=_("The case, call or report this is for, e.g. its number in your own system."),
    )
