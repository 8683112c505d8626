"""The monitor's filter form: it parses the query and computes the protected tables for it."""

from __future__ import annotations

from enum import StrEnum

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.labels import LABELS
from schakel.web.monitor.data import Filters
from schakel.web.monitor.tables import STRATA, Monitor, compute_monitor


def _choices(enum: type[StrEnum], blank: str) -> list[tuple[str, str]]:
    labels = LABELS[enum]
    return [("", blank), *((m.value, str(labels.get(m.value, m.value))) for m in enum)]


class FilterForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    cohort = forms.IntegerField(
        label=_("Cohort year"), required=False, min_value=2000, max_value=2100
    )
    stratum = forms.ChoiceField(label=_("Cumulative incidence by"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["form"].choices = _choices(ExploitationForm, str(_("All forms")))  # type: ignore[attr-defined]
        self.fields["region"].choices = _choices(Region, str(_("All regions")))  # type: ignore[attr-defined]
        self.fields["stratum"].choices = [(k, str(v)) for k, v in STRATA.items()]  # type: ignore[attr-defined]

    def monitor(self) -> Monitor:
        data = self.cleaned_data if self.is_valid() else {}
        filters = Filters(
            form=data.get("form") or None,
            region=data.get("region") or None,
            cohort=data.get("cohort") or None,
        )
        return compute_monitor(filters, stratum=data.get("stratum") or "form", k=DEFAULT_K)

    def described(self) -> list[tuple[str, str]]:
        """Each filter's label and the chosen value's label, for a download's "About" sheet."""
        data = self.cleaned_data if self.is_valid() else {}
        described = []
        for name, field in self.fields.items():
            value = data.get(name)
            if name == "stratum":
                value = value or "form"
            choices = dict(getattr(field, "choices", ()))
            shown = choices.get(value, value) if value not in (None, "") else choices.get("", "")
            described.append((str(field.label), str(shown or _("All"))))
        return described
