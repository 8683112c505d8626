"""Forms of the training register: they parse input; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import Region, Role
from schakel.web.core.labels import choices
from schakel.web.organisations.models import User
from schakel.web.organisations.roles import Capability, roles_with
from schakel.web.training.models import Training, TrainingTopic

TEXTBOX = {"class": "utrecht-textbox"}
DATE = {"type": "date", "class": "utrecht-textbox"}


def add_model_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


class TrainingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXTBOX))
    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    provider = forms.CharField(label=_("Provider"), max_length=200, widget=forms.TextInput(TEXTBOX))
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"),
        help_text=_("How long a certificate stays valid, in whole months."),
        widget=forms.NumberInput(TEXTBOX),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )


class ValidityForm(forms.Form):
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), widget=forms.NumberInput(TEXTBOX)
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class RecordForm(forms.Form):
    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(memberships__ended_on__isnull=True, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username"),
    )
    training = forms.ModelChoiceField(
        label=_("Training"), queryset=Training.objects.filter(is_active=True).order_by("name")
    )
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, training: Training | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if training is not None:
            self.fields["training"].initial = training.pk
            self.fields["training"].widget = forms.HiddenInput()


class CoverageFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *choices(Region)]
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        help_text=_("Coverage counts frontline professionals and care coordinators."),
        choices=[
            ("", _("All roles")),  # short: a phone cuts a longer choice off
            *(
                (r, label)
                for r, label in choices(Role)
                if r in roles_with(Capability.RECORD_EVENTS)
            ),
        ],
    )
    topic = forms.ChoiceField(
        label=_("Training topic"),
        required=False,
        choices=[("", _("All topics")), *TrainingTopic.choices],
    )
