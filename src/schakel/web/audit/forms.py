"""The audit trail's filter form: person by pseudonym, user, organisation, action, purpose,
period and free text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.search import AuditFilter
from schakel.web.audit.subjects import objects_about
from schakel.web.organisations.models import Organisation, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person (pseudonym)"),
        required=False,
        max_length=20,
        help_text=_("Lines about this person: their identity, trajectories and consent."),
    )
    trajectory = forms.UUIDField(required=False, widget=forms.HiddenInput)
    user = UserChoice(label=_("Employee"), queryset=User.objects.none(), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose contains"), required=False, max_length=100)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Up to and including"), required=False, widget=DATE)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("In the employee's user name and the purpose."),
    )

    def __init__(self, *args: Any, scope: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = frozenset(scope.values_list("pk", flat=True))
        self.fields["organisation"].queryset = scope  # type: ignore[attr-defined]
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(memberships__organisation__in=self.scope)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        if len(self.scope) < 2:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period lies before its start."))
        person = (data.get("person") or "").strip()
        data["about"] = None
        if person:
            data["about"] = objects_about(person)
            if not data["about"]:
                self.add_error("person", _("No person has this pseudonym."))
        return data

    def selection(self) -> AuditFilter:
        """The filter of a valid form (an empty selection of the scope otherwise)."""
        if not self.is_valid():
            return AuditFilter(scope=self.scope)
        data = self.cleaned_data
        described = {
            name: str(value)
            for name, value in data.items()
            if name in self.fields and value not in (None, "")
        }
        return AuditFilter(
            scope=self.scope,
            about=data["about"],
            trajectory=str(data["trajectory"] or ""),
            user_id=data["user"].pk if data.get("user") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            action=data.get("action") or "",
            purpose=data.get("purpose") or "",
            start=data.get("start"),
            end=data.get("end"),
            text=data.get("q") or "",
            described=described,
        )
