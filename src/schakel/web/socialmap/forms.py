"""Forms of the social map: they parse input; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.labels import choices
from schakel.web.organisations.models import Organisation
from schakel.web.socialmap.actions import ServiceData
from schakel.web.socialmap.models import (
    PHONE_MESSAGE,
    Service,
    ServiceKind,
    TargetGroup,
    is_dutch_phone,
)

TEXTBOX = {"class": "utrecht-textbox"}


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXTBOX))
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    region = forms.ChoiceField(label=_("Region"), choices=choices(Region))
    organisation = forms.ModelChoiceField(
        label=_("Organisation in Schakel"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    description = forms.CharField(
        label=_("What they do"), required=False, widget=forms.Textarea({"rows": 3})
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=300, required=False)
    available_24_7 = forms.BooleanField(label=_("Available day and night"), required=False)
    forms_taken_on = forms.MultipleChoiceField(
        label=_("Forms of exploitation taken on"),
        help_text=_("Leave empty when the service takes on every form."),
        choices=choices(ExploitationForm),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        help_text=_("Leave empty when the service takes on minors and adults."),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate with commas."), max_length=500
    )
    contact_person_name = forms.CharField(
        label=_("Contact person for trafficking"),
        max_length=200,
        required=False,
        help_text=_("Required for residential facilities."),
    )
    contact_person_phone = forms.CharField(
        label=_("Contact person's phone"), max_length=40, required=False
    )
    contact_person_email = forms.EmailField(label=_("Contact person's email"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    is_public = forms.BooleanField(
        label=_("Readable without an account"),
        required=False,
        help_text=_("The signal check links to this entry for visitors who are not signed in."),
    )

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_contact_person_phone(self) -> str:
        return _phone(self.cleaned_data["contact_person_phone"])

    def data_for_action(self) -> ServiceData:
        d = self.cleaned_data
        organisation = d["organisation"]
        return ServiceData(
            name=d["name"],
            kind=d["kind"],
            region=d["region"],
            organisation_id=organisation.pk if organisation else None,
            description=d["description"],
            phone=d["phone"],
            email=d["email"],
            address=d["address"],
            website=d["website"],
            opening_hours=d["opening_hours"],
            available_24_7=d["available_24_7"],
            forms=list(d["forms_taken_on"]),
            target_groups=list(d["target_groups"]),
            tags=[t for t in d["tags"].split(",") if t.strip()],
            contact_person_name=d["contact_person_name"],
            contact_person_phone=d["contact_person_phone"],
            contact_person_email=d["contact_person_email"],
            is_active=d["is_active"],
            is_public=d["is_public"],
        )

    def add_model_errors(self, error: ValidationError) -> None:
        renamed = {"forms": "forms_taken_on", "organisation_id": "organisation"}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            target = renamed.get(name, name)
            for message in errors:
                self.add_error(target if target in self.fields else None, message)


def _phone(value: str) -> str:
    """Checked with the other fields, so every error shows in one round (the action checks
    again for callers without a form)."""
    if value and not is_dutch_phone(value):
        raise ValidationError(PHONE_MESSAGE)
    return value


def initial_for(service: Service) -> dict[str, Any]:
    return {
        "name": service.name,
        "kind": service.kind,
        "region": service.region,
        "organisation": service.organisation_id,
        "description": service.description,
        "phone": service.phone,
        "email": service.email,
        "address": service.address,
        "website": service.website,
        "opening_hours": service.opening_hours,
        "available_24_7": service.available_24_7,
        "forms_taken_on": service.forms,
        "target_groups": service.target_groups,
        "tags": ", ".join(service.tags),
        "contact_person_name": service.contact_person_name,
        "contact_person_phone": service.contact_person_phone,
        "contact_person_email": service.contact_person_email,
        "is_active": service.is_active,
        "is_public": service.is_public,
    }


class FilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *choices(Region)]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ServiceKind.choices]
    )
