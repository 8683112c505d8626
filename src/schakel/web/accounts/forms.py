"""Forms of the administration pages (rendered with `{{ form }}`, NL Design System fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import Role
from schakel.web.core.labels import choices
from schakel.web.organisations.models import Organisation


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "type", "region", "is_active"]
        labels = {"name": _("Name"), "type": _("Type"), "region": _("Region")}
        help_texts = {"is_active": _("An inactive organisation's members cannot sign in to it.")}


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("The invitation with a one-time link goes here.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=choices(Role))
    started_on = forms.DateField(
        label=_("Starts on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    role = forms.ChoiceField(label=_("Role"), choices=choices(Role))
    started_on = forms.DateField(
        label=_("Starts on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations.filter(is_active=True)


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit trail, for example: left the organisation."),
    )


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit trail, for example: no longer works on this team."),
        error_messages={"required": _("Say why this role ends.")},
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=100)
