"""The monitor's filter form: which published selection, and which stratum, to show."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.labels import LABELS
from schakel.web.monitor.data import Filters
from schakel.web.monitor.tables import STRATA


def _choices(enum: type[StrEnum], blank: str) -> list[tuple[str, str]]:
    labels = LABELS[enum]
    return [("", blank), *((m.value, str(labels.get(m.value, m.value))) for m in enum)]


class FilterForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    cohort = forms.TypedChoiceField(
        label=_("Cohort year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "Choose a cohort year from the list: this release has no figures for %(value)s."
            )
        },
    )
    stratum = forms.ChoiceField(label=_("Split the return figures by"), required=False)

    def __init__(self, *args: object, cohorts: Sequence[int] = (), **kwargs: object) -> None:
        """`cohorts`: the years the release publishes, so only those can be chosen."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        years = [(str(year), str(year)) for year in cohorts]
        self.fields["cohort"].choices = [("", str(_("All years"))), *years]  # type: ignore[attr-defined]
        self.fields["form"].choices = _choices(ExploitationForm, str(_("All forms")))  # type: ignore[attr-defined]
        self.fields["region"].choices = _choices(Region, str(_("All regions")))  # type: ignore[attr-defined]
        self.fields["stratum"].choices = [(k, str(v)) for k, v in STRATA.items()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [name for name in ("form", "region", "cohort") if data.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(
                _(
                    "Choose one filter: the figures are published for all, per form of "
                    "exploitation, per region or per cohort year, not for combinations (small "
                    "combinations would have to be hidden, or would reveal each other)."
                ),
                code="one_filter",
            )
        return data

    def filters(self) -> Filters:
        """The chosen selection; all when the query is invalid (the errors are shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            form=data.get("form") or None,
            region=data.get("region") or None,
            cohort=data.get("cohort") or None,
        )

    def chosen_stratum(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return str(data.get("stratum") or "form")

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
