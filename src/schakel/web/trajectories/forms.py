"""The forms of the trajectory pages.

The form for each event type is derived from the engine's payload schema. The schema stays the
single source of truth: the form only offers its fields, and the engine validates what comes
back (errors are shown beside the field they name).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, get_args, get_origin

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from pydantic.fields import FieldInfo

from schakel.engine.identity import InvalidIdentityError, parse_identity
from schakel.engine.problems import Problem
from schakel.engine.trajectories.events import EVENT_TYPES, EventType
from schakel.engine.vocabulary import Sex
from schakel.web.core.birth_date import BirthDateField
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.fields import NO_NAMES_HINT
from schakel.web.core.forms import DASHES
from schakel.web.core.labels import FIELD_LABELS, LABELS, choices
from schakel.web.core.numbers import count_length
from schakel.web.core.providers import Choices
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.organisations.roles import Capability, roles_with
from schakel.web.trajectories.countries import country_choices
from schakel.web.trajectories.models import Consent, RevealPurpose, TimeEntry, Trajectory
from schakel.web.trajectories.pickers import PICKED_LABELS
from schakel.web.trajectories.sealing import TEXT_NAMES
from schakel.web.trajectories.sectors import SECTIONS
from schakel.web.trajectories.selectors import (
    coordinators_of,
    members_ever_of,
    person_name,
)

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


NEW_REFERENCES = {
    EventType.PLACEMENT_START: "placement_id",
    EventType.INTERVENTION_START: "intervention_id",
    EventType.EXPLOITATION_EPISODE: "episode_id",
    EventType.REFERRAL_SENT: "referral_id",
}
"""Links between a start and its end: made up here, never typed by a person."""

HIDDEN = frozenset({"assessment_id", "consent_id"})
"""Set by the flow that makes the event (the signal check, the referral page), not typed."""


def _max_length(info: FieldInfo) -> int | None:
    for rule in info.metadata:
        limit = getattr(rule, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def _text_field(name: str, info: FieldInfo, label: Any, required: bool) -> forms.CharField:
    """A text field with its limit in the browser (maxlength) and under it as a counter, which
    says the limit once (the hint does not repeat it)."""
    limit = _max_length(info)
    long = name in ("note", "reason") or (limit or 0) > 200
    attrs: dict[str, Any] = {"rows": 3} if long else {}
    if limit is not None:
        attrs["maxlength"] = limit
    help_text: Any = NO_NAMES_HINT if name == "note" or name in TEXT_NAMES else ""
    widget = forms.Textarea(attrs) if long else forms.TextInput(attrs)
    return count_length(
        forms.CharField(
            label=label, required=required, max_length=limit, widget=widget, help_text=help_text
        )
    )


def _form_field(name: str, info: FieldInfo) -> forms.Field:
    annotation = _inner(info.annotation)
    required = info.is_required()
    label = PICKED_LABELS.get(name) or FIELD_LABELS.get(name, name)
    if name == "country":
        return forms.ChoiceField(label=label, choices=_blank(country_choices()), required=False)
    if name == "sector_isic":
        sectors = [(letter, name) for letter, name in SECTIONS.items()]
        return forms.ChoiceField(label=label, choices=_blank(sectors), required=False)
    if name == "follow_up_months":
        return _follow_up_field(info, label)
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return forms.MultipleChoiceField(
                label=label,
                choices=_enum_choices(item),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        default = info.get_default(call_default_factory=True)
        return forms.CharField(
            label=label,
            required=False,
            help_text=_("Separate with commas."),
            initial=", ".join(str(v) for v in default or []),
        )
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        # Nothing chosen in advance: saving an untouched form must not record "stable exit".
        return forms.ChoiceField(
            label=label,
            choices=[("", _("Choose …")), *_enum_choices(annotation)],
            required=required,
        )
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
    return _text_field(name, info, label, required)


FOLLOW_UP_MONTHS = (3, 6, 12, 24)
"""The standard follow-up contacts after an exit, ticked in advance."""


def _follow_up_field(info: FieldInfo, label: Any) -> forms.Field:
    """The follow-up contacts as ticks (3, 6, 12 and 24 months), not numbers to type."""
    default = info.get_default(call_default_factory=True) or []
    months = sorted({*FOLLOW_UP_MONTHS, *default})
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=[
            (m, ngettext("%(months)s month", "%(months)s months", m) % {"months": m})
            for m in months
        ],
        coerce=int,
        required=False,
        initial=list(default),
        widget=forms.CheckboxSelectMultiple,
    )


def _blank(options: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A list starts with words, also where a choice is optional ("(optional)" marks that)."""
    return [("", _("Choose …")), *options]


def organisation_field(label: Any, required: bool, url: str = "") -> forms.ChoiceField:
    """Organisations by name: a list that works without JavaScript, with a search box above it
    that narrows the list as one types (htmx, `organisation-options`)."""
    names = Organisation.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
    return forms.TypedChoiceField(
        label=label,
        choices=_blank([(str(pk), name) for pk, name in names]),
        coerce=int,
        empty_value=None,
        required=required,
        widget=OrganisationSelect(url),
        error_messages={  # the API's sentence, not Django's "select a valid choice"
            "invalid_choice": _(
                "This organisation does not exist. Choose an organisation from the list."
            )
        },
    )


OTHER = "__other__"
OTHER_PROVIDER = "provider_other"
"""The provider is picked from the social map; "Other" and a name typed below when it is not
on it (the payload records the name either way)."""


def provider_field(label: Any, providers: Choices, url: str = "") -> forms.ChoiceField:
    """Services by name: a grouped list that works without JavaScript, with a search box above
    it that narrows the list as one types (htmx, `provider-options`)."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=_blank([*providers, (OTHER, _("Other, namely …"))]),
        help_text=_("Services on the social map; choose “Other” to type a name."),
        error_messages={"invalid_choice": _("Choose a provider from the list, or “Other”.")},
        widget=ProviderSelect(url),
    )


class OrganisationSelect(forms.Select):
    """A select with a search box that asks the server for matching names (htmx)."""

    template_name = "trajectories/_organisation_select.html"

    def __init__(self, url: str = "") -> None:
        super().__init__({"class": "utrecht-select"})
        self.url = url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["search_url"] = self.url
        return context


class ProviderSelect(OrganisationSelect):
    """The provider list with a search box that asks the server for matching services."""

    template_name = "trajectories/_provider_select.html"


class EventForm(forms.Form):
    """The form of one event type, built from its payload schema.

    `running` lists, per reference field, what is running now (an open placement, a referral
    waiting for an answer) so a person picks it instead of typing an id; references a new
    event starts are made up here."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self,
        event_type: EventType,
        *args: Any,
        running: Mapping[str, list[tuple[str, str]]] | None = None,
        organisation_search_url: str = "",
        providers: Choices | None = None,
        provider_search_url: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.event_type = event_type
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        schema = EVENT_TYPES[event_type]
        running = running or {}
        for name, info in schema.model_fields.items():
            if name in HIDDEN or NEW_REFERENCES.get(event_type) == name:
                continue
            label = PICKED_LABELS.get(name) or FIELD_LABELS.get(name, name)
            if name in running:
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=running[name], required=True
                )
                if not running[name]:
                    self.fields[name].help_text = _("Nothing is running that this could end.")
            elif name in schema.organisation_fields:
                self.fields[name] = organisation_field(
                    label, info.is_required(), organisation_search_url
                )
            elif name == "provider" and providers is not None:
                self.fields[name] = provider_field(label, providers, provider_search_url)
                self.fields[OTHER_PROVIDER] = _text_field(
                    OTHER_PROVIDER, info, _("Other provider"), required=False
                )
                self.fields[OTHER_PROVIDER].help_text = format_lazy(
                    "{} {}",
                    _("Only when you chose “Other” above."),
                    self.fields[OTHER_PROVIDER].help_text,
                )
            else:
                self.fields[name] = _form_field(name, info)
        if "note" in self.fields:  # every payload starts with it; what the event is comes first
            self.fields["note"] = self.fields.pop("note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if OTHER_PROVIDER in self.fields:
            chosen, typed = data.get("provider"), (data.get(OTHER_PROVIDER) or "").strip()
            if chosen == OTHER and not typed:
                self.add_error(
                    OTHER_PROVIDER,
                    _("Type the name of the provider, or choose one from the list."),
                )
            elif chosen in (OTHER, "") and typed:
                data["provider"] = typed
            elif chosen == OTHER:
                data["provider"] = ""
        return data

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
            if name == "follow_up_months":
                value = sorted(value)
            result[name] = value
        reference = NEW_REFERENCES.get(self.event_type)
        if reference is not None:
            result[reference] = uuid.uuid4().hex[:12]
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
    date_of_birth = BirthDateField(label=_("Date of birth"), required=False)
    date_of_birth_estimated = forms.BooleanField(
        label=_("Date of birth is estimated"), required=False
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=())
    bsn = forms.CharField(label="BSN", required=False)
    v_number = forms.CharField(label=_("V-number"), required=False)
    passport = forms.CharField(label=_("Passport number"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = _blank(country_choices())  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """The engine checks the identity with the fields, so a wrong date of birth and a
        wrong BSN are both named in one round."""
        data = super().clean() or {}
        try:
            parse_identity(self.identity())
        except InvalidIdentityError as error:
            for field, message in field_messages(error.problems):
                name = field.split(".")[-1]
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, message)
        return data

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

    def __init__(self, *args: Any, organisation_search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the same picker as the events use: a list with a search box above it
        field = self.fields["organisation"]
        self.fields["organisation"] = organisation_field(
            field.label, field.required, organisation_search_url
        )

    def clean_organisation(self) -> Organisation | None:
        pk = self.cleaned_data.get("organisation")
        return None if pk is None else Organisation.objects.get(pk=pk)


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
        label=_("Handover note"),
        widget=forms.Textarea({"rows": 5}),
        max_length=4000,
        help_text=NO_NAMES_HINT,
    )

    def __init__(self, acting: Membership, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # only people whose role coordinates trajectories have work to hand over or take over
        coordinating = roles_with(Capability.COORDINATE_TRAJECTORIES)
        self.fields["from_user"].queryset = (  # type: ignore[attr-defined]
            members_ever_of(acting)
            .filter(
                memberships__organisation_id=acting.organisation_id,
                memberships__role__in=coordinating,
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["to_user"].queryset = coordinators_of(acting)  # type: ignore[attr-defined]
        for name in ("from_user", "to_user"):
            self.fields[name].label_from_instance = person_name  # type: ignore[attr-defined]


class TimeForm(forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ["task_type", "on", "minutes", "note"]
        help_texts = {"note": NO_NAMES_HINT}
        widgets = {"on": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}


class AnswerForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Coordinator"),
        required=False,
        help_text=_("Who coordinates the care from now on: you or a colleague."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Required when you reject. The referrer sees it."),
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, acting: Membership, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        field.queryset = coordinators_of(acting)  # type: ignore[attr-defined]
        field.label_from_instance = person_name  # type: ignore[attr-defined]
        field.initial = acting.user_id


class RevealForm(forms.Form):
    """Why someone wants to see who a person is: a purpose from the list and a reference."""

    purpose = forms.ChoiceField(
        label=_("Why do you need to see who this is?"),
        # nothing chosen beforehand: the audited purpose is one the reader picked
        choices=[("", DASHES), *RevealPurpose.choices],
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        help_text=_("The case, call or report this is for, e.g. its number in your own system."),
    )
